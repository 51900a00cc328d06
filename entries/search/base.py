"""The search interface, and everything the two backends share.

A backend answers one question in one SQL query: which search documents match
a parsed query and filters, in what order, and how many there are
(``SearchBackend.ranked``). Everything around it is the same on every database
and lives here: reading what the user typed (``parse_query``), checking filters,
paging, loading the entries in a fixed number of queries, snippets, and the
search box's suggestions.

What a query means, on both databases:

- Every term must match (AND), ignoring letter case. A term matches an entry
  that has it as a whole word anywhere (names, summary, tags, body) or as any
  part of a name (title, native title or alias): ``ルージュ`` finds
  ``メタリックルージュ``, ``rouge`` finds ``Rouge Redstar``, but ``art`` does not
  find a body that says ``start``. Kana and kanji without spaces are one word to
  both databases, so inside bodies a Japanese fragment is not found; in names it is.
- ``"red star"`` in quotes is a phrase: those words, in that order (or that
  text inside a name).
- Ranking: a query that is exactly a name (title, native title or alias, any
  letter case) puts that entry first; then the entries matching every term,
  those with every term in a name first, then by relevance (names over summary
  and tags over body); then the entries with a name *like* the query (typos:
  ``metalic rouge``, ``izubuchy``), most alike first. Typos are looked for only
  when no name is exactly the query, fewer than ``SIMILAR_BELOW`` entries match
  otherwise and a term has three characters or more: they are a way out of an
  (almost) empty page, and for a short query almost any name is "like" it.
- At most ``MAX_RESULTS`` results are counted and shown; a query matching more
  (a very common word) says so with ``SearchPage.total_capped``.
- Quotes are the only operators. Punctuation and operator symbols at the ends
  of words (``& | ! ( ) :* -``) are dropped, ``OR``/``NOT``/``NEAR`` are plain
  words, and no input raises. Queries are cut to ``MAX_QUERY_LENGTH``
  characters (``SearchPage.truncated`` says so).

Filters: ``kind`` (an ``Entry.Kind`` value; an unknown one is ignored and listed
in ``SearchPage.ignored_filters``), ``tag`` (a tag slug; an unknown tag has no
entries), ``year`` (a series' year; episodes take their series' year; the other
kinds have no year, so a year filter leaves only series and episodes).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Entry, answers_to
from ..wikilinks import name_key

MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
# Typos are looked for in queries up to this long: a name, not a sentence.
MAX_SIMILAR_LENGTH = 80
# Words shorter than MIN_INDEXED_LENGTH searched for when no word is longer: the rest
# are left out, and the page says so (see ``parse_query``).
MAX_SHORT_ONLY = 1
# FTS5's trigram tokenizer needs three characters to find anything.
MIN_INDEXED_LENGTH = 3
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_SUGGESTIONS = 20
SNIPPET_LENGTH = 220
# Names at least this alike (``name_similarity``) count as a typo for the query
# on SQLite; PostgreSQL uses pg_trgm's word_similarity and its default threshold.
SIMILARITY_THRESHOLD = 0.75
# How many candidate names SQLite scores for typos (those sharing most trigrams).
SIMILARITY_CANDIDATES = 200
# Typos are looked for only when fewer entries than this match otherwise.
SIMILAR_BELOW = 10
# At most this many results are counted and shown. Ranking every match of a
# word found in most pages means reading most of the table, which no index
# avoids; so each way of matching (words; part of a name) offers at most this
# many, exact names always come, and a query that matches more says so
# (``SearchPage.total_capped``: "500+ results").
MAX_RESULTS = 500

# Control characters and lone surrogates never reach SQL; NUL goes without a
# trace, as in ``wikilinks.name_key``, the others become spaces.
_CONTROL = re.compile(r"[\x01-\x1f\x7f-\x9f\ud800-\udfff]")
# A bare word or a quoted phrase (an unclosed quote runs to the end).
_TOKEN = re.compile(r'"([^"]*)(?:"|$)|([^\s"]+)')
# Symbols that are operators in some search syntax, trimmed off the ends of words.
_OPERATOR_SYMBOLS = frozenset("|^~+=<>`$")
_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: kana, kanji, hangul.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# --- Reading the query ------------------------------------------------------------------


def clean_text(raw: object, *, limit: int = MAX_QUERY_LENGTH) -> tuple[str, bool]:
    """``raw`` as one line of NFKC text of at most ``limit`` characters, and
    whether it had to be cut."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    # Cut before normalizing, so that a huge input costs nothing; NFKC can
    # lengthen text ("㍿" is four characters), hence the margin.
    cut = len(text) > limit * 4
    text = _CONTROL.sub(" ", text[: limit * 4].replace("\x00", ""))
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if len(text) > limit:
        text, cut = text[:limit].rstrip(), True
    return text, cut


