"""What a revision of an entry holds, declared once.

A revision of an entry holds the whole page: the entry's own row and its
kind's row, its own rows (``OWN_ROWS``: aliases, tags, gallery rows) and the
inline rows of its kind (``INLINES``: credits, appearances, voice actors, a
series' episodes, relations, streaming, an episode's characters and staff).
A series' revision holds its episodes whole, with their characters and staff.
Everything else reads this declaration:

- ``register_models`` registers the models with django-reversion, each kind
  following its own rows and inlines, so that an admin save records them;
- ``RevisionData.part_of`` finds an entry's part of a stored revision, which
  restoring (revert, recover) writes back and comparing shows;
- ``follow`` names the relations a revision follows, for the bulk history of
  imports (``history.bulk``) and anything else that builds versions itself;
- ``INLINES`` says how each row reads in a diff ("Yutaka Izubuchi — Supervising
  director") and which rows join two entries' pages (``entry_links``).

Adding an inline to a kind is one ``Inline`` line here.

Pictures themselves are not versioned: a ``Picture`` never changes once
stored, so the entry's ``image`` and each gallery row's ``picture`` (ids in
the revision) are enough to show them again, and ``prune_pictures`` never
deletes one that a revision names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import reversion
from django.db import models
from reversion.models import Version

from ..models import (
    Alias,
    Appearance,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    GalleryImage,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    Studio,
    StudioMember,
    Tag,
    TaggedEntry,
    VoiceCredit,
)

if TYPE_CHECKING:
    from .compare import Names

Key = tuple[type[models.Model], str]
Row = dict[str, Any]


@dataclass(frozen=True)
class Inline:
    """Rows of ``model`` whose ``fk`` points at the entry: part of the entry's revision.

    ``line`` says one row in words (with ``Names`` for the entries it points at),
    and gives a key to sort the lines by.
    """

    label: str
    model: type[models.Model]
    fk: str
    line: Callable[[Row, Names], tuple[Any, str]]

    @property
    def follow(self) -> str:
        """The entry's name for these rows (``series.studio_roles``), which reversion follows."""
        return _reverse_accessor(self.model, self.fk)

    @property
    def entry_fks(self) -> tuple[str, ...]:
        """The row's foreign keys to entries: two for a row that joins two pages."""
        return tuple(
            model_field.attname
            for model_field in self.model._meta.concrete_fields
            if model_field.is_relation and issubclass(model_field.related_model, Entry)
        )


def _reverse_accessor(model: type[models.Model], fk: str) -> str:
    return model._meta.get_field(fk.removesuffix("_id")).remote_field.get_accessor_name()


def choice_label(model: type[models.Model], name: str, value: Any) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def spoiler_mark(row: Row, names: Names) -> str:
    """A row's spoiler mark in words (``entries.spoilers``), for its diff line:
    " [spoiler: revealed in episode 9]" (" of <series>" when it names one), or ""."""
    if not row.get("revealed_in"):
        return ""
    series = row.get("revealed_in_series_id")
    where = f" of {names.entry(series)}" if series else ""
    return f" [spoiler: revealed in episode {row['revealed_in']}{where}]"


def _pair(model: type[models.Model], other: str, detail: str, note: str = ""):
    """A line "<the other entry> — <role>", with the note in brackets when there is one,
    and the spoiler mark of an appearance or a relation."""

    def line(row: Row, names: Names) -> tuple[Any, str]:
        text = f"{names.entry(row[other])} — {choice_label(model, detail, row[detail])}"
        if note and row.get(note):
            text = f"{text} ({row[note]})"
        text += spoiler_mark(row, names)
        return (text.casefold(), text)

    return line


def _with_note(other: str):
    """A line "<the other entry>", with the note in brackets when there is one, and the
    spoiler mark: a character in an episode (which has no role to name)."""

    def line(row: Row, names: Names) -> tuple[Any, str]:
        text = names.entry(row[other])
        if row.get("note"):
            text = f"{text} ({row['note']})"
        text += spoiler_mark(row, names)
        return (text.casefold(), text)

    return line


def _episode_line(row: Row, names: Names) -> tuple[Any, str]:
    return (row["number"], f"{row['number']}. {names.entry(row['entry_ptr_id'])}")


