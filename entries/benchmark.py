"""The search benchmark behind ``manage.py bench_search``.

``build`` fills an empty database with at least ``entries`` entries: the real
series of a bangumi-data file (through the importer, without history), each
given a generated synopsis, then generated characters, staff and episodes, all
deterministic for a seed (``random.Random``), then rebuilds the search index in
bulk. ``run_queries`` times a fixed set of searches (``QUERY_SET``); ``clear``
removes what ``build`` wrote.

The generated text is meant to look, to a search engine, like an anime wiki:

- people's names are romaji-like, made of Japanese syllables, with a katakana
  native name for some of them and a second spelling as an alias for others;
  given and family names are drawn with Zipf-like weights, so some are common;
- summaries and bodies are sentences drawn from one vocabulary with Zipf-like
  weights (frequency proportional to ``1 / rank ** ZIPF_EXPONENT``): a few
  hundred English words at the top ("the" is in nearly every page), then a long
  tail of made-up words, many used once;
- episodes are "Episode N" of real series (``EPISODE_RUNS`` episodes each, on a
  shuffled list of series), and pages carry zero to three genre tags.

Rows go in the way the importer writes them: ``Entry`` rows with
``bulk_create`` (which returns their keys), the kinds' own rows with one
``executemany`` each (``bulk_create`` refuses multi-table children), aliases
and tags with ``bulk_create``; no signals, so the search documents are rebuilt
once at the end (``entries.search.indexing.rebuild``).

The rare and the common word of the query set are read from the search
documents (``pick_words``), so that they mean the same on a database built
earlier (``--keep``, then ``--reuse``): the most frequent word, and a word found
once and inside no name, the middle one of those in alphabetical order.
"""

from __future__ import annotations

import datetime
import html
import itertools
import math
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from entries import search
from entries.importers.bangumi import import_bangumi, read_file
from entries.models import (
    Alias,
    Change,
    Character,
    Entry,
    Episode,
    Language,
    SearchDocument,
    Series,
    Staff,
    StreamingPlatform,
    Tag,
    TaggedEntry,
)
from entries.search import indexing
from entries.slugs import SLUG_MAX_LENGTH, slugify_title
from entries.wikilinks import name_key

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "bangumi-data-0.3.222.json.gz"
DEFAULT_ENTRIES = 100_000
DEFAULT_REPEAT = 30
DEFAULT_SEED = 2024
# bangumi-data's statuses depend on "today"; a fixed day keeps the build the same.
IMPORT_TODAY = datetime.date(2025, 1, 1)
ZIPF_EXPONENT = 1.07
TAIL_WORDS = 150_000
RARE_WORD_TRIES = 50
CHUNK_SIZE = 2000
# Of the generated pages: characters, staff; episodes make up the rest.
SHARE_CHARACTERS = 0.45
SHARE_STAFF = 0.20
EPISODE_RUNS = (12, 12, 13, 24, 25, 26, 1, 6, 10, 50)

# (romaji, katakana): the syllables of made-up names and words.
SYLLABLES = [
    ("a", "ア"), ("i", "イ"), ("u", "ウ"), ("e", "エ"), ("o", "オ"),
    ("ka", "カ"), ("ki", "キ"), ("ku", "ク"), ("ke", "ケ"), ("ko", "コ"),
    ("sa", "サ"), ("shi", "シ"), ("su", "ス"), ("se", "セ"), ("so", "ソ"),
    ("ta", "タ"), ("chi", "チ"), ("tsu", "ツ"), ("te", "テ"), ("to", "ト"),
    ("na", "ナ"), ("ni", "ニ"), ("nu", "ヌ"), ("ne", "ネ"), ("no", "ノ"),
    ("ha", "ハ"), ("hi", "ヒ"), ("fu", "フ"), ("he", "ヘ"), ("ho", "ホ"),
    ("ma", "マ"), ("mi", "ミ"), ("mu", "ム"), ("me", "メ"), ("mo", "モ"),
    ("ya", "ヤ"), ("yu", "ユ"), ("yo", "ヨ"),
    ("ra", "ラ"), ("ri", "リ"), ("ru", "ル"), ("re", "レ"), ("ro", "ロ"),
    ("wa", "ワ"), ("ga", "ガ"), ("gi", "ギ"), ("go", "ゴ"), ("za", "ザ"), ("ji", "ジ"),
    ("zu", "ズ"), ("da", "ダ"), ("de", "デ"), ("do", "ド"), ("ba", "バ"), ("bi", "ビ"),
    ("bu", "ブ"), ("be", "ベ"), ("bo", "ボ"), ("kyo", "キョ"), ("ryu", "リュ"),
    ("sho", "ショ"), ("chu", "チュ"), ("hya", "ヒャ"),
]  # fmt: skip
# Syllables that end a name well ("-n", "-ko", "-ta"...), added to some names.
NAME_ENDINGS = [("n", "ン"), ("ko", "コ"), ("ta", "タ"), ("ro", "ロウ"), ("ki", "キ")]

