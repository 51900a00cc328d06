"""``manage.py bench_dump``: how long ``export_dump`` takes and how much memory it
needs at 10,000 and 100,000 entries (``--entries``, repeatable).

Builds each size on an empty database (``entries.benchmarks.corpus``), exports it
in a fresh process and prints a table (``entries.benchmarks.dumps``); deletes
what it built after each size. Nothing is asserted::

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3   # or postgres://.../fandex_bench
    python manage.py migrate
    python manage.py bench_dump --entries 10000 --entries 100000
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from entries.benchmarks import corpus, dumps
from entries.management.arguments import positive_int
from entries.models import StreamingPlatform, Tag

DEFAULT_SIZES = (10_000, 100_000)


class Command(BaseCommand):
    help = (
        "Build databases of 10,000 and 100,000 entries (it must have none) and measure "
        "export_dump on each: time, peak memory, file size."
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
        parser.add_argument(
            "--data",
            default=str(corpus.DEFAULT_DATA),
            help="The bangumi-data file the series come from (default: %(default)s).",
        )

    def handle(self, *args, entries, chunk_size, data, **options):
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
        results = []
        for size in sizes:
            self.stdout.write(f"Building {size} entries on {connection.vendor}...")
            try:
                report = corpus.build(entries=size, data=data, log=self.stdout.write)
                self.stdout.write(f"Built in {report.seconds:.1f} s; exporting...")
                started = time.perf_counter()
                results.append(dumps.measure_export(chunk_size=chunk_size))
                self.stdout.write(f"Exported in {time.perf_counter() - started:.1f} s.")
            finally:
                corpus.clear(platforms_before=platforms_before, tags_before=tags_before)
        self.stdout.write("")
        self.stdout.write(f"export_dump on {connection.vendor}, chunk size {chunk_size}:")
        for line in [*dumps.TABLE_HEADER, *(figures.row() for figures in results)]:
            self.stdout.write(line)
