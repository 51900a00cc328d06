"""Search on SQLite: two FTS5 tables over the search documents.

- ``entries_searchdocument_words`` (``unicode61`` tokenizer: words) indexes names,
  summary, tags and body, and ranks with ``bm25`` (names over summary and tags
  over body). It is SQLite's counterpart of PostgreSQL's tsvector: whole words,
  no stemming, a run of kana or kanji as one word.
- ``entries_searchdocument_names`` (``trigram`` tokenizer) indexes names only:
  any part of a name of three or more characters is a match (``ルージュ`` in
  ``メタリックルージュ``), the counterpart of PostgreSQL's trigram ``ILIKE``.
  Shorter parts are looked for with ``LIKE``, which the trigram index cannot
  serve. It also gives the candidates for typos: the names sharing a trigram
  with each word of the query, scored in Python by ``base.name_similarity``
  (registered as an SQL function, so that ranking, count and page stay one
  query, as on PostgreSQL).

Both are external-content tables kept in step with ``entries_searchdocument`` by
triggers (migration 0004; ``install`` reinstalls them, as
``rebuild_search_index`` does).

User text reaches SQL only as parameters; FTS5 queries are made of quoted
strings (``fts_string``), so FTS5 operators in the text are just text.
"""

import time
from contextlib import contextmanager

from django.db import OperationalError, connection
from django.db.models.expressions import RawSQL

from ..models import ANSWERS_TO_SQL
from .base import (
    MIN_INDEXED_LENGTH,
    SIMILAR_BELOW,
    SIMILARITY_CANDIDATES,
    SIMILARITY_THRESHOLD,
    Filters,
    Hit,
    ParsedQuery,
    SearchBackend,
    TooCostly,
    budget_seconds,
    like_pattern,
    name_similarity,
)

WORDS = "entries_searchdocument_words"
NAMES = "entries_searchdocument_names"
SIMILARITY_FUNCTION = "fandex_name_similarity"
MAX_TRIGRAMS = 64

# The current schema of both tables and their triggers (what ``install`` creates).
SCHEMA = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5(
        names, summary, tags, body,
        content='entries_searchdocument', content_rowid='entry_id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {NAMES} USING fts5(
        names,
        content='entries_searchdocument', content_rowid='entry_id',
        tokenize='trigram'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS entries_searchdocument_fts_insert
    AFTER INSERT ON entries_searchdocument BEGIN
        INSERT INTO {WORDS}(rowid, names, summary, tags, body)
        VALUES (new.entry_id, new.names, new.summary, new.tags, new.body);
        INSERT INTO {NAMES}(rowid, names) VALUES (new.entry_id, new.names);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS entries_searchdocument_fts_delete
    AFTER DELETE ON entries_searchdocument BEGIN
        INSERT INTO {WORDS}({WORDS}, rowid, names, summary, tags, body)
        VALUES ('delete', old.entry_id, old.names, old.summary, old.tags, old.body);
        INSERT INTO {NAMES}({NAMES}, rowid, names) VALUES ('delete', old.entry_id, old.names);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS entries_searchdocument_fts_update
    AFTER UPDATE OF names, summary, tags, body ON entries_searchdocument BEGIN
        INSERT INTO {WORDS}({WORDS}, rowid, names, summary, tags, body)
        VALUES ('delete', old.entry_id, old.names, old.summary, old.tags, old.body);
        INSERT INTO {NAMES}({NAMES}, rowid, names) VALUES ('delete', old.entry_id, old.names);
        INSERT INTO {WORDS}(rowid, names, summary, tags, body)
        VALUES (new.entry_id, new.names, new.summary, new.tags, new.body);
        INSERT INTO {NAMES}(rowid, names) VALUES (new.entry_id, new.names);
    END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_insert",
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_update",
    f"DROP TABLE IF EXISTS {WORDS}",
    f"DROP TABLE IF EXISTS {NAMES}",
]

