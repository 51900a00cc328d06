"""``manage.py bench_site``: every kind of page cold (page cache off) over HTTP, on the
database it is given, at its real size: p50, p95 and max per page, with the
fragments of entry pages on and off, and Django's floor measured in the same run.
See ``entries.benchmarks.site``; it writes nothing but a throw-away editor
account (deleted again). Nothing is asserted::

    DATABASE_URL=sqlite:////tmp/import.sqlite3 python manage.py bench_site
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fandex_bench python manage.py bench_site
"""

import os

from django.core.management.base import BaseCommand, CommandError

from entries.benchmarks import pages, site
from entries.management.arguments import positive_int
from entries.models import Entry


class Command(BaseCommand):
    help = (
        "Time every kind of public page and the admin changelists over HTTP, page cache "
        "off, on the configured database (p50, p95, max; the floor in the same run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat", type=positive_int, default=20, help="Reads of each page (default 20)."
        )

    def handle(self, *args, repeat, **options):
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            raise CommandError(
                "Set DATABASE_URL to the database to measure (an import, or bench_search "
                "--keep's 100,000 entries); the server is started on it."
            )
        if not Entry.objects.exists():
            raise CommandError("The database has no entries: import or build some first.")
        try:
            with pages.work_folder() as folder:
                lines = site.run(
                    database_url=database_url,
                    repeat=repeat,
                    log=lambda line: self.stderr.write(line),
                    folder=folder,
                )
        except pages.BenchmarkError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(lines))