def _trim(word: str) -> str:
    """``word`` without punctuation and operator symbols at either end."""

    def edge(char: str) -> bool:
        return char in _OPERATOR_SYMBOLS or unicodedata.category(char).startswith("P")

    start, end = 0, len(word)
    while start < end and edge(word[start]):
        start += 1
    while end > start and edge(word[end - 1]):
        end -= 1
    return word[start:end]


class TooCostly(Exception):
    """A search ran past its time budget and was stopped by the database."""


def budget_seconds() -> float:
    """How long one search query may run (``FANDEX_SEARCH_BUDGET_MS``)."""
    return settings.FANDEX_SEARCH_BUDGET_MS / 1000


@dataclass(frozen=True)
class Term:
    """A word, or a quoted phrase of several words in that order."""

    text: str
    phrase: bool = False

    @property
    def indexed(self) -> bool:
        """Long enough for the trigram index of names (``MIN_INDEXED_LENGTH``)."""
        return len(self.text) >= MIN_INDEXED_LENGTH


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the cleaned query, as searched
    terms: tuple[Term, ...] = ()
    truncated: bool = False
    # Short words left out of a query made of short words only (``MAX_SHORT_ONLY``).
    dropped: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The name key an exactly matching title, native title or alias has."""
        return name_key(self.text.replace('"', " "))

    @property
    def similar_text(self) -> str:
        """What names are compared with for typos: each word once; empty when every
        term is short, or when the words are longer than any name would be (the
        comparison costs the product of the lengths, for every candidate name)."""
        if not any(term.indexed for term in self.terms):
            return ""
        words = dict.fromkeys(word for term in self.terms for word in term.text.split())
        text = " ".join(words)
        return text if len(text) <= MAX_SIMILAR_LENGTH else ""


def parse_query(raw: object) -> ParsedQuery:
    text, truncated = clean_text(raw)
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.groups()
        if word is not None:
            term = Term(_trim(word))
        else:
            words = [trimmed for part in phrase.split() if (trimmed := _trim(part))]
            term = Term(" ".join(words), phrase=len(words) > 1)
        if term.text and term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    dropped: tuple[str, ...] = ()
    if len(terms) > MAX_SHORT_ONLY and not any(term.indexed for term in terms):
        # Only words too short for the index: each one scans every name, so a
        # query of many ("a b c d ...") costs tens of normal ones. Keep the longest.
        kept = max(terms, key=lambda term: len(term.text))
        dropped = tuple(term.text for term in terms if term is not kept)
        terms = [kept]
    return ParsedQuery(text=text, terms=tuple(terms), truncated=truncated, dropped=dropped)


def like_pattern(text: str) -> str:
    r"""A LIKE pattern for ``text`` anywhere (``\`` escapes, as both databases expect here)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- Filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    tag: str = ""
    year: int | None = None
    ignored: tuple[str, ...] = ()  # names of filters whose value made no sense

    def sql(self, *, column: str = "d.{}") -> tuple[str, list]:
        """A condition on the search document ``d`` and its parameters.

        ``column`` writes a column's name: SQLite's backend gives ``"+d.{}"``, so
        that its planner tests the filters on the rows the text indexes found
        instead of seeking every document of a kind by ``searchdoc_kind_year_idx``
        and asking FTS5 about each (420 ms for ``gundam`` in the 8,800 imported
        series, 7 ms without the filter).
        """
        clauses, params = ["1 = 1"], []
        if self.kind:
            clauses.append(f"{column.format('kind')} = %s")
            params.append(self.kind)
        if self.year is not None:
            clauses.append(f"{column.format('year')} = %s")
            params.append(self.year)
        if self.tag:
            clauses.append(
                f"{column.format('entry_id')} IN (SELECT te.content_object_id "
                "FROM entries_taggedentry te "
                "JOIN entries_tag t ON t.id = te.tag_id WHERE t.slug = %s "
                # A spoiler tag would tell who has it (entries.spoilers).
                "AND te.revealed_in IS NULL)"
            )
            params.append(self.tag)
        return " AND ".join(clauses), params


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def parse_filters(*, kind: object = "", tag: object = "", year: object = None) -> Filters:
    ignored = []
    kind = clean_text(kind, limit=32)[0].lower()
    if kind and kind not in Entry.Kind.values:
        kind = ""
        ignored.append("kind")
    # Tag slugs are short ASCII; anything else simply matches no tag.
    tag = clean_text(tag, limit=100)[0].lower()
    number = None
    if year not in (None, ""):
        number = _as_int(year)
        if number is None or not 1 <= number <= 9999:
            number = None
            ignored.append("year")
    return Filters(kind=kind, tag=tag, year=number, ignored=tuple(ignored))


