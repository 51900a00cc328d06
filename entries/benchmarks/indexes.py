"""``manage.py bench_indexes``: the browsing pages, cold (page cache off), timed in
the process through Django's test client on the database in use: the series index
at its first, middle and last page in two orders, filtered, by name, a season
chart, an episode list, and the other indexes' last pages. Prints p50, p95 and
the queries of each; nothing is asserted.

Made to show that a deep page costs what the first one does (the index's cap
and its sort key index, ``entries.views.indexes``) on the real import.
"""

import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client, override_settings

from ..views.indexes import MAX_INDEX_PAGES

PAGES = [
    ("series, page 1", "/series/"),
    ("series, page 100", "/series/?page=100"),
    (f"series, page {MAX_INDEX_PAGES} (last)", "/series/?page=last"),
    ("series Z to A, last page", "/series/?sort=-title&page=last"),
    ("series by year, last page", "/series/?sort=year&page=last"),
    ("series edited, last page", "/series/?sort=edited&page=last"),
    ("series TV winter 2024, newest", "/series/?format=tv&season=winter&year=2024&sort=newest"),
    ("series tagged mecha and androids", "/series/?tag=mecha&tag=androids"),
    ("series named 'metalic' (a typo)", "/series/?q=metalic"),
    ("series named 'gundam', TV", "/series/?q=gundam&format=tv"),
    ("season chart, winter 2024", "/seasons/2024/winter/"),
    ("episodes of Metallic Rouge", "/series/metallic-rouge/episodes/"),
    ("characters, last page", "/characters/?page=last"),
    ("staff, last page", "/staff/?page=last"),
]


@dataclass
class Timing:
    name: str
    status: int
    queries: int
    p50: float
    p95: float


def run(*, repeat: int = 20) -> list[Timing]:
    client = Client()
    timings = []
    with override_settings(FANDEX_PAGE_CACHE=False, DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for name, url in PAGES:
            client.get(url)  # templates compiled, connection open
            samples = []
            for _ in range(repeat):
                reset_queries()
                start = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            timings.append(
                Timing(
                    name=name,
                    status=response.status_code,
                    queries=len(connection.queries),
                    p50=statistics.median(samples),
                    p95=samples[max(0, round(len(samples) * 0.95) - 1)],
                )
            )
    return timings


def table(timings: list[Timing]) -> str:
    lines = [f"{'page':<40} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}"]
    for t in timings:
        lines.append(f"{t.name:<40} {t.status:>6} {t.queries:>7} {t.p50:>8.1f} {t.p95:>8.1f}")
    return "\n".join(lines)