# The top of the vocabulary, most frequent first (the tail is made up).
COMMON_WORDS = """
the of and to a in is that his her with for as on was by he she their from at
it they an be this but are not who has have which one after when into all will
them him its more time world new first only two must also out where school
power battle city team story family friends life father mother sister brother
young girl boy day way war name home heart past house war secret master last
mission final dream love fight journey return truth enemy sword magic demon
king queen princess prince hero village forest island ship sky sea night
summer winter spring autumn festival club student teacher class rival robot
pilot mecha space station planet star moon sun fire water wind earth light
shadow blood memory promise future contract guild knight dragon spirit god
monster hunter detective case murder police army soldier captain crew idol
stage song music band concert game player tournament match victory defeat
training power ability curse ghost witch alien empire kingdom rebellion
revolution academy office company job money food restaurant cafe kitchen
train road bridge tower castle temple shrine garden river mountain desert
storm rain snow flower tree cat dog bird fox wolf bear horse letter book
diary photo phone message video camera computer program machine weapon gun
armor suit unit squad base ship fleet battleship colony orbit signal code
virus experiment doctor hospital patient scientist professor laboratory
research theory history legend myth prophecy destiny fate choice chance
danger rescue escape chase trap plan strategy trick lie betrayal alliance
friendship trust loyalty honor pride courage fear anger sadness joy hope
despair loneliness childhood graduation exam homework summer vacation beach
pool trip hotel party birthday wedding funeral grave ancestor tradition
ceremony ritual sacrifice offering reward punishment crime justice law court
trial judge lawyer witness evidence clue mystery puzzle riddle answer question
""".split()  # noqa: SIM905


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


@dataclass
class BuildReport:
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    imported: int = 0
    generated: Counter = field(default_factory=Counter)  # kind -> count

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


# --- Words and names --------------------------------------------------------------------


def _zipf_weights(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


class Vocabulary:
    """Words with Zipf-like frequencies, and a count of every word drawn."""

    def __init__(self, rng: random.Random, *, tail: int = TAIL_WORDS):
        common = list(dict.fromkeys(COMMON_WORDS))
        seen = set(common)
        words = []
        while len(words) < tail:
            word = "".join(rng.choice(SYLLABLES)[0] for _ in range(rng.choice((2, 3, 3, 4))))
            if rng.random() < 0.3:
                word += rng.choice(("n", "s", "r", "ic", "el", "ar"))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = common + words
        self.cum_weights = _zipf_weights(len(self.words), ZIPF_EXPONENT)
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def sentence(self, low: int = 6, high: int = 14) -> str:
        words = self.draw(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))


class Names:
    """Romaji given and family names, with their katakana, drawn with Zipf-like weights."""

    def __init__(self, rng: random.Random, *, given: int = 3000, family: int = 5000):
        self.rng = rng
        self.given = self._pool(given, (2, 2, 3))
        self.family = self._pool(family, (2, 3, 3, 4))
        self.given_weights = _zipf_weights(len(self.given), 0.9)
        self.family_weights = _zipf_weights(len(self.family), 0.9)

    def _pool(self, size: int, lengths: tuple[int, ...]) -> list[tuple[str, str]]:
        pool: dict[str, str] = {}
        while len(pool) < size:
            parts = [self.rng.choice(SYLLABLES) for _ in range(self.rng.choice(lengths))]
            if self.rng.random() < 0.35:
                parts.append(self.rng.choice(NAME_ENDINGS))
            romaji = "".join(part[0] for part in parts).capitalize()
            pool.setdefault(romaji, "".join(part[1] for part in parts))
        return list(pool.items())

    def person(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """((given romaji, given katakana), (family romaji, family katakana))."""
        given = self.rng.choices(self.given, cum_weights=self.given_weights)[0]
        family = self.rng.choices(self.family, cum_weights=self.family_weights)[0]
        return given, family


# --- Building ---------------------------------------------------------------------------


def database_entries() -> int:
    return Entry.objects.count()


def build(
    *,
    entries: int = DEFAULT_ENTRIES,
    data: str | Path = DEFAULT_DATA,
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] = lambda line: None,
) -> BuildReport:
    """Fill an empty database with at least ``entries`` entries and index them."""
    report = BuildReport()
    rng = random.Random(seed)

    started = time.perf_counter()
    imported = import_bangumi(read_file(data), today=IMPORT_TODAY, history=False)
    report.imported = len(imported.created)
    report.stages["import"] = time.perf_counter() - started
    log(f"Imported {report.imported} series in {report.stages['import']:.1f} s.")

    started = time.perf_counter()
    vocabulary = Vocabulary(rng)
    names = Names(rng)
    with transaction.atomic():
        tags = _make_tags()
        series = list(
            Series.objects.order_by("pk").values_list("pk", "slug", "title", "year", named=True)
        )
        _describe_series(series, vocabulary, tags, rng)
        remaining = max(0, entries - Entry.objects.count())
        characters = int(remaining * SHARE_CHARACTERS)
        staff = int(remaining * SHARE_STAFF)
        episodes = remaining - characters - staff
        report.generated["character"] = _make_people(
            Character, characters, series, names, vocabulary, tags, rng
        )
        report.generated["staff"] = _make_people(Staff, staff, series, names, vocabulary, tags, rng)
        report.generated["episode"] = _make_episodes(episodes, series, vocabulary, tags, rng)
    report.stages["generate"] = time.perf_counter() - started
    log(
        f"Generated {sum(report.generated.values())} entries "
        f"({', '.join(f'{count} {kind}' for kind, count in report.generated.items())}) "
        f"in {report.stages['generate']:.1f} s."
    )

    started = time.perf_counter()
    indexed = indexing.rebuild()
    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone searches.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report.stages["index"] = time.perf_counter() - started
    log(f"Indexed {indexed} entries in {report.stages['index']:.1f} s.")
    return report


