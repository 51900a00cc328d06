"""The corpus the search benchmark runs on: ``build`` and ``clear``.

``build`` fills an empty database with at least ``entries`` entries: the real
series of a bangumi-data file (through the importer, without history), each
given a generated synopsis and genre tags, then generated characters, staff and
episodes (words and names from ``words``), all deterministic for a seed, then
rebuilds the search index in bulk. Characters' native names are katakana for
some of them, with a second spelling as an alias for others; episodes are
"Episode N" of real series (``EPISODE_RUNS`` episodes each, on a shuffled list
of series); pages carry zero to three genre tags. ``clear`` removes what
``build`` wrote.

Rows go in the way the importer writes them: ``Entry`` rows with
``bulk_create`` (which returns their keys), the kinds' own rows with one
``executemany`` each (``bulk_create`` refuses multi-table children), aliases
and tags with ``bulk_create``; no signals, so the search documents are rebuilt
once at the end (``entries.search.indexing.rebuild``).
"""

from __future__ import annotations

import datetime
import html
import itertools
import random
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
    Series,
    Staff,
    StreamingPlatform,
    Tag,
    TaggedEntry,
)
from entries.search import indexing
from entries.slugs import SLUG_MAX_LENGTH, slugify_title
from entries.wikilinks import name_key

from .words import Names, Vocabulary

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "bangumi-data-0.3.222.json.gz"
DEFAULT_ENTRIES = 100_000
DEFAULT_SEED = 2024
# bangumi-data's statuses depend on "today"; a fixed day keeps the build the same.
IMPORT_TODAY = datetime.date(2025, 1, 1)
CHUNK_SIZE = 2000
# Of the generated pages: characters, staff; episodes make up the rest.
SHARE_CHARACTERS = 0.45
SHARE_STAFF = 0.20
EPISODE_RUNS = (12, 12, 13, 24, 25, 26, 1, 6, 10, 50)


@dataclass
class BuildReport:
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    imported: int = 0
    generated: Counter = field(default_factory=Counter)  # kind -> count

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


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