# --- Results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One matching entry as a backend ranks it."""

    entry_id: int
    exact: bool = False  # a name is exactly the query
    similar: bool = False  # found only by a name like the query (a typo)


@dataclass(frozen=True)
class SearchResult:
    entry: Entry  # loaded with ``Entry.objects.for_cards()``: URL and tags cost no query
    snippet: SafeString  # escaped text, the matched words in <mark>
    title_html: SafeString  # the title, escaped, the matched words in <mark>
    exact: bool = False
    similar: bool = False


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``query`` is the text as searched (cleaned, maybe cut);
    ``page_obj`` is the page as Django's ``Page``."""

    query: str
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    kind: str = ""
    tag: str = ""
    year: int | None = None
    truncated: bool = False  # the query was longer than MAX_QUERY_LENGTH (or had too many words)
    ignored_filters: tuple[str, ...] = ()
    # More than MAX_RESULTS entries match: ``total`` is MAX_RESULTS, ranked among
    # the first ones found rather than among all.
    total_capped: bool = False
    # The search ran past its time budget (FANDEX_SEARCH_BUDGET_MS) and was stopped.
    stopped: bool = False
    dropped_words: tuple[str, ...] = ()

    @cached_property
    def page_obj(self) -> Page:
        """This page as Django's ``Page``, which the site's pagination include reads.

        The backend loads one page of rows and counts the rest, so the paginator
        is given only the count (a range of that length, never read).
        """
        return Page(self.results, self.page, Paginator(range(self.total), self.per_page))

    # The paging answers callers of ``search`` read, worked out by ``page_obj``.

    @property
    def num_pages(self) -> int:
        return self.page_obj.paginator.num_pages

    @property
    def has_next(self) -> bool:
        return self.page_obj.has_next()

    @property
    def has_previous(self) -> bool:
        return self.page_obj.has_previous()

    @property
    def next_page_number(self) -> int | None:
        return self.page_obj.next_page_number() if self.has_next else None

    @property
    def previous_page_number(self) -> int | None:
        # A page past the end steps back to the last page, not to a missing one.
        return min(self.page - 1, self.num_pages) if self.has_previous else None

    @property
    def start_index(self) -> int:
        """The 1-based position of the first result on this page (0 when none)."""
        return self.page_obj.start_index() if self.results else 0

    @property
    def exact_match(self) -> Entry | None:
        """The entry to go straight to: the only one whose name is exactly the query."""
        if self.page != 1 or not self.results or not self.results[0].exact:
            return None
        if len(self.results) > 1 and self.results[1].exact:
            return None
        return self.results[0].entry


# --- Snippets ---------------------------------------------------------------------------


