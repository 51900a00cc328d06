"""``manage.py import_dump PATH``: load a dump written by ``export_dump``.

Into an empty database it creates everything the dump holds, in one
transaction, with one revision "Imported from a Fandex dump" in the history and
the search index brought up to date. A second run changes nothing. A bad file
or line is an error naming the line, and nothing is written. See
``entries.dumps.load``.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from entries.dumps import DumpError, import_dump


class Command(BaseCommand):
    help = (
        "Load a dump (gzipped JSON Lines from export_dump) into this database: all or "
        "nothing, and idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A dump written by export_dump (.jsonl.gz).")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Do not record the import in the page histories (for throwaway databases).",
        )

    def handle(self, *args, path, no_history, verbosity, **options):
        started = time.perf_counter()
        try:
            report = import_dump(path, history=not no_history)
        except DumpError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        except DatabaseError as error:
            raise CommandError(
                f"Could not write to the database ({error}); nothing was imported. "
                "Has `manage.py migrate` been run?"
            ) from error
        if verbosity >= 1:
            line = f"{path}: {report.summary()}."
            if report.changed:
                self.stdout.write(self.style.SUCCESS(line))
            else:
                self.stdout.write(f"{line} Nothing to do: the database already holds this dump.")
            self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")