# Whether document ``d`` has a term as words, or in a name (trigrams, or LIKE
# for terms too short for trigrams). Not correlated: SQLite reads the term's
# rows from FTS5 once per query and looks each document up in them. Correlated
# (``EXISTS ... AND rowid = d.entry_id``), FTS5 read a common trigram's whole
# list again for every document: "the" took 60 ms instead of 18 at 8,800 series.
_HAS_WORDS = f"d.entry_id IN (SELECT rowid FROM {WORDS} WHERE {WORDS} MATCH %s)"
_HAS_IN_NAME = f"d.entry_id IN (SELECT rowid FROM {NAMES} WHERE {NAMES} MATCH %s)"
_HAS_IN_NAME_LIKE = "d.names LIKE %s ESCAPE '\\'"
# Entries with some term in a name (a candidate set from the indexes).
_SOME_IN_NAMES = f"SELECT rowid FROM {NAMES} WHERE {NAMES} MATCH %s"
_SOME_IN_NAMES_LIKE = "SELECT entry_id FROM entries_searchdocument WHERE names LIKE %s ESCAPE '\\'"
# Candidates for typos: the names sharing a trigram with each word of the query,
# most shared first; looked for only when no name is the query and few entries
# match otherwise. The condition picks the MATCH text itself (an empty phrase
# finds nothing at once): in WHERE, FTS5 would rank every candidate first.
_SIMILAR = f"""
    UNION ALL SELECT id, 0, 0, 1, NULL FROM (
        SELECT rowid AS id FROM {NAMES}
        WHERE {NAMES} MATCH (
            CASE WHEN (SELECT count(DISTINCT id) FROM matched) < %s
                      AND NOT EXISTS (SELECT 1 FROM matched WHERE is_exact)
                 THEN %s ELSE '""' END
        )
        ORDER BY rank LIMIT {SIMILARITY_CANDIDATES}
    )
"""

# As on PostgreSQL, each arm of ``matched`` comes from an index and offers at
# most ``max_results + 1`` entries: the exact names; the entries with every term
# as words; those with some term in a name, checked for every term.
# SQLite calls the budget's progress handler every this many virtual-machine steps.
PROGRESS_STEPS = 20_000

_RANKED = f"""
WITH matched(id, is_exact, is_match) AS (
    SELECT d.entry_id, 1, 0 FROM ({{exact}}) AS exact
    JOIN entries_searchdocument d ON d.entry_id = exact.id
    WHERE {{filters}}
    UNION ALL SELECT * FROM (
        SELECT d.entry_id, 0, 1 FROM {WORDS}
        JOIN entries_searchdocument d ON d.entry_id = {WORDS}.rowid
        WHERE {WORDS} MATCH %s AND {{filters}} LIMIT %s
    )
    UNION ALL SELECT * FROM (
        SELECT d.entry_id, 0, 1 FROM entries_searchdocument d
        WHERE d.entry_id IN ({{some_name}}) AND {{every_term}} AND {{filters}} LIMIT %s
    )
),
found(id, is_exact, is_match, is_similar, score) AS (
    SELECT id, is_exact, is_match, 0, NULL FROM matched
    -- Relevance of the matches: one FTS5 cursor over the entries with any term
    -- ("+" keeps SQLite from looking each id up on its own, which makes bm25
    -- count the term's documents again for every row).
    UNION ALL SELECT rowid, 0, 0, 0, bm25({WORDS}, 10.0, 5.0, 5.0, 1.0) FROM {WORDS}
    WHERE {WORDS} MATCH %s AND +rowid IN (SELECT id FROM matched WHERE is_match)
    {{similar}}
),
grouped AS (
    SELECT id, max(is_exact) AS is_exact, max(is_match) AS is_match,
           max(is_similar) AS is_similar, min(score) AS score
    FROM found GROUP BY id
),
hits AS (
    SELECT g.id, g.is_exact, g.is_match, length(d.names) AS names_length,
           CASE WHEN g.is_match THEN g.score END AS score,
           {{in_names}} AS in_names,
           CASE WHEN g.is_similar AND NOT g.is_match AND NOT g.is_exact
                THEN {SIMILARITY_FUNCTION}(%s, d.names) END AS similarity
    FROM grouped g JOIN entries_searchdocument d ON d.entry_id = g.id
    WHERE {{filters}}
)
SELECT id, is_exact, is_match, count(*) OVER () FROM hits
WHERE is_exact OR is_match OR similarity >= %s
ORDER BY is_exact DESC, is_match DESC, in_names DESC, score IS NULL, score,
    similarity DESC, names_length, id
LIMIT %s OFFSET %s
"""


@contextmanager
def _within_budget():
    """Stop the query (SQLite's progress handler) once it has run ``budget_seconds()``."""
    deadline = time.monotonic() + budget_seconds()
    raw = connection.connection
    raw.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error):
            raise TooCostly from error
        raise
    finally:
        raw.set_progress_handler(None, 0)


def fts_string(text: str) -> str:
    """``text`` as an FTS5 string: every character literal, nothing an operator."""
    return '"' + text.replace('"', '""') + '"'


def similar_names_query(text: str) -> str:
    """An FTS5 query for the trigram table: names sharing a trigram with each word of
    ``text`` (words of three characters or more); empty when there is none."""
    groups, seen = [], 0
    for word in dict.fromkeys(text.casefold().split()):
        pieces = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
        pieces = pieces[: max(0, MAX_TRIGRAMS - seen)]
        seen += len(pieces)
        if pieces:
            groups.append("(" + " OR ".join(map(fts_string, pieces)) + ")")
    return " AND ".join(groups)


