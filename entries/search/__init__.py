"""Search across every kind of entry, on PostgreSQL or SQLite.

Views call ``search`` (the results page) and ``suggest`` (the search box); both
take any text and never raise on it. ``get_backend`` picks the implementation
for the database in use. What a query means, how results rank and what the
filters do is described in ``entries.search.base``; how the index stays fresh,
in ``entries.search.indexing``.
"""

from django.db import connection

from .base import (
    SearchBackend,
    SearchPage,
    SearchResult,
    TooCostly,
    parse_filters,
    parse_query,
)

__all__ = [
    "SearchBackend",
    "SearchPage",
    "SearchResult",
    "TooCostly",
    "get_backend",
    "matching_ids",
    "search",
    "suggest",
]

_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The backend for the default database: PostgresBackend or SqliteBackend."""
    vendor = connection.vendor
    if vendor not in _backends:
        if vendor == "postgresql":
            from .postgres import PostgresBackend

            _backends[vendor] = PostgresBackend()
        elif vendor == "sqlite":
            from .sqlite import SqliteBackend

            _backends[vendor] = SqliteBackend()
        else:
            raise NotImplementedError(f"Fandex search does not support {vendor}.")
    return _backends[vendor]


def search(
    query: str,
    *,
    kind: str = "",
    tag: str = "",
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """One page of entries matching ``query``, best first; see ``base`` for the rules.

    Costs one query with no results and three with any (hits and count; entries
    for cards; their tags), plus one for a page past the end.
    """
    return get_backend().search(query, kind=kind, tag=tag, year=year, page=page, per_page=per_page)


def suggest(query: str, *, limit: int = 8) -> list[dict]:
    """Up to ``limit`` entries for the search box, as ``{"title", "kind", "url"}``."""
    return get_backend().suggest(query, limit=limit)


def matching_ids(query: str, *, kind: str) -> list[int]:
    """The ids of the entries of ``kind`` that ``search(query, kind=kind)`` finds, best
    first: the same typos, aliases and name fragments, at most ``MAX_RESULTS`` of
    them; one query. The indexes' name filter narrows its lists with them.

    Raises ``TooCostly`` when the search ran past its time budget.
    """
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    backend = get_backend()
    hits, _ = backend.ranked(parsed, parse_filters(kind=kind), limit=backend.max_results, offset=0)
    return [hit.entry_id for hit in hits]