def _streaming_line(row: Row, names: Names) -> tuple[Any, str]:
    text = names.platform(row["platform_id"])
    if row.get("url"):
        text = f"{text} — {row['url']}"
    return (text.casefold(), text)


# The inline rows of each kind, in the order its admin form and its diffs show them.
INLINES: dict[type[Entry], tuple[Inline, ...]] = {
    Series: (
        Inline("Studios", SeriesStudio, "series_id", _pair(SeriesStudio, "studio_id", "role")),
        Inline("Staff", StaffCredit, "series_id", _pair(StaffCredit, "staff_id", "role", "note")),
        Inline("Characters", Appearance, "series_id", _pair(Appearance, "character_id", "role")),
        Inline("Episodes", Episode, "series_id", _episode_line),
        Inline(
            "Related series",
            SeriesRelation,
            "source_id",
            _pair(SeriesRelation, "target_id", "type"),
        ),
        Inline("Streaming", Streaming, "series_id", _streaming_line),
    ),
    Character: (
        Inline("Appearances", Appearance, "character_id", _pair(Appearance, "series_id", "role")),
        Inline(
            "Voice actors", VoiceCredit, "character_id", _pair(VoiceCredit, "actor_id", "language")
        ),
        Inline("Episodes", EpisodeAppearance, "character_id", _with_note("episode_id")),
    ),
    Staff: (
        Inline("Credits", StaffCredit, "staff_id", _pair(StaffCredit, "series_id", "role", "note")),
        Inline(
            "Voice roles", VoiceCredit, "actor_id", _pair(VoiceCredit, "character_id", "language")
        ),
        Inline(
            "Studio positions",
            StudioMember,
            "person_id",
            _pair(StudioMember, "studio_id", "position"),
        ),
        Inline(
            "Episode credits",
            EpisodeCredit,
            "staff_id",
            _pair(EpisodeCredit, "episode_id", "role", "note"),
        ),
    ),
    Studio: (
        Inline("Works", SeriesStudio, "studio_id", _pair(SeriesStudio, "series_id", "role")),
        Inline("Members", StudioMember, "studio_id", _pair(StudioMember, "person_id", "position")),
    ),
    Episode: (
        Inline("Characters", EpisodeAppearance, "episode_id", _with_note("character_id")),
        Inline(
            "Staff", EpisodeCredit, "episode_id", _pair(EpisodeCredit, "staff_id", "role", "note")
        ),
    ),
}

# Every entry's own rows besides its inlines: (model, foreign key to the entry).
# A tagged item's revision also holds its tag (``register_models``).
OWN_ROWS: tuple[tuple[type[models.Model], str], ...] = (
    (Alias, "entry_id"),
    (TaggedEntry, "content_object_id"),
    (GalleryImage, "entry_id"),
)

# Entry fields a revision compares, in form order; the body gets a line diff of its own.
# The rest are derived (body_html, the name keys), bookkeeping, or never edited.
ENTRY_FIELDS = ("title", "native_title", "slug", "summary", "image", "image_credit")
DERIVED_FIELDS = frozenset(
    {"body_html", "title_key", "native_key", "version", "created_at", "updated_at"}
)


def follow(model: type[models.Model]) -> tuple[str, ...]:
    """What a revision of a ``model`` row follows: an Entry its own rows, a kind its
    parent row and inlines, a tagged item its tag; other rows nothing."""
    if model is Entry:
        return tuple(_reverse_accessor(row_model, fk) for row_model, fk in OWN_ROWS)
    if model in INLINES:
        return ("entry_ptr", *(inline.follow for inline in INLINES[model]))
    if model is TaggedEntry:
        return ("tag",)
    return ()


def versioned_models() -> list[type[models.Model]]:
    """Every model a revision of an entry holds rows of."""
    found = [Entry, *INLINES, *(row_model for row_model, _fk in OWN_ROWS), Tag]
    found += [inline.model for inlines in INLINES.values() for inline in inlines]
    return list(dict.fromkeys(found))


