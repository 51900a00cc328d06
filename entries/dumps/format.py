"""The dump's layout, declared once: ``export`` writes it and ``load`` reads it.

A dump is gzip-compressed UTF-8 text, one JSON object per line (JSON Lines).
Line 1 is the header (``header()``): ``{"type": "header", "format":
"fandex-dump", "schema": 1, "licence": ..., "attribution": ...}``. No time of
generation: the same content always gives the same bytes, so two dumps can be
compared with ``cmp``.

Every other line is one object, ``{"type": <line type>, ...}``, in the order of
``LINE_TYPES``: platforms, tags, pictures, then the entries by kind (studios,
series, staff, characters, episodes), each type sorted by its key (byte order).
A line names other objects only by their keys (an entry by its slug within the
kind the field implies, a picture by its storage name, a platform by its slug,
a tag by its name), and only objects of an earlier line or of its own type (a
studio's predecessor, a series' sequel).

An entry's line holds the entry whole: its own fields, its kind's fields, its
tags and aliases, its gallery, and the rows that join it to other entries, each
on the side that owns it in the admin (a series lists its studios, a person
their credits and studio positions, a character their appearances and voice
actors; an episode names its series). So every relation is in the dump once.

What is left out (``LEFT_OUT``): ids, what is made from other fields (the
rendered body, name keys, search documents), the history and its bookkeeping
(versions, times of creation and change, who uploaded a picture), page
protection, and the pictures' files (the lines carry their storage names,
sizes, renditions and credits; ``backup`` keeps the files).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import models

from ..models import (
    Alias,
    Appearance,
    Character,
    Entry,
    Episode,
    GalleryImage,
    Picture,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    Studio,
    StudioMember,
    Tag,
    VoiceCredit,
)

FORMAT = "fandex-dump"
# 2: spoiler marks (``revealed_in``, ``tag_marks``) and featured positions.
SCHEMA_VERSION = 2

BANGUMI_DATA = "https://github.com/bangumi-data/bangumi-data"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
# The same terms as templates/entries/about_data.html and the README's importer section.
ATTRIBUTION = (
    "Series titles, other names, formats, air dates, seasons, official sites, "
    "MyAnimeList/AniDB/AniList ids and streaming links come in large part from "
    f"bangumi-data ({BANGUMI_DATA}), published under CC BY 4.0 ({CC_BY}). "
    f"Anything that shows them must credit: source: bangumi-data, {BANGUMI_DATA}."
)


def header() -> dict[str, Any]:
    """The first line of every dump."""
    return {
        "type": "header",
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "licence": {"name": "CC BY 4.0", "url": CC_BY, "applies_to": "bangumi-data"},
        "attribution": ATTRIBUTION,
    }


class DumpError(Exception):
    """A dump that cannot be read or loaded; the message names the line."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"Line {line}: {message}" if line is not None else message)


# --- What each line holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A field naming another object by its key: ``type`` is the line type it names,
    ``field`` the model's foreign key."""

    type: str
    field: str


