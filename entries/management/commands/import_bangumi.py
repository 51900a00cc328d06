"""``manage.py import_bangumi PATH``: create or update series from bangumi-data.

PATH is bangumi-data's ``data.json``, plain or gzip-compressed. Running it again
with the same file changes nothing and says so. A progress bar goes to stderr
(on a terminal; elsewhere a line every 10 %), the summary to stdout: how many
series were created, updated and left unchanged, how many items were skipped
and why (``-v 2`` lists each one), and how long each stage took.

Items that cannot be imported are skipped and the others imported; ``--strict``
imports nothing unless every item can be. A file that is not bangumi-data is
an error and writes nothing. See ``entries.importers.bangumi`` for the rules.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from entries.importers.bangumi import (
    BangumiFileError,
    ImportAborted,
    ImportReport,
    import_bangumi,
    read_file,
)
from entries.importers.progress import ProgressBar


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2024-01-31, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Create or update series from a bangumi-data file (data.json, plain or .json.gz). "
        "Idempotent: a second run with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="bangumi-data's data.json, or a .json.gz of it")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Import nothing if any item cannot be imported (default: skip those items).",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Do not record the import in the page histories (for throwaway databases).",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="The date (in Japan) that decides announced, airing and finished. Default: today.",
        )

    def handle(self, *args, path, strict, no_history, today, verbosity, **options):
        today = _date(today) if today else None
        started = time.perf_counter()
        progress = ProgressBar(self.stderr) if verbosity >= 1 else None
        try:
            data = read_file(path)
            read_seconds = time.perf_counter() - started
            report = import_bangumi(
                data, today=today, strict=strict, history=not no_history, progress=progress
            )
        except BangumiFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        except ImportAborted as aborted:
            self._problems(aborted.report, verbosity)
            hint = "Run with -v 2 to list them, or" if verbosity < 2 else "Run"
            raise CommandError(
                f"{len(aborted.report.skipped)} item(s) cannot be imported "
                f"({_counts(aborted.report.skipped_by_reason())}); with --strict nothing "
                f"was written. {hint} without --strict to import the other items."
            ) from aborted
        except DatabaseError as error:
            raise CommandError(
                f"Could not write to the database ({error}); nothing was imported. "
                "Is the database reachable, and has `manage.py migrate` been run?"
            ) from error
        elapsed = time.perf_counter() - started
        if verbosity >= 1:
            self._summary(report, elapsed=elapsed, read_seconds=read_seconds)
            self._problems(report, verbosity)

    def _summary(self, report: ImportReport, *, elapsed: float, read_seconds: float) -> None:
        line = f"bangumi-data {report.source}: {report.summary()}."
        if report.changed:
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stdout.write(f"{line} Nothing to do: the series are up to date.")
        stages = {"reading": read_seconds, **report.timings}
        details = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
        self.stdout.write(f"Took {elapsed:.1f} s ({details}).")

    def _problems(self, report: ImportReport, verbosity: int) -> None:
        for heading, problems, counts in [
            ("Skipped items", report.skipped, report.skipped_by_reason()),
            ("Values left out of imported series", report.notes, report.notes_by_reason()),
        ]:
            if not problems or verbosity < 1:
                continue
            self.stdout.write(f"{heading}:")
            for reason, count in counts.most_common():
                self.stdout.write(f"  {reason}: {count}")
            if verbosity >= 2:
                for problem in problems:
                    self.stdout.write(f"    {problem}")


def _counts(counts) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in counts.most_common())