def register_models() -> None:
    """Register every versioned model once (from ``EntriesConfig.ready``, and before any
    ``VersionAdmin`` is built: it would otherwise register them with less to follow)."""
    if reversion.is_registered(Entry):
        return
    for model in versioned_models():
        reversion.register(model, follow=follow(model))


def entry_links() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    """The inline models whose rows join two entries (a credit joins a series and a
    person), with their two foreign keys: each side's page shows the other."""
    links = {
        inline.model: inline.entry_fks
        for inlines in INLINES.values()
        for inline in inlines
        if len(inline.entry_fks) == 2
    }
    return list(links.items())


@dataclass(frozen=True)
class HeldElsewhere:
    """Rows of ``model`` that point at an entry through ``fk`` but belong to the
    revision of another entry, whose id is in ``owner``: a series' relation to the
    entry (held by its source), a studio's predecessor (held by that studio).
    Deleting the entry takes them from their owners (a cascade, or SET_NULL)."""

    model: type[models.Model]
    fk: str
    owner: str


def held_elsewhere(model: type[Entry]) -> list[HeldElsewhere]:
    """Every way a row of another entry's revision points at an entry of ``model``."""
    owned = {(row_model, fk) for row_model, fk in OWN_ROWS}
    owned |= {(inline.model, inline.fk) for inline in INLINES[model]}
    found = []
    for row_model in versioned_models():
        for model_field in row_model._meta.local_concrete_fields:
            target = model_field.related_model
            if (
                not model_field.is_relation
                or model_field.primary_key
                or (row_model, model_field.attname) in owned
                or not (isinstance(target, type) and issubclass(model, target))
                or target is Entry
            ):
                continue
            owner = _owner_fk(row_model, model_field.attname)
            if owner:
                found.append(HeldElsewhere(row_model, model_field.attname, owner))
    return found


def _owner_fk(row_model: type[models.Model], fk: str) -> str:
    """The field of a ``row_model`` row naming the entry whose revision holds it."""
    if row_model in INLINES:
        return row_model._meta.pk.attname  # a kind's own row (a studio's predecessor)
    for inlines in INLINES.values():
        for inline in inlines:
            if inline.model is row_model and inline.fk != fk:
                return inline.fk
    return ""


def key(model: type[models.Model], pk: Any) -> Key:
    return (model, str(pk))


class RevisionData:
    """The rows one revision holds, read from its versions' stored data, by model and id."""

    def __init__(self, versions: Iterable[Version]):
        self.versions: dict[Key, Version] = {}
        self._by_model: dict[type[models.Model], list[str]] = defaultdict(list)
        for version in versions:
            model = version._model
            self.versions[(model, version.object_id)] = version
            self._by_model[model].append(version.object_id)

    def row(self, model: type[models.Model], pk: Any) -> Row | None:
        version = self.versions.get(key(model, pk))
        # Each table's own row: a kind's Entry row is a version of its own.
        # (Version.field_dict would fetch that parent with a query per version.)
        return version._local_field_dict if version is not None else None

    def rows(self, model: type[models.Model], fk: str, pk: Any) -> list[tuple[str, Row]]:
        """(id, row) of every ``model`` row whose ``fk`` is ``pk``."""
        found = []
        for object_id in self._by_model.get(model, ()):
            row = self.versions[(model, object_id)]._local_field_dict
            if str(row.get(fk)) == str(pk):
                found.append((object_id, row))
        return found

    def part_of(self, model: type[Entry], pk: Any) -> set[Key]:
        """The keys of what this revision holds of the entry ``pk``: its Entry and kind
        rows, aliases, tags and inline rows, and a series' episodes with theirs."""
        part = {found for found in (key(Entry, pk), key(model, pk)) if found in self.versions}
        for row_model, fk in OWN_ROWS:
            for object_id, row in self.rows(row_model, fk, pk):
                part.add((row_model, object_id))
                if row_model is TaggedEntry and key(Tag, row["tag_id"]) in self.versions:
                    part.add(key(Tag, row["tag_id"]))
        for inline in INLINES[model]:
            for object_id, _row in self.rows(inline.model, inline.fk, pk):
                if inline.model is Episode:
                    part |= self.part_of(Episode, object_id)
                else:
                    part.add((inline.model, object_id))
        return part
