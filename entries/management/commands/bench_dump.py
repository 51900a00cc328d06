"""``manage.py bench_dump``: how long ``export_dump`` and ``import_dump`` take and how
much memory they need at 10,000 and 100,000 entries (``--entries``, repeatable).

Builds each size on an empty database (``entries.benchmarks.corpus``), exports it
in a fresh process, deletes the entries, imports the dump into the database that
has none and imports it again unchanged (``--no-import``: export only), and
prints tables (``entries.benchmarks.dumps``); deletes what it built after each
size. Nothing is asserted::

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3   # or postgres://.../fandex_bench
    python manage.py migrate
    python manage.py bench_dump --entries 10000 --entries 100000
"""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from reversion.models import Revision, Version

from entries.benchmarks import corpus, dumps
from entries.dumps.load import COMMENT
from entries.management.arguments import positive_int
from entries.models import Change, StreamingPlatform, Tag

DEFAULT_SIZES = (10_000, 100_000)


class Command(BaseCommand):
    help = (
        "Build databases of 10,000 and 100,000 entries (it must have none) and measure "
        "export_dump and import_dump on each: time, peak memory, file size."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--entries",
            type=positive_int,
            action="append",
            help="A size to measure, in entries (repeatable; default 10000 and 100000).",
        )
        parser.add_argument(
            "--chunk-size", type=positive_int, default=500, help="export_dump's chunk size."
        )
        parser.add_argument("--no-import", action="store_true", help="Measure export_dump only.")
        parser.add_argument(
            "--data",
            default=str(corpus.DEFAULT_DATA),
            help="The bangumi-data file the series come from (default: %(default)s).",
        )

    def handle(self, *args, entries, chunk_size, data, no_import, **options):
        sizes = sorted(entries or DEFAULT_SIZES)
        try:
            existing = corpus.database_entries()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `manage.py migrate` been run?"
            ) from error
        if existing:
            raise CommandError(
                f"The {connection.vendor} database {connection.settings_dict['NAME']!r} has "
                f"{existing} entries; bench_dump builds its own. Point DATABASE_URL at an "
                "empty database (then `manage.py migrate`)."
            )
        if not Path(data).is_file():
            raise CommandError(f"{data}: no such file (the bangumi-data file, --data).")
        platforms_before = set(StreamingPlatform.objects.values_list("pk", flat=True))
        tags_before = set(Tag.objects.values_list("pk", flat=True))
        results, imports = [], []
        clear = {"platforms_before": platforms_before, "tags_before": tags_before}
        for size in sizes:
            self.stdout.write(f"Building {size} entries on {connection.vendor}...")
            try:
                report = corpus.build(entries=size, data=data, log=self.stdout.write)
                self.stdout.write(f"Built in {report.seconds:.1f} s; exporting...")
                with tempfile.TemporaryDirectory() as work:
                    path = Path(work) / "bench.jsonl.gz"
                    started = time.perf_counter()
                    results.append(dumps.measure_export(chunk_size=chunk_size, path=path))
                    self.stdout.write(f"Exported in {time.perf_counter() - started:.1f} s.")
                    if not no_import:
                        corpus.clear(**clear)
                        self.stdout.write("Importing into a database with no entries...")
                        first = dumps.measure_import(path)
                        self.stdout.write(f"Imported in {first.seconds:.1f} s; again...")
                        again = dumps.measure_import(path)
                        self.stdout.write(f"Unchanged re-run in {again.seconds:.1f} s.")
                        imports.append((first, again))
            finally:
                corpus.clear(**clear)
                _clear_import_history()
        self.stdout.write("")
        self.stdout.write(f"export_dump on {connection.vendor}, chunk size {chunk_size}:")
        for line in [*dumps.TABLE_HEADER, *(figures.row() for figures in results)]:
            self.stdout.write(line)
        if imports:
            self.stdout.write("")
            self.stdout.write(
                f"import_dump on {connection.vendor} (with history), then the unchanged re-run:"
            )
            for line in [*dumps.IMPORT_HEADER, *(dumps.import_row(*pair) for pair in imports)]:
                self.stdout.write(line)


def _clear_import_history() -> None:
    """The revisions the measured imports wrote (their versions and changes with them)."""
    revisions = Revision.objects.filter(comment=COMMENT)
    Change.objects.filter(revision__in=revisions).delete()
    Version.objects.filter(revision__in=revisions).delete()
    revisions.delete()
