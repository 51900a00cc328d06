"""``manage.py bench_indexes``: the browsing pages timed cold on the database in
use (see ``entries.benchmarks.indexes``). Run it on a database with the
bangumi-data import::

    python manage.py import_bangumi ../shared/data/bangumi-data-0.3.222.json.gz
    python manage.py bench_indexes --repeat 20
"""

from django.core.management.base import BaseCommand

from entries.benchmarks import indexes
from entries.management.arguments import positive_int


class Command(BaseCommand):
    help = "Time the indexes, a season chart and an episode list, cold, in the process."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=positive_int, default=20, help="Runs per page.")

    def handle(self, *args, repeat: int, **options):
        from django.db import connection

        self.stdout.write(f"{connection.vendor}, {repeat} runs a page, page cache off")
        self.stdout.write(indexes.table(indexes.run(repeat=repeat)))