GENRES = """
action adventure comedy drama fantasy horror mecha music mystery psychological
romance sci-fi slice-of-life sports supernatural thriller isekai idol historical
military school magical-girl space cyberpunk shounen shoujo seinen josei
""".split()  # noqa: SIM905


def _make_tags() -> list[int]:
    existing = set(Tag.objects.filter(name__in=GENRES).values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(name=genre, slug=genre) for genre in GENRES if genre not in existing],
        ignore_conflicts=True,
    )
    return list(Tag.objects.filter(name__in=GENRES).order_by("pk").values_list("pk", flat=True))


def _tag_rows(entry_ids: Iterable[int], tags: list[int], rng: random.Random) -> list[TaggedEntry]:
    rows = []
    for entry_id in entry_ids:
        for tag_id in rng.sample(tags, rng.choice((0, 1, 1, 2, 3))):
            rows.append(TaggedEntry(content_object_id=entry_id, tag_id=tag_id))
    return rows


def _describe_series(series, vocabulary: Vocabulary, tags: list[int], rng: random.Random) -> None:
    """Give every imported series a synopsis and tags, as editors would."""
    rows = []
    for item in series:
        summary = vocabulary.sentence(8, 16)
        body = vocabulary.paragraph(3, 6)
        rows.append([summary, body, _html(body), item.pk])
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE entries_entry SET summary = %s, body = %s, body_html = %s WHERE id = %s", rows
        )
    TaggedEntry.objects.bulk_create(
        _tag_rows((item.pk for item in series), tags, rng), batch_size=1000
    )


def _html(body: str) -> str:
    return f"<p>{html.escape(body)}</p>"


def _make_people(model, count, series, names, vocabulary, tags, rng) -> int:
    """``count`` characters or staff, with names, aliases, summaries, bodies and tags."""
    made = 0
    used_slugs: set[str] = set()
    kind = model.KIND
    while made < count:
        size = min(CHUNK_SIZE, count - made)
        pages, aliases = [], []
        for _ in range(size):
            (given, given_kana), (family, family_kana) = names.person()
            title = f"{given} {family}"
            native = f"{family_kana}{given_kana}" if rng.random() < 0.4 else ""
            work = rng.choice(series)
            if kind == Entry.Kind.CHARACTER:
                summary = f"A character in {work.title}. {vocabulary.sentence()}"
            else:
                role = rng.choice(("Director", "Animator", "Voice actor", "Composer", "Writer"))
                summary = f"{role} on {work.title}. {vocabulary.sentence()}"
            body = vocabulary.paragraph()
            slug = _unique(slugify_title(title) or kind, used_slugs)
            page = model(
                title=title,
                native_title=native,
                slug=slug,
                summary=summary,
                body=body,
                body_html=_html(body),
                title_key=name_key(title),
                native_key=name_key(native),
            )
            pages.append(page)
            if rng.random() < 0.5:
                # The name in Japanese order, as credits give it.
                alias = f"{family} {given}"
                aliases.append((page, alias, Language.ROMAJI))
        _insert_pages(model, pages)
        Alias.objects.bulk_create(
            [
                Alias(entry_id=page.pk, name=name, language=language, name_key=name_key(name))
                for page, name, language in aliases
            ],
            batch_size=1000,
        )
        TaggedEntry.objects.bulk_create(
            _tag_rows((page.pk for page in pages), tags, rng), batch_size=1000
        )
        made += size
    return made