def highlighter(terms, *, whole_words: bool = False) -> re.Pattern | None:
    """A pattern that finds any of ``terms`` (texts) in text, longest first.

    With ``whole_words``, terms in scripts that put spaces between words (any
    term without kana, kanji or hangul) are found as whole words only, as the
    text indexes match them; otherwise anywhere, as names are matched.
    """
    texts = sorted({text for text in terms if text}, key=len, reverse=True)
    if not texts:
        return None
    alternatives = []
    for text in texts:
        pattern = r"\s+".join(re.escape(word) for word in text.split())
        if whole_words and not _UNSPACED.search(text):
            pattern = rf"(?<!\w){pattern}(?!\w)"
        alternatives.append(pattern)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """``text`` escaped, with every match of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every part is escaped above


def make_snippet(
    texts: list[str], pattern: re.Pattern | None, *, length: int = SNIPPET_LENGTH
) -> SafeString:
    """About ``length`` characters around the first match in the first text that has
    one (summary, then body), or the start of the first non-empty text."""
    for text in texts:
        found = pattern.search(text) if (pattern and text) else None
        if found is None:
            continue
        start = max(0, found.start() - length // 4)
        if start:
            space = text.find(" ", start, found.start())
            if space != -1:
                start = space + 1
        end = min(len(text), max(start + length, found.end()))
        if end < len(text):
            space = text.rfind(" ", found.end(), end)
            if space != -1:
                end = space
        fragment = highlight(text[start:end], pattern)
        return mark_safe(  # the fragment is escaped; the ellipses are text
            ("…" if start else "") + fragment + ("…" if end < len(text) else "")
        )
    for text in texts:
        if text:
            cut = text[:length]
            if len(text) > length and " " in cut[length // 2 :]:
                cut = cut[: cut.rfind(" ")]
            return mark_safe(escape(cut) + ("…" if len(cut) < len(text) else ""))
    return mark_safe("")


# --- Similar names (typos) --------------------------------------------------------------


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() > 0.5 else 0.0


def name_similarity(query: str | None, names: str | None) -> float:
    """How alike ``query`` is to the most alike of ``names`` (one per line), 0 to 1.

    Each word of the query is paired with the most alike word of the name, and
    the pairs averaged (``metalic rouge`` ~ ``Metallic Rouge`` is 0.97; word
    order does not matter); the whole query against the whole name counts too
    (``metallicrouge``). SQLite's stand-in for pg_trgm's word_similarity.
    """
    if not query or not names:
        return 0.0
    query = query.casefold()
    query_words = _WORD.findall(query) or [query]
    best = 0.0
    for name in names.casefold().split("\n")[:64]:
        if not name:
            continue
        name_words = _WORD.findall(name) or [name]
        per_word = sum(
            max(_ratio(word, other) for other in name_words) for word in query_words
        ) / len(query_words)
        best = max(best, per_word, _ratio(query, name))
        if best == 1.0:
            break
    return best


# --- The backend interface --------------------------------------------------------------

# Entries with a name starting with the query: the first few of each name key's
# b-tree, in alphabetical order. The names are those of ``entries.models.answers_to``
# (title, native title, aliases by their keys); change this with it.
_STARTS = """
    SELECT id FROM (
        SELECT id FROM entries_entry WHERE {title} ORDER BY title_key LIMIT %s
    ) AS by_title
    UNION SELECT id FROM (
        SELECT id FROM entries_entry WHERE {native} ORDER BY native_key LIMIT %s
    ) AS by_native
    UNION SELECT entry_id FROM (
        SELECT entry_id FROM entries_alias WHERE {alias} ORDER BY name_key LIMIT %s
    ) AS by_alias
