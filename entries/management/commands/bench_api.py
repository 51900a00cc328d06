"""``manage.py bench_api``: the series list on Django REST framework and on
django-ninja, in ms per request and requests per second (``entries.benchmarks.api``).

Its rows are rolled back, so any migrated database will do::

    python manage.py bench_api                       # 200 series, 5 rounds of 200 requests
    python manage.py bench_api --rows 1000 --requests 100 --rounds 3
"""

import platform

import django
import ninja
import rest_framework
from django.core.management.base import BaseCommand
from django.db import connection

from entries.benchmarks import api


class Command(BaseCommand):
    help = "Time one list endpoint on Django REST framework and on django-ninja."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=200)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args, rows, requests, rounds, **options):
        self.stdout.write(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"DRF {rest_framework.VERSION}, django-ninja {ninja.__version__}, "
            f"{connection.vendor}; {rows} series, first page of 20, "
            f"{rounds} rounds of {requests} requests"
        )
        figures = api.run(rows=max(rows, 1), requests=max(requests, 1), rounds=max(rounds, 1))
        self.stdout.write(api.table(figures))
