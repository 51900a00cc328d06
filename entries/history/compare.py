"""Comparing revisions: an entry as a revision holds it, in words, and two side by side.

``Snapshot`` is an entry as one revision holds it (field values, tag names,
aliases, inline rows as lines such as "Yutaka Izubuchi — Supervising
director"); ``compare`` sets two snapshots side by side, the body as a line
diff. Both are pure functions over the versions' stored data;
``revision_diff`` makes the few queries a public diff page needs.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion.models import Version

from ..models import (
    KIND_MODELS,
    Alias,
    Change,
    Entry,
    GalleryImage,
    Picture,
    StreamingPlatform,
    Tag,
    TaggedEntry,
)
from ..spoilers import masked_line, masked_source
from .registry import ENTRY_FIELDS, INLINES, RevisionData, Row, choice_label, spoiler_mark


@dataclass(frozen=True)
class Snapshot:
    """An entry as one revision holds it, in words."""

    fields: tuple[tuple[str, str], ...]  # (label, value), in form order
    body: str
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (label, lines): tags, aliases, inlines


class Names:
    """Titles of the entries (and names of the platforms and pictures) that a revision's
    rows point at.

    With ``data``, the revision's own rows come first (an episode's title as that
    revision has it); then today's titles; then the last title of a deleted entry.
    """

    def __init__(
        self,
        entries: dict[int, str],
        platforms: dict[int, str],
        data: RevisionData | None = None,
        pictures: dict[int, str] | None = None,
    ):
        self.entries = entries
        self.platforms = platforms
        self.data = data
        self.pictures = pictures or {}

    def within(self, data: RevisionData) -> Names:
        return Names(self.entries, self.platforms, data, self.pictures)

    def entry(self, pk: Any) -> str:
        if pk is None:
            return ""
        row = self.data.row(Entry, pk) if self.data is not None else None
        if row is not None:
            return row["title"]
        return self.entries.get(int(pk), f"page #{pk}")

    def platform(self, pk: Any) -> str:
        return self.platforms.get(int(pk), f"platform #{pk}")

    def picture(self, pk: Any) -> str:
        if pk is None:
            return ""
        return self.pictures.get(int(pk), "an image deleted since")


def picture_name(picture: Picture, *, file_name: bool = False) -> str:
    """A picture as a diff shows it, with its size in pixels: for editors by the file
    name it was uploaded under; for everyone else by a short fingerprint of its
    content, since a file name can say more about its uploader than they meant to
    publish ("IMG_home_address.jpg")."""
    name = picture.original_name if file_name else ""
    return f"{name or f'image {picture.sha256[:7]}'} ({picture.width} × {picture.height})"


@dataclass
class References:
    """Ids of what an entry's part of a revision points at, whose names a snapshot shows."""

    entries: set[int] = field(default_factory=set)
    platforms: set[int] = field(default_factory=set)
    pictures: set[int] = field(default_factory=set)

    def __or__(self, other: References) -> References:
        return References(
            self.entries | other.entries,
            self.platforms | other.platforms,
            self.pictures | other.pictures,
        )


def references(data: RevisionData, model: type[Entry], pk: Any) -> References:
    """The entries, streaming platforms and pictures that the entry's part of the
    revision points at."""
    found = References()
    for row_model, object_id in data.part_of(model, pk):
        if row_model is TaggedEntry:
            # Only the series a spoiler tag's episode is of (the tag is in the revision).
            series = data.row(row_model, object_id).get("revealed_in_series_id")
            if series is not None:
                found.entries.add(int(series))
            continue
        if row_model in (Tag, Alias):
            continue
        row = data.row(row_model, object_id)
        for model_field in row_model._meta.concrete_fields:
            if not model_field.is_relation or model_field.primary_key:
                continue
            value = row.get(model_field.attname)
            target = model_field.related_model
            if value is None or (row_model is GalleryImage and target is Entry):
                continue  # a gallery row's own entry needs no name
            if target is Picture:
                found.pictures.add(int(value))
            elif issubclass(target, Entry):
                found.entries.add(int(value))
            elif target is StreamingPlatform:
                found.platforms.add(int(value))
    return found


def _display(model_field: models.Field, value: Any, names: Names) -> str:
    if value is None:
        return ""
    if model_field.is_relation and model_field.related_model is Picture:
        return names.picture(value)
    if model_field.is_relation:
        return names.entry(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, date) and not isinstance(value, datetime):
        return date_format(value, "j F Y")
    return str(value)