def register_functions(wrapper) -> None:
    """Give an SQLite connection (a Django database wrapper) the SQL functions search uses."""
    wrapper.connection.create_function(SIMILARITY_FUNCTION, 2, name_similarity, deterministic=True)
    wrapper._fandex_functions_on = wrapper.connection


def install(cursor) -> None:
    """Create the FTS tables and their triggers where missing."""
    for statement in SCHEMA:
        cursor.execute(statement)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def ranked(
        self, query: ParsedQuery, filters: Filters, *, limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        key = query.key
        every_term, every_term_params = [], []
        in_names, in_names_params = [], []
        some_name, some_name_params = [], []
        long_terms = [fts_string(term.text) for term in query.terms if term.indexed]
        short_terms = [term.text for term in query.terms if not term.indexed]
        # Candidates by name, which every term must then match: from the index when a
        # term is long enough for it, else by scanning names for one short term (the
        # longest) only. One scan per short term ("a b c d ..." or "gundam e") made a
        # query cost tens of normal ones.
        if long_terms:
            some_name.append(_SOME_IN_NAMES)
            some_name_params.append(" OR ".join(long_terms))
            in_names.append(_HAS_IN_NAME)
            in_names_params.append(" AND ".join(long_terms))
        else:
            some_name.append(_SOME_IN_NAMES_LIKE)
            some_name_params.append(like_pattern(max(short_terms, key=len)))
        for term in query.terms:
            if term.indexed:
                every_term.append(f"({_HAS_WORDS} OR {_HAS_IN_NAME})")
                every_term_params += [fts_string(term.text)] * 2
            else:
                every_term.append(f"({_HAS_WORDS} OR {_HAS_IN_NAME_LIKE})")
                every_term_params += [fts_string(term.text), like_pattern(term.text)]
                in_names.append(_HAS_IN_NAME_LIKE)
                in_names_params.append(like_pattern(term.text))
        similar = similar_names_query(query.similar_text)
        # "+" keeps the filters off the indexes: the text indexes lead (Filters.sql).
        filters_sql, filters_params = filters.sql(column="+d.{}")
        sql = _RANKED.format(
            exact=ANSWERS_TO_SQL,
            some_name=" UNION ".join(some_name),
            every_term=" AND ".join(every_term),
            in_names=" AND ".join(in_names),
            similar=_SIMILAR if similar else "",
            filters=filters_sql,
        )
        params = [
            *[key] * ANSWERS_TO_SQL.count("%s"),
            *filters_params,
            " AND ".join(fts_string(term.text) for term in query.terms),
            *filters_params,
            self.max_results + 1,
            *some_name_params,
            *every_term_params,
            *filters_params,
            self.max_results + 1,
            " OR ".join(fts_string(term.text) for term in query.terms),
            *([SIMILAR_BELOW, similar] if similar else []),
            *in_names_params,
            query.similar_text,
            *filters_params,
            SIMILARITY_THRESHOLD,
            limit,
            offset,
        ]
        with connection.cursor() as cursor:
            self._register_functions()
            with _within_budget():
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        hits = [
            Hit(entry_id=id_, exact=bool(exact), similar=not exact and not matched)
            for id_, exact, matched, _ in rows
        ]
        return hits, (rows[0][3] if rows else 0)

    def _register_functions(self) -> None:
        # ``register_functions`` runs for every new connection (``connection_created``);
        # this covers one opened before the signal was connected.
        if getattr(connection, "_fandex_functions_on", None) is not connection.connection:
            register_functions(connection)

    def names_containing(self, text: str, *, limit: int | None = None) -> RawSQL:
        if len(text) >= MIN_INDEXED_LENGTH:
            sql, params = _SOME_IN_NAMES, [fts_string(text)]
        else:
            sql, params = _SOME_IN_NAMES_LIKE, [like_pattern(text)]
        if limit is None:
            return RawSQL(sql, params)
        return RawSQL(f"{sql} LIMIT %s", [*params, limit])

    def prefix(self, column: str, key: str) -> tuple[str, list]:
        # SQLite's LIKE ignores ASCII case and so cannot use the index; keys are
        # already casefolded, and a range on them can.
        return f"{column} >= %s AND {column} < %s", [key, key + "\U0010ffff"]

    def prepare_bulk_load(self, cursor) -> None:
        # Filling the FTS tables once at the end is much faster than row by row.
        for statement in DROP:
            cursor.execute(statement)

    def finish_bulk_load(self, cursor) -> None:
        install(cursor)
        for table in (WORDS, NAMES):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
