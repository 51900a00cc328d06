"""``manage.py bench_api``: Django REST framework against django-ninja on one list.

The same endpoint written twice: the first page (20 rows) of the series list,
the same queryset (``entries.api.querysets.cards(Series)`` in title order), the
same fields (id, kind, slug, title, native title, summary, year, format, URL,
tag names), under ``/bench/drf/series/`` and ``/bench/ninja/series/``
(``api_urls``). Both run through the site's whole middleware stack with the
page cache off, driven by Django's test client in one process, in interleaved
rounds because the machine is shared and its speed wanders; the median per
framework is reported as ms per request and requests per second, beside the
real ``/api/v1/series/`` (cursor pagination, nested pictures and tags).

The rows are made inside a transaction that is rolled back, so any migrated
database will do. Nothing is asserted; see docs/benchmarks.md, "Read API".
"""

import statistics
import time
from dataclasses import dataclass

from django.db import transaction
from django.test import Client, override_settings

from ..models import Series

URLS = {
    "drf": "/bench/drf/series/",
    "ninja": "/bench/ninja/series/",
    "api/v1 (drf, full)": "/api/v1/series/",
}


@dataclass
class Figure:
    name: str
    ms: float  # median milliseconds per request
    spread: float  # max - min of the rounds' medians, in ms

    @property
    def per_second(self) -> float:
        return 1000 / self.ms


def _make_rows(count: int) -> None:
    for number in range(count):
        series = Series(
            title=f"Bench series {number:05d}",
            native_title=f"ベンチ {number}",
            summary="A series made for the API benchmark. " * 3,
            year=1990 + number % 35,
        )
        series.save()
        series.tags.add("bench", f"tag-{number % 7}")


def _time(client: Client, url: str, requests: int) -> float:
    """Milliseconds per request over ``requests`` GETs of ``url``."""
    start = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return (time.perf_counter() - start) * 1000 / requests


def run(*, rows: int = 200, requests: int = 200, rounds: int = 5) -> list[Figure]:
    timings: dict[str, list[float]] = {name: [] for name in URLS}
    with (
        override_settings(
            ROOT_URLCONF="entries.benchmarks.api_urls",
            FANDEX_PAGE_CACHE=False,
            FANDEX_RATE_API=0,
            ALLOWED_HOSTS=["testserver"],
        ),
        transaction.atomic(),
    ):
        _make_rows(rows)
        client = Client()
        for url in URLS.values():  # warm up: imports, schema of the ninja router
            _time(client, url, 5)
        for _ in range(rounds):
            for name, url in URLS.items():
                timings[name].append(_time(client, url, requests))
        transaction.set_rollback(True)
    return [
        Figure(name=name, ms=statistics.median(values), spread=max(values) - min(values))
        for name, values in timings.items()
    ]


def table(figures: list[Figure]) -> str:
    """A Markdown table, as in docs/benchmarks.md."""
    base = figures[0].ms
    lines = [
        "| endpoint | ms/request | req/s | spread (ms) | time vs drf |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for figure in figures:
        lines.append(
            f"| {figure.name} | {figure.ms:.2f} | {figure.per_second:.0f} | "
            f"{figure.spread:.2f} | {figure.ms / base:.2f} |"
        )
    return "\n".join(lines)