def snapshot(data: RevisionData, model: type[Entry], pk: Any, names: Names) -> Snapshot | None:
    """The entry ``pk`` as ``data``'s revision holds it; None if it holds no copy."""
    entry_row, kind_row = data.row(Entry, pk), data.row(model, pk)
    if entry_row is None or kind_row is None:
        return None
    names = names.within(data)
    fields = [
        (
            capfirst(model_field.verbose_name),
            _display(model_field, row.get(model_field.attname), names),
        )
        for model_field, row in [
            *((Entry._meta.get_field(name), entry_row) for name in ENTRY_FIELDS),
            *(
                (model_field, kind_row)
                for model_field in model._meta.local_concrete_fields
                if not model_field.primary_key
            ),
        ]
    ]

    tag_names = []
    for _object_id, row in data.rows(TaggedEntry, "content_object_id", pk):
        tag = data.row(Tag, row["tag_id"])
        name = tag["name"] if tag else f"tag #{row['tag_id']}"
        tag_names.append(name + spoiler_mark(row, names))
    aliases = []
    for _object_id, row in data.rows(Alias, "entry_id", pk):
        text = f"{row['name']} ({choice_label(Alias, 'language', row['language'])})"
        aliases.append(f"{text}, former name" if row.get("is_former") else text)
    gallery = sorted(
        (row["position"], int(object_id), _gallery_line(row, names))
        for object_id, row in data.rows(GalleryImage, "entry_id", pk)
    )
    lists = [
        ("Tags", tuple(sorted(tag_names, key=str.casefold))),
        ("Aliases", tuple(sorted(aliases, key=str.casefold))),
        ("Gallery", tuple(text for _position, _pk, text in gallery)),
    ]
    for inline in INLINES[model]:
        lines = sorted(
            inline.line(row, names) for _id, row in data.rows(inline.model, inline.fk, pk)
        )
        lists.append((inline.label, tuple(text for _sort, text in lines)))
    return Snapshot(fields=tuple(fields), body=entry_row.get("body") or "", lists=tuple(lists))


def _gallery_line(row: Row, names: Names) -> str:
    """A gallery row in words, in gallery order: "key.png (1600 × 900): “caption” — credit"."""
    text = names.picture(row["picture_id"])
    if row.get("caption"):
        text = f"{text}: “{row['caption']}”"
    if row.get("credit"):
        text = f"{text} — {row['credit']}"
    return text + spoiler_mark(row, names)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ListItem:
    text: str
    state: str  # "added", "removed" or "kept"


@dataclass(frozen=True)
class ListChange:
    label: str
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class BodyLine:
    kind: str  # "added", "removed", "context" or "gap" (lines left out between changes)
    text: str = ""
    old_number: int | None = None
    new_number: int | None = None


@dataclass(frozen=True)
class Comparison:
    fields: tuple[FieldChange, ...]
    lists: tuple[ListChange, ...]
    body: tuple[BodyLine, ...]
    # The body diff was cut at MAX_BODY_DIFF_LINES lines.
    body_truncated: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.lists or self.body)


# Lines of unchanged body shown around each change, and the most diff lines shown.
BODY_CONTEXT = 3
MAX_BODY_DIFF_LINES = 2000


def compare(old: Snapshot | None, new: Snapshot | None) -> Comparison:
    """What changed from ``old`` to ``new``; with no ``old`` (a first revision) everything
    in ``new`` is added."""
    empty = Snapshot(fields=(), body="", lists=())
    old, new = old or empty, new or empty
    old_fields = dict(old.fields)
    fields = []
    for label, value in new.fields:
        before = old_fields.pop(label, "")
        if before != value:
            fields.append(FieldChange(label, before, value))
    fields += [FieldChange(label, value, "") for label, value in old_fields.items() if value]

    old_lists = dict(old.lists)
    lists = []
    for label, lines in (*new.lists, *((k, ()) for k in old_lists if k not in dict(new.lists))):
        items = _list_items(old_lists.get(label, ()), lines)
        if any(item.state != "kept" for item in items):
            lists.append(ListChange(label, items))
    body, truncated = body_diff(old.body, new.body)
    return Comparison(fields=tuple(fields), lists=tuple(lists), body=body, body_truncated=truncated)


def _list_items(old: Sequence[str], new: Sequence[str]) -> tuple[ListItem, ...]:
    items = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items += [ListItem(text, "kept") for text in new[j1:j2]]
            continue
        items += [ListItem(text, "removed") for text in old[i1:i2]]
        items += [ListItem(text, "added") for text in new[j1:j2]]
    return tuple(items)