@dataclass(frozen=True)
class Rows:
    """A list on an entry's line: the ``model`` rows its ``accessor`` reaches, each as
    an object of its ``fields`` and ``refs``. Sorted, unless ``ordered`` (the
    gallery keeps its order)."""

    key: str
    accessor: str
    model: type[models.Model]
    fields: tuple[str, ...]
    refs: tuple[tuple[str, Ref], ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class LineType:
    """One type of line: ``model`` objects, identified by ``key`` (also their sort
    order), each with its plain ``fields`` (the key among them), ``refs`` to other
    objects, ``rows`` it owns and, for entries, its tags."""

    name: str
    model: type[models.Model]
    key: str
    fields: tuple[str, ...]
    refs: tuple[tuple[str, Ref], ...] = ()
    rows: tuple[Rows, ...] = ()
    tags: bool = False

    @property
    def is_entry(self) -> bool:
        return issubclass(self.model, Entry)

    def keys(self) -> set[str]:
        """Every key a line of this type has."""
        found = {"type", *self.fields, *(name for name, _ref in self.refs)}
        found |= {rows.key for rows in self.rows}
        return found | ({"tags", "tag_marks"} if self.tags else set())


TAGS_ACCESSOR = "tagged_items"
ENTRY_FIELDS = ("slug", "title", "native_title", "summary", "body", "image_credit", "featured")
ENTRY_REFS = (("image", Ref("picture", "image")),)
ENTRY_ROWS = (
    Rows("aliases", "aliases", Alias, ("name", "language", "is_former")),
    Rows(
        "gallery",
        "gallery",
        GalleryImage,
        ("caption", "credit", "position", "revealed_in"),
        (("picture", Ref("picture", "picture")),),
        ordered=True,
    ),
)


def _entry(model, fields=(), refs=(), rows=()) -> LineType:
    return LineType(
        name=model.KIND,
        model=model,
        key="slug",
        fields=ENTRY_FIELDS + fields,
        refs=ENTRY_REFS + refs,
        rows=ENTRY_ROWS + rows,
        tags=True,
    )


LINE_TYPES: tuple[LineType, ...] = (
    LineType("platform", StreamingPlatform, "slug", ("slug", "name", "website")),
    LineType("tag", Tag, "name", ("name", "slug")),
    LineType(
        "picture",
        Picture,
        "file",
        ("file", "width", "height", "format", "renditions", "sha256", "original_name"),
    ),
    _entry(
        Studio,
        ("founded_year", "headquarters", "website"),
        (("predecessor", Ref("studio", "predecessor")), ("parent", Ref("studio", "parent"))),
    ),
    _entry(
        Series,
        (
            "format",
            "status",
            "source",
            "season",
            "year",
            "start_date",
            "end_date",
            "episode_count",
            "premiere",
            "official_site",
            "mal_id",
            "anidb_id",
            "anilist_id",
        ),
        rows=(
            Rows(
                "studios",
                "studio_roles",
                SeriesStudio,
                ("role",),
                (("studio", Ref("studio", "studio")),),
            ),
            Rows(
                "relations",
                "relations_from",
                SeriesRelation,
                ("type", "revealed_in"),
                (("target", Ref("series", "target")),),
            ),
            Rows(
                "streaming",
                "streaming",
                Streaming,
                ("url",),
                (("platform", Ref("platform", "platform")),),
            ),
        ),
    ),
    _entry(
        Staff,
        ("occupations", "birth_date"),
        rows=(
            Rows(
                "credits",
                "credits",
                StaffCredit,
                ("role", "note"),
                (("series", Ref("series", "series")),),
            ),
            Rows(
                "positions",
                "memberships",
                StudioMember,
                ("position",),
                (("studio", Ref("studio", "studio")),),
            ),
        ),
    ),
    _entry(
        Character,
        rows=(
            Rows(
                "appearances",
                "appearances",
                Appearance,
                ("role", "revealed_in"),
                (("series", Ref("series", "series")),),
            ),
            Rows(
                "voices",
                "voice_credits",
                VoiceCredit,
                ("language",),
                (("actor", Ref("staff", "actor")),),
            ),
        ),
    ),
    _entry(
        Episode,
        ("number", "air_date", "runtime_minutes"),
        (("series", Ref("series", "series")),),
    ),
)
BY_NAME: dict[str, LineType] = {line_type.name: line_type for line_type in LINE_TYPES}
BY_MODEL: dict[type[models.Model], LineType] = {line.model: line for line in LINE_TYPES}

# Fields of the models above that a dump does not carry, and why (a test checks that
# every field is either carried or listed here, so a new field cannot be forgotten):
# ids and multi-table links; what is made from other fields (the rendered body,
# name keys); the history's bookkeeping (version, times, uploader); an editorial
# setting of this site (protection). A row's link to the entry whose line holds it
# is implied by where it is.
LEFT_OUT: dict[type[models.Model], frozenset[str]] = {
    Entry: frozenset(
        {"id", "kind", "body_html", "title_key", "native_key", "created_at", "updated_at"}
        | {"version", "protected"}
    ),
    Picture: frozenset({"id", "uploaded_by", "created_at"}),
    StreamingPlatform: frozenset({"id"}),
    Tag: frozenset({"id"}),
    **{line_type.model: frozenset({"entry_ptr"}) for line_type in LINE_TYPES if line_type.is_entry},
    **{
        rows.model: frozenset(
            {"id", line_type.model._meta.get_field(rows.accessor).field.name}
            | ({"name_key"} if rows.model is Alias else set())
            # Not carried yet: a picture's spoiler mark then counts in the page's own
            # series (entries.spoilers), as it does when no series is named.
            | ({"revealed_in_series"} if rows.model is GalleryImage else set())
        )
        for line_type in LINE_TYPES
        for rows in line_type.rows
    },
}


# --- Objects to lines --------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A field's value as JSON: dates in ISO 8601, a file by its storage name."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value


def record(line_type: LineType, obj: models.Model) -> dict[str, Any]:
    """The line of ``obj`` (its rows and tags prefetched by ``export.with_lines``)."""
    data: dict[str, Any] = {"type": line_type.name}
    for name in line_type.fields:
        data[name] = plain(getattr(obj, name))
    for name, ref in line_type.refs:
        data[name] = _ref(obj, ref)
    if line_type.tags:
        tagged_items = _related(obj, TAGS_ACCESSOR)
        data["tags"] = sorted(tagged.tag.name for tagged in tagged_items)
        # Spoiler tags (entries.spoilers): the episode that reveals each, by tag name.
        data["tag_marks"] = {
            tagged.tag.name: tagged.revealed_in
            for tagged in tagged_items
            if tagged.revealed_in is not None
        }
    for rows in line_type.rows:
        items = [row_record(rows, row) for row in _related(obj, rows.accessor)]
        if not rows.ordered:
            items.sort(key=sort_key)
        data[rows.key] = items
    return data


def prefetched_as(accessor: str) -> str:
    """Where ``export`` prefetches an entry's rows: plain lists (``to_attr``), because
    a prefetch into a related manager clones a queryset per object and relation,
    which at thousands of entries costs more than the queries."""
    return f"_dump_{accessor}"


def _related(obj: models.Model, accessor: str):
    prefetched = getattr(obj, prefetched_as(accessor), None)
    return prefetched if prefetched is not None else getattr(obj, accessor).all()


def row_record(rows: Rows, row: models.Model) -> dict[str, Any]:
    data = {name: _ref(row, ref) for name, ref in rows.refs}
    data.update((name, plain(getattr(row, name))) for name in rows.fields)
    return data


def sort_key(item: dict[str, Any]) -> tuple[str, ...]:
    """The order of a list's items: by their values, as text (never by id)."""
    return tuple("" if value is None else str(value) for value in item.values())


def _ref(obj: models.Model, ref: Ref) -> str | None:
    target = getattr(obj, ref.field)
    if target is None:
        return None
    return plain(getattr(target, BY_NAME[ref.type].key))


def encode(data: dict[str, Any]) -> bytes:
    """One line: compact JSON, UTF-8 (JSON escapes every newline inside strings)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
