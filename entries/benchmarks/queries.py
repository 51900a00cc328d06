"""The searches the benchmark times: the query set, the timings and their table.

The rare and the common word of the query set are read from the search
documents (``pick_words``), so that they mean the same on a database built
earlier (``--keep``, then ``--reuse``): the most frequent word, and a word found
once and inside no name, the middle one of those in alphabetical order.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from django.db import connection, models

from entries import search
from entries.models import Entry, SearchDocument

DEFAULT_REPEAT = 30
RARE_WORD_TRIES = 50


@dataclass(frozen=True)
class Query:
    label: str
    text: str
    kind: str = ""
    year: int | None = None
    suggest: bool = False


@dataclass
class Timing:
    query: Query
    results: str  # "12", or "500+" when the count is capped
    seconds: list[float]

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the timings, in milliseconds."""
        ordered = sorted(self.seconds)
        rank = max(1, math.ceil(share * len(ordered)))
        return ordered[rank - 1] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def max(self) -> float:
        return max(self.seconds) * 1000


# --- The query set ---

_WORDS = re.compile(r"[^\W\d_]+")


def pick_words() -> tuple[str, str]:
    """(rare word, common word) from the search documents; see the module docstring."""
    counts: Counter = Counter()
    in_names: set[str] = set()
    rows = SearchDocument.objects.values_list("names", "summary", "tags", "body")
    for names, summary, tags, body in rows.iterator(chunk_size=5000):
        counts.update(_WORDS.findall(f"{summary} {tags} {body}".lower()))
        in_names.update(_WORDS.findall(names.lower()))
    if not counts:
        return "", ""
    common = counts.most_common(1)[0][0]
    once = sorted(
        word
        for word, count in counts.items()
        if count == 1 and len(word) >= 3 and word.isascii() and word not in in_names
    )
    # A term also matches any part of a name ("mihiko" in "Kamihikoto"): take the
    # first one, from the middle of the list on, that is inside no name.
    middle = len(once) // 2
    for word in (once[middle:] + once[:middle])[:RARE_WORD_TRIES]:
        if not SearchDocument.objects.filter(names__icontains=word).exists():
            return word, common
    return (once[middle] if once else min(counts, key=lambda w: (counts[w], w))), common


# --- Timing -----------------------------------------------------------------------------


def query_set(*, rare_word: str, common_word: str) -> list[Query]:
    return [
        Query("exact title", "Metallic Rouge"),
        Query("prefix", "Metal"),
        Query("typo", "metalic rouge"),
        Query("Japanese fragment", "メタリック"),
        Query("rare word", rare_word),
        Query("common word", common_word),
        Query("common word, kind=character", common_word, kind=Entry.Kind.CHARACTER.value),
        Query("common word, series of 2024", common_word, kind=Entry.Kind.SERIES.value, year=2024),
        Query("suggest", "rou", suggest=True),
        *HOSTILE,
    ]


# Queries that cost tens of normal ones before the search had a budget (issue 12):
# many one-letter words, many single kana, a long word with short ones, a kind filter.
HOSTILE = [
    Query("hostile: 16 letters, kind=series", "a b c d e f g h i j k l m n o p", kind="series"),
    Query("hostile: 16 kana", "ア イ ウ エ オ カ キ ク ケ コ サ シ ス セ ソ タ"),
    Query("hostile: four vowels", "e i o u"),
    Query("hostile: a word and letters", "metallic rouge a b c"),
    Query("hostile: long quoted phrase", '"' + " ".join(["rouge"] * 40) + '"'),
]


def _run(query: Query) -> str:
    if query.suggest:
        return str(len(search.suggest(query.text)))
    page = search.search(query.text, kind=query.kind, year=query.year)
    return f"{page.total}+" if page.total_capped else str(page.total)


def run_queries(queries: list[Query], *, repeat: int) -> list[Timing]:
    """Each query once to warm up, then ``repeat`` times, timed with ``perf_counter``."""
    timings = []
    for query in queries:
        results = _run(query)
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            _run(query)
            seconds.append(time.perf_counter() - started)
        timings.append(Timing(query=query, results=results, seconds=seconds))
    return timings


def describe_query(query: Query) -> str:
    call = "suggest" if query.suggest else "search"
    args = [repr(query.text)]
    if query.kind:
        args.append(f"kind={query.kind!r}")
    if query.year is not None:
        args.append(f"year={query.year}")
    return f"{call}({', '.join(args)})"


def table(timings: list[Timing]) -> list[str]:
    """The timings as a Markdown table."""
    lines = [
        "| query | call | results | p50 ms | p95 ms | max ms |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.query.label} | `{describe_query(timing.query)}` | {timing.results} "
            f"| {timing.p50:.1f} | {timing.p95:.1f} | {timing.max:.1f} |"
        )
    return lines


def database_description() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            version = connection.vendor
    return version


def entry_counts() -> dict[str, int]:
    counts = dict(Entry.objects.order_by().values_list("kind").annotate(count=models.Count("pk")))
    return {kind: counts.get(kind, 0) for kind in Entry.Kind.values}
