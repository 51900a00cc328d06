"""Search on PostgreSQL: full-text search over a weighted tsvector, pg_trgm for the rest.

The search document's ``vector`` column (a generated column, migration 0004)
weighs names A, summary and tags B, body C, all with the ``simple`` text search
configuration: no stemming and no stop words. That is deliberate: names are
mostly romaji, Japanese or Chinese, which an English stemmer mangles
("Bones" → "bone") and whose short words it drops ("The", "A"); one
configuration for every weight means one tsquery matches all of them, and
searching behaves as on SQLite, which does not stem either. The cost is that
``stars`` does not find ``star``.

The tsvector sees a run of kana or kanji as one word, so names are also matched
by substring (``ILIKE``) through a GIN trigram index, which finds ``ルージュ`` in
``メタリックルージュ``; typos are pg_trgm's ``<%`` (word_similarity above
``pg_trgm.word_similarity_threshold``, 0.6 by default) on the same index.

User text reaches SQL only as parameters, through ``plainto_tsquery``,
``phraseto_tsquery`` and ``websearch_to_tsquery``, which accept any text; the SQL
itself is assembled from the constant fragments below.
"""

from django.db import OperationalError, connection
from django.db.models.expressions import RawSQL
from psycopg import errors

from ..models import ANSWERS_TO_SQL
from .base import (
    SIMILAR_BELOW,
    Filters,
    Hit,
    ParsedQuery,
    SearchBackend,
    TooCostly,
    budget_seconds,
    like_pattern,
)

# The GIN indexes migration 0004 creates, as ``rebuild_search_index`` rebuilds them.
GIN_INDEXES = [
    ("searchdoc_vector_idx", "gin (vector)"),
    ("searchdoc_names_trgm_idx", "gin (names gin_trgm_ops)"),
]

_WORD_QUERY = "plainto_tsquery('simple', %s)"
_PHRASE_QUERY = "phraseto_tsquery('simple', %s)"
# One term: its words in the tsvector, or part of a name.
_WORD = f"(d.vector @@ {_WORD_QUERY} OR d.names ILIKE %s)"
_PHRASE = f"(d.vector @@ {_PHRASE_QUERY} OR d.names ILIKE %s)"
_NAME = "d.names ILIKE %s"
# Typos: names like the query (pg_trgm's word similarity, on the trigram index),
# looked for only when no name is the query and few entries match otherwise.
_SIMILAR = """
    UNION ALL SELECT d.entry_id, false, false FROM entries_searchdocument d
    WHERE (SELECT count(DISTINCT id) FROM matched) < %s
      AND NOT EXISTS (SELECT 1 FROM matched WHERE is_exact)
      AND %s <%% d.names AND {filters}
"""

