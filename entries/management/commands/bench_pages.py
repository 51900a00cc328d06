"""``manage.py bench_pages``: public pages over HTTP on the production server.

Prepares a throw-away site (migrate, the demo, the bangumi-data import with
``--import``, collectstatic), starts gunicorn with deploy/gunicorn.conf.py with
the page cache on and then off, drives each page with wrk in interleaved rounds
and prints req/s, p50, p99 and the ratio to Django's floor; then a mixed load
(readers while an editor saves the series through the admin once a second)
with the cache hit ratio and the number of stale reads. See
``entries.benchmarks.pages``; nothing is asserted.

The site's database is ``--database`` (default: ``DATABASE_URL``, else a SQLite
file in /tmp made anew)::

    python manage.py bench_pages --import                  # SQLite, real size
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fandex_bench_pages \\
        python manage.py bench_pages --import              # an empty PostgreSQL database
    python manage.py bench_pages --pages series --seconds 2 --rounds 1 --mixed-seconds 3
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from entries.benchmarks import pages
from entries.management.arguments import positive_int


def _page_names(value: str) -> list[str]:
    known = [page.name for page in pages.pages()]
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names or any(name not in known for name in names):
        raise ValueError(value)
    return names


def _seconds(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve a throw-away site with gunicorn, with and without the page cache, and "
        "measure its pages with wrk (req/s, p50, p99, ratio to Django's floor), then a "
        "mixed load of readers and one editor, checking that no read is stale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default=os.environ.get("DATABASE_URL") or pages.DEFAULT_DATABASE,
            help="The site's database: the default SQLite file is made anew, any other "
            "must have no entries (default: DATABASE_URL, else %(default)s).",
        )
        parser.add_argument(
            "--import",
            dest="import_data",
            action="store_true",
            help="Import the bangumi-data file too (8,800 series), so that pages, lists "
            "and search have their real size.",
        )
        parser.add_argument(
            "--data",
            default=str(pages.DEFAULT_DATA),
            help="The bangumi-data file for --import (default: %(default)s).",
        )
        parser.add_argument(
            "--pages",
            type=_page_names,
            default=[page.name for page in pages.pages()],
            help="Comma-separated pages to measure, of "
            + ", ".join(page.name for page in pages.pages())
            + " (default: all; the floor is always measured: the ratios need it).",
        )
        parser.add_argument(
            "--seconds",
            type=positive_int,
            default=pages.DEFAULT_SECONDS,
            help=f"wrk's duration per page and round (default {pages.DEFAULT_SECONDS}).",
        )
        parser.add_argument(
            "--rounds",
            type=positive_int,
            default=pages.DEFAULT_ROUNDS,
            help=f"Interleaved rounds; the table gives their median (default "
            f"{pages.DEFAULT_ROUNDS}).",
        )
        parser.add_argument(
            "--workers",
            type=positive_int,
            default=pages.DEFAULT_WORKERS,
            help=f"gunicorn's worker processes (default {pages.DEFAULT_WORKERS}).",
        )
        parser.add_argument(
            "--mixed-seconds",
            type=_seconds,
            default=pages.DEFAULT_MIXED_SECONDS,
            help=f"Length of the mixed load, 0 for none (default {pages.DEFAULT_MIXED_SECONDS}).",
        )
        parser.add_argument(
            "--readers",
            type=positive_int,
            default=pages.DEFAULT_READERS,
            help=f"Reader threads of the mixed load (default {pages.DEFAULT_READERS}).",
        )

    def handle(self, *args, database, import_data, data, verbosity, **options):
        log = self.stdout.write if verbosity >= 1 else (lambda line: None)
        names = options["pages"]
        selected = [page for page in pages.pages() if page.name in names or page.name == "floor"]
        seconds, rounds, workers = options["seconds"], options["rounds"], options["workers"]
        try:
            pages.wrk_path()
            with pages.work_folder() as folder:
                site = pages.prepare(
                    database_url=database,
                    data=Path(data) if import_data else None,
                    folder=folder,
                    log=log,
                )
                before = pages.load_average()
                rows = pages.measure(
                    site, selected, seconds=seconds, rounds=rounds, workers=workers, log=log
                )
                mixed = None
                if options["mixed_seconds"]:
                    mixed = pages.mixed_load(
                        site,
                        seconds=options["mixed_seconds"],
                        readers=options["readers"],
                        workers=workers,
                        log=log,
                    )
                after = pages.load_average()
        except pages.BenchmarkError as error:
            raise CommandError(str(error)) from error

        write = self.stdout.write
        write("")
        write(f"Database: {site.database}, {site.contents}.")
        write(
            f"Server: gunicorn, deploy/gunicorn.conf.py, {workers} sync workers, DEBUG off, "
            f"page cache in {'Redis' if site.env.get('REDIS_URL') else 'a folder (no Redis)'}."
        )
        write(
            f"Load: wrk -t{pages.WRK_THREADS} -c{pages.WRK_CONNECTIONS} -d{seconds}s "
            f"--latency per page, {rounds} interleaved round(s); median over the rounds, "
            "spread = slowest-fastest round; x floor = req/s over the floor's "
            "(the trivial view with the page cache off)."
        )
        write(
            f"Machine: nproc {pages.cores()}, load average {before} at the start, "
            f"{after} at the end."
        )
        write("")
        for line in pages.table(rows):
            write(line)
        if mixed is None:
            return
        write("")
        write(
            f"Mixed load: {mixed.seconds:.0f} s, {mixed.readers} reader threads over "
            + ", ".join(f"`{path}`" for path in dict.fromkeys(mixed.paths))
            + " (the series page half the time), while an editor saves the series "
            "through the admin once a second; page cache on. Stale reads are checked "
            "on " + ", ".join(f"`{path}`" for path in mixed.checked_paths) + "."
        )
        write("")
        for line in pages.mixed_table(mixed):
            write(line)
        write("")
        stale = mixed.stale()
        if stale:
            first = stale[0]
            write(
                f"STALE: {len(stale)} reads that started after an edit's response "
                f"arrived showed an older text (first: `{first.path}` showed edit "
                f"{first.counter})."
            )
        else:
            write(
                f"No stale read: none of the {mixed.checked_reads():,} reads that started "
                "after an edit's response arrived showed an older text."
            )