"""
SUGGEST_CANDIDATES = 100


class SearchBackend:
    """Search on one kind of database. Subclasses implement ``ranked``,
    ``names_containing``, ``prefix`` and ``prepare_bulk_load``/``finish_bulk_load``."""

    vendor = ""
    max_results = MAX_RESULTS

    # -- what each database does --

    def ranked(
        self, query: ParsedQuery, filters: Filters, *, limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        """One page of hits, best first, and the number of hits in all (one query).

        Each way of matching offers at most ``max_results + 1`` entries, so a total
        above ``max_results`` means "more than that". The total comes with the
        rows; a page past the end has no rows, and the caller asks again.
        """
        raise NotImplementedError

    def names_containing(self, text: str, *, limit: int | None = None) -> RawSQL:
        """A subquery of the ids of the entries (up to ``limit`` of them) with a name
        (title, native title, alias: the documents' ``names``) containing ``text``,
        ignoring letter case, from the names' trigram index when ``text`` has three
        characters or more (shorter text scans the names)."""
        raise NotImplementedError

    def prefix(self, column: str, key: str) -> tuple[str, list]:
        """SQL for "``column`` (a name key) starts with ``key``" that uses its index."""
        raise NotImplementedError

    def prepare_bulk_load(self, cursor) -> None:
        """Before ``indexing.rebuild`` rewrites every document."""

    def finish_bulk_load(self, cursor) -> None:
        """After it: rebuild or tidy the database's own index structures."""

    # -- the same everywhere --

    def search(
        self,
        query: str,
        *,
        kind: str = "",
        tag: str = "",
        year: int | None = None,
        page: int = 1,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> SearchPage:
        parsed = parse_query(query)
        filters = parse_filters(kind=kind, tag=tag, year=year)
        page = min(max(_as_int(page) or 1, 1), MAX_PAGE)
        per_page = min(max(_as_int(per_page) or DEFAULT_PER_PAGE, 1), MAX_PER_PAGE)
        empty = SearchPage(
            query=parsed.text,
            page=page,
            per_page=per_page,
            kind=filters.kind,
            tag=filters.tag,
            year=filters.year,
            truncated=parsed.truncated,
            ignored_filters=filters.ignored,
            dropped_words=parsed.dropped,
        )
        if not parsed.terms:
            return empty
        offset = (page - 1) * per_page
        hits, total = [], 0
        try:
            if offset < self.max_results:
                limit = min(per_page, self.max_results - offset)
                hits, total = self.ranked(parsed, filters, limit=limit, offset=offset)
            if not hits and offset:
                _, total = self.ranked(parsed, filters, limit=1, offset=0)
        except TooCostly:
            return replace(empty, stopped=True)
        return replace(
            empty,
            results=self.results(hits, parsed),
            total=min(total, self.max_results),
            total_capped=total > self.max_results,
        )

    def results(self, hits: list[Hit], query: ParsedQuery) -> list[SearchResult]:
        """The entries of ``hits``, in order, with snippets: two queries, or none."""
        if not hits:
            return []
        entries = (
            Entry.objects.for_cards()
            .select_related("search_document")
            .in_bulk([hit.entry_id for hit in hits])
        )
        in_text = highlighter((term.text for term in query.terms), whole_words=True)
        in_names = highlighter(term.text for term in query.terms)
        results = []
        for hit in hits:
            entry = entries.get(hit.entry_id)
            if entry is None:  # deleted since the first query
                continue
            document = entry.search_document
            results.append(
                SearchResult(
                    entry=entry,
                    snippet=make_snippet([document.summary, document.body], in_text),
                    title_html=highlight(entry.title, in_names),
                    exact=hit.exact,
                    similar=hit.similar,
                )
            )
        return results

    def suggest(self, query: str, *, limit: int = 8) -> list[dict]:
        """Entries for the search box: a name that is the query, then names that start
        with it (shortest first), then names that contain it, then names *like* it
        (typos: ``metalic rou``), as the search page finds them. Two queries, four
        when the first two leave room and the query may be a typo.

        Each way of matching reads only a few rows from its index: the first
        names in alphabetical order that start with the query (titles, native
        titles and aliases have a b-tree on their name key each), the first
        ``SUGGEST_CANDIDATES`` names containing it, and the search's own typo
        candidates (``ranked``).
        """
        text, _ = clean_text(query, limit=100)
        key = name_key(text)
        limit = min(max(_as_int(limit) or 8, 1), MAX_SUGGESTIONS)
        if not key:
            return []
        exact = answers_to(key)
        starting = [self.prefix(column, key) for column in ("title_key", "native_key", "name_key")]
        starts = RawSQL(
            _STARTS.format(title=starting[0][0], native=starting[1][0], alias=starting[2][0]),
            [*starting[0][1], limit, *starting[1][1], limit, *starting[2][1], limit],
        )
        found = list(
            Entry.objects.with_urls()
            .filter(pk__in=starts)
            .annotate(
                is_exact=Case(
                    When(exact, then=Value(1)), default=Value(0), output_field=IntegerField()
                )
            )
            .order_by("-is_exact", Length("title"), "title", "pk")[:limit]
        )
        if len(found) < limit and len(text) >= MIN_INDEXED_LENGTH:
            found += (
                Entry.objects.with_urls()
                .filter(pk__in=self.names_containing(text, limit=SUGGEST_CANDIDATES))
                .exclude(pk__in=[entry.pk for entry in found])
                .order_by(Length("title"), "title", "pk")[: limit - len(found)]
            )
        if len(found) < limit and len(text) >= MIN_INDEXED_LENGTH:
            found += self._similar_names(text, limit=limit - len(found), skip=found)
        return [
            {"title": entry.title, "kind": entry.kind, "url": entry.get_absolute_url()}
            for entry in found
        ]

    def _similar_names(self, text: str, *, limit: int, skip: list[Entry]) -> list[Entry]:
        """Up to ``limit`` entries with a name like ``text`` (the search's typos, most
        alike first), ``skip`` left out: two queries, none when ``text`` cannot be a
        typo (``ParsedQuery.similar_text``)."""
        parsed = parse_query(text)
        if not parsed.similar_text:
            return []
        try:
            hits, _ = self.ranked(parsed, parse_filters(), limit=limit + len(skip), offset=0)
        except TooCostly:
            return []
        skipped = {entry.pk for entry in skip}
        ids = [hit.entry_id for hit in hits if hit.similar and hit.entry_id not in skipped]
        if not ids:
            return []
        entries = Entry.objects.with_urls().in_bulk(ids[:limit])
        return [entries[pk] for pk in ids[:limit] if pk in entries]