def _make_episodes(count, series, vocabulary, tags, rng) -> int:
    """``count`` episodes "Episode N" of real series, run after run."""
    order = list(series)
    rng.shuffle(order)
    plan = []  # (series row, number)
    numbered: Counter = Counter()  # series pk -> episodes so far
    for item in itertools.cycle(order):
        if len(plan) >= count or not order:
            break
        # A series taken a second time (more episodes than series) goes on numbering.
        start = numbered[item.pk] + 1
        run = min(rng.choice(EPISODE_RUNS), count - len(plan))
        plan.extend((item, number) for number in range(start, start + run))
        numbered[item.pk] += run
    for offset in range(0, len(plan), CHUNK_SIZE):
        pages = []
        for item, number in plan[offset : offset + CHUNK_SIZE]:
            title = f"Episode {number}"
            body = vocabulary.paragraph(2, 4)
            pages.append(
                Episode(
                    title=title,
                    slug=f"{item.slug[: SLUG_MAX_LENGTH - 12]}-{number}-{item.pk}"[
                        -SLUG_MAX_LENGTH:
                    ],
                    summary=vocabulary.sentence(),
                    body=body,
                    body_html=_html(body),
                    title_key=name_key(title),
                    native_key="",
                    series_id=item.pk,
                    number=number,
                )
            )
        _insert_pages(Episode, pages)
        TaggedEntry.objects.bulk_create(
            _tag_rows((page.pk for page in pages), tags, rng), batch_size=1000
        )
    return len(plan)


def _unique(slug: str, used: set[str]) -> str:
    slug = slug[: SLUG_MAX_LENGTH - 8]
    candidate, number = slug, 1
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    used.add(candidate)
    return candidate


def _insert_pages(model: type[Entry], pages: list[Entry]) -> None:
    """Insert new pages of a kind: the Entry rows with ``bulk_create`` (which returns
    their keys), then the kind's own rows with one ``executemany``."""
    now = timezone.now()
    parent_fields = [f for f in Entry._meta.concrete_fields if not f.primary_key]
    parents = []
    for page in pages:
        page.kind = model.KIND
        page.created_at = page.updated_at = now
        parents.append(Entry(**{f.attname: getattr(page, f.attname) for f in parent_fields}))
    Entry.objects.bulk_create(parents, batch_size=500)
    for page, parent in zip(pages, parents, strict=True):
        page.pk = page.entry_ptr_id = parent.pk
    fields = list(model._meta.local_concrete_fields)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [f.get_db_prep_save(getattr(page, f.attname), connection) for f in fields] for page in pages
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- Clearing ---------------------------------------------------------------------------


def _references(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model
        for f in model._meta.local_concrete_fields
        if f.is_relation and f.related_model is not model
    }


def _entry_tables() -> list[type[models.Model]]:
    """Every model whose rows cannot outlive their entry (cascades from ``Entry``), in
    an order that deletes rows before the rows they point to."""
    doomed: set[type[models.Model]] = {Entry}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model not in doomed and any(
                f.is_relation
                and f.related_model in doomed
                and f.remote_field.on_delete is models.CASCADE
                for f in model._meta.local_concrete_fields
            ):
                doomed.add(model)
                changed = True
    ordered, remaining = [], sorted(doomed, key=lambda model: model._meta.label)
    while remaining:
        free = [m for m in remaining if not any(m in _references(o) for o in remaining)]
        if not free:
            raise RuntimeError(f"Cannot order the deletion of {remaining}.")
        ordered += free
        remaining = [m for m in remaining if m not in free]
    return ordered


def clear(*, platforms_before: set[int], tags_before: set[int]) -> None:
    """Remove every entry (and what hangs on them), and the tags and streaming platforms
    made since; for a database that had no entries before ``build``.

    Raw DELETEs: ``QuerySet.delete`` would load 100,000 entries and send a signal for
    each. The search index is emptied the way a bulk rebuild does it.
    """
    backend = search.get_backend()
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        backend.prepare_bulk_load(cursor)  # no per-row index upkeep while deleting
        cursor.execute(f"UPDATE {quote(Change._meta.db_table)} SET entry_id = NULL")
        for model in _entry_tables():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        Tag.objects.exclude(pk__in=tags_before).delete()
        StreamingPlatform.objects.exclude(pk__in=platforms_before).delete()
        backend.finish_bulk_load(cursor)


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
