"""``manage.py bench_search``: how fast search is with 100,000 entries.

Builds a benchmark database on whichever database is configured (the real
bangumi-data series plus generated characters, staff and episodes, see
``entries.benchmarks.corpus``), rebuilds the search index, then runs a fixed set of
queries, each once to warm up and ``--repeat`` times timed, and prints p50,
p95 and max latency per query. Nothing is asserted.

It refuses a database that already has entries: run it on a database of its
own, for example::

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3   # or postgres://.../fandex_bench
    python manage.py migrate
    python manage.py bench_search --entries 100000 --repeat 30

What it wrote is deleted at the end unless ``--keep`` is given; ``--reuse``
times the queries on the entries already there, writing nothing.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from entries.benchmarks import corpus, queries
from entries.importers.bangumi import BangumiFileError
from entries.management.arguments import add_repeat, positive_int
from entries.models import StreamingPlatform, Tag


class Command(BaseCommand):
    help = (
        "Build a database of generated and imported entries (it must have none) and time "
        "a fixed set of searches on it: p50, p95 and max latency per query."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--entries",
            type=positive_int,
            default=corpus.DEFAULT_ENTRIES,
            help=f"Entries in all, at least (default {corpus.DEFAULT_ENTRIES}).",
        )
        add_repeat(parser, default=queries.DEFAULT_REPEAT, each="of each query")
        parser.add_argument(
            "--data",
            default=str(corpus.DEFAULT_DATA),
            help="The bangumi-data file to import the series from (default: %(default)s).",
        )
        parser.add_argument(
            "--seed", type=int, default=corpus.DEFAULT_SEED, help="Seed of the generator."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the entries built (default: delete them when done).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="The database already has entries (say, from --keep): time the queries on "
            "them, building and deleting nothing.",
        )

    def handle(self, *args, entries, repeat, data, seed, keep, reuse, verbosity, **options):
        try:
            existing = corpus.database_entries()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `manage.py migrate` been run?"
            ) from error
        if existing and not reuse:
            raise CommandError(
                f"The {connection.vendor} database {connection.settings_dict['NAME']!r} already "
                f"has {existing} entries; bench_search builds its own and will not touch "
                "them. Point DATABASE_URL at an empty database (for example "
                "sqlite:////tmp/bench.sqlite3, then `manage.py migrate`), or pass --reuse to "
                "time the queries on these entries without writing anything."
            )
        build = not existing
        if build and not Path(data).is_file():
            raise CommandError(f"{data}: no such file (the bangumi-data file, --data).")

        log = self.stdout.write if verbosity >= 1 else (lambda line: None)
        platforms_before = set(StreamingPlatform.objects.values_list("pk", flat=True))
        tags_before = set(Tag.objects.values_list("pk", flat=True))
        try:
            if build:
                log(f"Building {entries} entries on {connection.vendor}...")
                try:
                    report = corpus.build(entries=entries, data=data, seed=seed, log=log)
                except BangumiFileError as error:
                    raise CommandError(str(error)) from error
                log(
                    f"Build time: {report.seconds:.1f} s ("
                    + ", ".join(f"{stage} {sec:.1f} s" for stage, sec in report.stages.items())
                    + ")."
                )
            self._bench(repeat)
        finally:
            if build and not keep:
                started = time.perf_counter()
                corpus.clear(platforms_before=platforms_before, tags_before=tags_before)
                log(f"Deleted the benchmark entries in {time.perf_counter() - started:.1f} s.")

    def _bench(self, repeat: int) -> None:
        counts = queries.entry_counts()
        rare, common = queries.pick_words()
        query_set = queries.query_set(rare_word=rare, common_word=common)
        started = time.perf_counter()
        timings = queries.run_queries(query_set, repeat=repeat)
        elapsed = time.perf_counter() - started
        self.stdout.write("")
        self.stdout.write(
            f"Database: {queries.database_description()} ({connection.vendor}), "
            f"{sum(counts.values())} entries ("
            + ", ".join(f"{count} {kind}" for kind, count in counts.items())
            + ")."
        )
        self.stdout.write(
            f"Rare word: {rare!r}; common word: {common!r}. "
            f"Each query once to warm up, then {repeat} times ({elapsed:.1f} s in all)."
        )
        self.stdout.write("")
        for line in queries.table(timings):
            self.stdout.write(line)