def body_diff(old: str, new: str) -> tuple[tuple[BodyLine, ...], bool]:
    """The body as a line diff with a little context; (lines, whether it was cut short)."""
    if old == new:
        return (), False
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    lines: list[BodyLine] = []
    for number, group in enumerate(matcher.get_grouped_opcodes(BODY_CONTEXT)):
        if number:
            lines.append(BodyLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    BodyLine("context", old_lines[i], i + 1, j1 + offset + 1)
                    for offset, i in enumerate(range(i1, i2))
                ]
                continue
            lines += [BodyLine("removed", old_lines[i], old_number=i + 1) for i in range(i1, i2)]
            lines += [BodyLine("added", new_lines[j], new_number=j + 1) for j in range(j1, j2)]
    if len(lines) > MAX_BODY_DIFF_LINES:
        return tuple(lines[:MAX_BODY_DIFF_LINES]), True
    return tuple(lines), False


# --- History pages ------------------------------------------------------------------------


def changes_of(entry: Entry):
    """The entry's part in each revision, newest first, with who made it."""
    return (
        Change.objects.filter(entry_pk=entry.pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-revision_id")
    )


@dataclass(frozen=True)
class RevisionDiff:
    """One revision of an entry against the one before it in the entry's history."""

    change: Change
    previous: Change | None
    following: Change | None
    comparison: Comparison
    # Whether the revision holds a copy of the page (a deletion made inline may not).
    has_copy: bool


def revision_diff(
    entry: Entry, revision_id: int, *, file_names: bool = False, spoilers: bool = False
) -> RevisionDiff | None:
    """The diff of ``entry`` in revision ``revision_id``; None if the revision is not one
    of the entry's. A fixed number of queries, whatever the size of the entry.
    ``file_names``: name pictures by their uploaded file names (for editors);
    ``spoilers``: show the text of spoiler passages and marked rows (for editors;
    readers get ``spoilers.masked_source`` and ``masked_line``: a diff page cannot
    hide them)."""
    history = changes_of(entry)
    change = history.filter(revision_id=revision_id).first()
    if change is None:
        return None
    when = change.revision.date_created
    previous = (
        history.select_related(None)
        .filter(
            Q(revision__date_created__lt=when)
            | Q(revision__date_created=when, revision_id__lt=revision_id)
        )
        .first()
    )
    following = (
        history.select_related(None)
        .filter(
            Q(revision__date_created__gt=when)
            | Q(revision__date_created=when, revision_id__gt=revision_id)
        )
        .order_by("revision__date_created", "revision_id")
        .first()
    )
    revision_ids = [revision_id] + ([previous.revision_id] if previous else [])
    by_revision: dict[int, list[Version]] = defaultdict(list)
    for version in Version.objects.filter(revision_id__in=revision_ids):
        by_revision[version.revision_id].append(version)
    model = KIND_MODELS[entry.kind]
    new_data = RevisionData(by_revision[revision_id])
    old_data = RevisionData(by_revision[previous.revision_id]) if previous else None

    referenced = references(new_data, model, entry.pk)
    if old_data is not None:
        referenced = referenced | references(old_data, model, entry.pk)
    names = load_names(referenced, file_names=file_names)
    new = snapshot(new_data, model, entry.pk, names)
    old = snapshot(old_data, model, entry.pk, names) if old_data is not None else None
    if not spoilers:
        new, old = _masked(new), _masked(old)
    return RevisionDiff(
        change=change,
        previous=previous,
        following=following,
        comparison=compare(old, new) if new is not None else compare(None, None),
        has_copy=new is not None,
    )


def _masked(snap: Snapshot | None) -> Snapshot | None:
    if snap is None:
        return None
    return replace(
        snap,
        body=masked_source(snap.body),
        lists=tuple((label, tuple(map(masked_line, lines))) for label, lines in snap.lists),
    )


def load_names(referenced: References, *, file_names: bool = False) -> Names:
    """Names for a snapshot: a query per kind of thing referenced (none for nothing)."""
    entry_ids, platform_ids = referenced.entries, referenced.platforms
    titles = dict(Entry.objects.filter(pk__in=entry_ids).values_list("pk", "title"))
    missing = entry_ids - titles.keys()
    if missing:
        last_titles = (
            Change.objects.filter(entry_pk__in=missing)
            .order_by("entry_pk", "revision__date_created", "revision_id")
            .values_list("entry_pk", "title")
        )
        for pk, title in last_titles:
            titles[pk] = f"{title} (deleted)"
    platforms = dict(
        StreamingPlatform.objects.filter(pk__in=platform_ids).values_list("pk", "name")
    )
    pictures = {
        picture.pk: picture_name(picture, file_name=file_names)
        for picture in Picture.objects.filter(pk__in=referenced.pictures).only(
            "pk", "original_name", "sha256", "width", "height"
        )
    }
    return Names(titles, platforms, pictures=pictures)