# Each arm is answered from an index, so that only the entries found are
# ranked: the exact names (b-trees); the entries with some term in a name
# (trigram GIN) and the entries whose tsvector has every term (GIN), each
# checked for every term and at most ``max_results + 1`` of them; and names
# like the query (trigram GIN). One condition with OR across these would make
# PostgreSQL read every row.
_RANKED = """
WITH matched AS (
    SELECT d.entry_id AS id, true AS is_exact, false AS is_match
    FROM ({exact}) AS exact JOIN entries_searchdocument d ON d.entry_id = exact.id
    WHERE {filters}
    UNION ALL (
        SELECT d.entry_id, false, true FROM entries_searchdocument d
        WHERE ({some_name}) AND {match} AND {filters} LIMIT %s
    )
    UNION ALL (
        SELECT d.entry_id, false, true FROM entries_searchdocument d
        WHERE d.vector @@ ({all_words}) AND {match} AND {filters} LIMIT %s
    )
),
found AS (
    SELECT * FROM matched
    {similar}
),
candidates AS (
    SELECT id, bool_or(is_exact) AS is_exact, bool_or(is_match) AS is_match
    FROM found GROUP BY id
)
SELECT c.id, c.is_exact, c.is_match, count(*) OVER ()
FROM candidates c JOIN entries_searchdocument d ON d.entry_id = c.id
ORDER BY c.is_exact DESC, c.is_match DESC, {in_names} DESC,
    CASE WHEN c.is_match
        THEN ts_rank(d.vector, websearch_to_tsquery('simple', %s))
        ELSE word_similarity(%s, d.names)
    END DESC,
    length(d.names), c.id
LIMIT %s OFFSET %s
"""


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def ranked(
        self, query: ParsedQuery, filters: Filters, *, limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        key = query.key
        match, match_params = self._match(query)
        filters_sql, filters_params = filters.sql()
        similar_text = query.similar_text
        all_words, all_words_params = self._all_words(query)
        some_name = " OR ".join([_NAME] * len(query.terms))
        patterns = [like_pattern(term.text) for term in query.terms]
        sql = _RANKED.format(
            exact=ANSWERS_TO_SQL,
            all_words=all_words,
            some_name=some_name,
            match=match,
            filters=filters_sql,
            similar=_SIMILAR.format(filters=filters_sql) if similar_text else "",
            in_names="(" + " AND ".join([_NAME] * len(query.terms)) + ")",
        )
        # Any term, for ranking: each quoted, so that words like "or" stay words.
        any_term = " or ".join(f'"{term.text}"' for term in query.terms)
        params = [
            *[key] * ANSWERS_TO_SQL.count("%s"),
            *filters_params,
            *patterns,
            *match_params,
            *filters_params,
            self.max_results + 1,
            *all_words_params,
            *match_params,
            *filters_params,
            self.max_results + 1,
            *([SIMILAR_BELOW, similar_text, *filters_params] if similar_text else []),
            *patterns,
            any_term,
            similar_text,
            limit,
            offset,
        ]
        # A statement timeout for this query only: SET LOCAL in the same message, which
        # PostgreSQL runs as one transaction (or within the caller's), so the budget
        # costs no query of its own.
        # At least 1 ms: 0 would mean no timeout at all.
        budget = f"SET LOCAL statement_timeout = {max(1, round(budget_seconds() * 1000))}; "
        try:
            with connection.cursor() as cursor:
                cursor.execute(budget + sql, params)
                cursor.nextset()
                rows = cursor.fetchall()
        except OperationalError as error:
            if isinstance(error.__cause__, errors.QueryCanceled):
                raise TooCostly from error
            raise
        hits = [
            Hit(entry_id=id_, exact=exact, similar=not exact and not matched)
            for id_, exact, matched, _ in rows
        ]
        return hits, (rows[0][3] if rows else 0)

    def _all_words(self, query: ParsedQuery) -> tuple[str, list]:
        """One tsquery with every term (``&&``), for the GIN index."""
        parts, params = [], []
        for term in query.terms:
            parts.append(_PHRASE_QUERY if term.phrase else _WORD_QUERY)
            params.append(term.text)
        return " && ".join(parts), params

    def _match(self, query: ParsedQuery) -> tuple[str, list]:
        """Every term, each as words of the tsvector or as part of a name."""
        parts, params = [], []
        for term in query.terms:
            parts.append(_PHRASE if term.phrase else _WORD)
            params += [term.text, like_pattern(term.text)]
        return "(" + " AND ".join(parts) + ")", params

    def names_containing(self, text: str, *, limit: int | None = None) -> RawSQL:
        # ILIKE, not Django's icontains (UPPER(names) LIKE UPPER(...)), which the
        # trigram index cannot serve.
        sql = "SELECT entry_id FROM entries_searchdocument WHERE names ILIKE %s"
        if limit is None:
            return RawSQL(sql, [like_pattern(text)])
        return RawSQL(f"{sql} LIMIT %s", [like_pattern(text), limit])

    def prefix(self, column: str, key: str) -> tuple[str, list]:
        # LIKE 'key%' can use a varchar_pattern_ops index (Django adds one for
        # db_index fields; migration 0004 adds one for aliases).
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{column} LIKE %s", [escaped + "%"]

    def prepare_bulk_load(self, cursor) -> None:
        # Building a GIN index once is much faster than growing it row by row.
        # CREATE INDEX refuses a table with deferred foreign key checks pending:
        # check the documents' entries as they are written instead.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _ in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")

    def finish_bulk_load(self, cursor) -> None:
        for name, method in GIN_INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON entries_searchdocument USING {method}")
        cursor.execute("ANALYZE entries_searchdocument")
