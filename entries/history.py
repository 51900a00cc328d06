"""Revision history of entries: putting a revision back, and comparing two revisions.

What a revision holds is set in ``revisions``: the whole page, with its own
rows, aliases, tags, gallery rows and inline rows (credits, appearances, voice
actors, a series' episodes). This module reads that back. Pictures are named
by id only (they never change once stored, and ``prune_pictures`` keeps every
picture a revision names), so restoring an entry brings its main image and
gallery back as they were.

Restoring
    ``restore_entry`` reverts an entry to a revision, or recovers a deleted
    entry, and records that as a new revision. ``restore`` is the part it
    shares with the admin's revision and recover views: it writes back what a
    revision holds of one entry, inside the caller's transaction. It differs
    from django-reversion's ``Revision.revert(delete=True)`` on purpose:

    - it writes back only the entry's own part of the revision: reverting an
      episode to a revision saved from its series' form leaves the series alone;
    - it never deletes or renames a tag. Tags are shared by every entry:
      reversion would delete a tag added since the revision, and so take it off
      every other entry too, and would rename a tag renamed since back for
      everyone. A tag deleted since comes back (or the entry gets the tag that
      now has its name);
    - an episode that a series' revision holds unchanged is not written back,
      so its version does not move and open forms of it do not turn stale.

Comparing
    ``Snapshot`` is an entry as one revision holds it, in words (field values,
    tag names, aliases, inline rows as lines such as "Yutaka Izubuchi —
    Supervising director"); ``compare`` sets two snapshots side by side, the
    body as a line diff. Both are pure functions over the versions' stored
    data; ``revision_diff`` makes the few queries a diff page needs.

Recording deletions
    ``record_deletion`` writes the revision of entries about to be deleted,
    so that reversion's recover list offers them afterwards.
"""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from reversion.errors import RevertError
from reversion.models import Revision, Version

from .models import (
    Alias,
    Appearance,
    Change,
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
    TaggedEntry,
    VoiceCredit,
)
from .revisions import note, recorded

Key = tuple[type[models.Model], str]
Row = dict[str, Any]

# --- What a revision holds of one entry --------------------------------------------------


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


def _choice(model: type[models.Model], name: str, value: Any) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def _pair(model: type[models.Model], other: str, detail: str, note: str = ""):
    """A line "<the other entry> — <role>", with the note in brackets when there is one."""

    def line(row: Row, names: Names) -> tuple[Any, str]:
        text = f"{names.entry(row[other])} — {_choice(model, detail, row[detail])}"
        if note and row.get(note):
            text = f"{text} ({row[note]})"
        return (text.casefold(), text)

    return line


def _episode_line(row: Row, names: Names) -> tuple[Any, str]:
    return (row["number"], f"{row['number']}. {names.entry(row['entry_ptr_id'])}")


def _streaming_line(row: Row, names: Names) -> tuple[Any, str]:
    text = names.platform(row["platform_id"])
    if row.get("url"):
        text = f"{text} — {row['url']}"
    return (text.casefold(), text)


# The inline rows of each kind, as its revision follows them (``revisions.FOLLOW``;
# a test keeps the two in step).
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
    ),
    Studio: (
        Inline("Works", SeriesStudio, "studio_id", _pair(SeriesStudio, "series_id", "role")),
        Inline("Members", StudioMember, "studio_id", _pair(StudioMember, "person_id", "position")),
    ),
    Episode: (),
}
KINDS: dict[str, type[Entry]] = {model.KIND: model for model in INLINES}

# Every entry's own rows besides its inlines: (model, foreign key to the entry).
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


def _key(model: type[models.Model], pk: Any) -> Key:
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
        version = self.versions.get(_key(model, pk))
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
        part = {key for key in (_key(Entry, pk), _key(model, pk)) if key in self.versions}
        for row_model, fk in OWN_ROWS:
            for object_id, row in self.rows(row_model, fk, pk):
                part.add((row_model, object_id))
                if row_model is TaggedEntry and _key(Tag, row["tag_id"]) in self.versions:
                    part.add(_key(Tag, row["tag_id"]))
        for inline in INLINES[model]:
            for object_id, _row in self.rows(inline.model, inline.fk, pk):
                if inline.model is Episode:
                    part |= self.part_of(Episode, object_id)
                else:
                    part.add((inline.model, object_id))
        return part


# --- Restoring ----------------------------------------------------------------------------


@dataclass
class Restored:
    """What ``restore`` did."""

    revision: Revision
    model: type[Entry]
    pk: int
    # Whether the entry existed before: a revert; otherwise a recovery.
    existed: bool
    # Other entries written back with it (a series' episodes), by id.
    also_written: list[int] = field(default_factory=list)
    # Entries the revision did not hold, deleted (episodes added to a series since).
    deleted: list[Entry] = field(default_factory=list)

    @property
    def action(self) -> str:
        return Change.Action.REVERT if self.existed else Change.Action.RECOVER


def restore(*, revision: Revision, model: type[Entry], pk: Any) -> Restored:
    """Write back what ``revision`` holds of the entry ``pk`` (of kind ``model``).

    Call inside a transaction and outside any revision; the caller then saves
    the entry (which renders its body and records its links again) inside a
    revision. Rows of the entry that the revision does not hold are deleted
    first (tags excepted, see the module docstring). Raises ``RevertError``
    when the revision cannot be put back, for instance because another entry
    has taken the slug since.
    """
    if reversion.is_active():
        raise RuntimeError("restore() writes raw rows: call it outside a revision.")
    using = router.db_for_write(Entry)
    data = RevisionData(revision.version_set.all())
    part = data.part_of(model, pk)
    if _key(model, pk) not in part:
        raise RevertError(f"This revision holds no copy of {model._meta.verbose_name} {pk}.")
    existed = model._default_manager.filter(pk=pk).exists()
    deleted = _delete_unheld(model, pk, part) if existed else []

    episodes = [int(object_id) for (row_model, object_id) in part if row_model is Episode]
    unchanged = _unchanged_entries(data, [e for e in episodes if str(e) != str(pk)])
    missing = _missing_references(data, part)
    writes, tag_map = [], _tag_map(data, part)
    for key in sorted(part, key=_write_order):
        row_model, object_id = key
        if row_model is Tag:
            continue  # written by _tag_map, and only when missing
        if row_model in (Entry, Episode) and int(object_id) in unchanged:
            continue
        version = data.versions[key]
        if row_model is TaggedEntry:
            writes.append(_tagged_entry_write(version, tag_map))
            continue
        dangling = missing.get(key, [])
        if dangling and not issubclass(row_model, Entry):
            # A credit or appearance of a page deleted since: there is nothing to put back.
            continue
        required = [model_field for model_field in dangling if not model_field.null]
        if required:
            raise RevertError(
                f"“{version.object_repr}” cannot be put back: its "
                f"{required[0].verbose_name} was deleted since. Recover that first."
            )
        # A studio's predecessor deleted since is left empty, as on_delete=SET_NULL
        # would have left it.
        clear = [model_field.attname for model_field in dangling]
        writes.append((version.object_repr, _version_write(version, clear=clear)))
    with transaction.atomic(using=using):
        _write_all(tag_map.writes + writes)
        _check_references(using, {row_model for row_model, _id in part})
    return Restored(
        revision=revision,
        model=model,
        pk=int(pk),
        existed=existed,
        also_written=sorted(e for e in episodes if str(e) != str(pk) and e not in unchanged),
        deleted=deleted,
    )


def _missing_references(data: RevisionData, part: set[Key]) -> dict[Key, list[models.Field]]:
    """For rows of ``part`` pointing at entries, platforms or pictures that exist no more
    (and that ``part`` does not bring back), those foreign keys.

    ``prune_pictures`` keeps every picture a revision names, so a missing picture
    was deleted by other means: the main image is then left empty, and the gallery
    row left out, rather than failing the whole revert.
    """
    wanted: dict[Key, list[tuple[models.Field, int]]] = defaultdict(list)
    for key in part:
        row_model, object_id = key
        if row_model in (Tag, TaggedEntry, Alias):
            continue
        row = data.row(row_model, object_id)
        for model_field in row_model._meta.concrete_fields:
            target = model_field.related_model if model_field.is_relation else None
            value = row.get(model_field.attname)
            if target is None or model_field.primary_key or value is None:
                continue
            brought_back = issubclass(target, Entry) and _key(Entry, value) in part
            checked = issubclass(target, Entry) or target in (StreamingPlatform, Picture)
            if checked and not brought_back:
                wanted[key].append((model_field, int(value)))
    by_target: dict[type[models.Model], set[int]] = defaultdict(set)
    for refs in wanted.values():
        for model_field, pk in refs:
            by_target[_checked_model(model_field)].add(pk)
    existing = {
        target: set(target._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for target, pks in by_target.items()
    }
    missing: dict[Key, list[models.Field]] = {}
    for key, refs in wanted.items():
        gone = [
            model_field
            for model_field, pk in refs
            if pk not in existing[_checked_model(model_field)]
        ]
        if gone:
            missing[key] = gone
    return missing


def _checked_model(model_field: models.Field) -> type[models.Model]:
    """The model whose rows a foreign key's values are looked up in (kinds: ``Entry``)."""
    target = model_field.related_model
    return Entry if issubclass(target, Entry) else target


def _version_write(version: Version, *, clear: Sequence[str] = ()) -> Callable[[], Any]:
    """Write ``version``'s row back, with the foreign keys ``clear`` emptied."""
    if not clear:
        return version.revert

    def write():
        stored = version._object_version  # reversion's deserialized copy of the row
        for attname in clear:
            setattr(stored.object, attname, None)
        stored.save(using=version.db)

    return write


def _write_order(key: Key) -> tuple[int, str]:
    # Parents before children; the retries in _write_all cover what this misses.
    order = {Entry: 0, Tag: 1}
    return (order.get(key[0], 2), key[0].__name__)


def _delete_unheld(model: type[Entry], pk: Any, part: set[Key]) -> list[Entry]:
    """Delete the rows the entry has now that the revision does not hold; returns the
    entries (episodes) deleted that way."""
    gone: list[Entry] = []
    owned = [*OWN_ROWS, *((inline.model, inline.fk) for inline in INLINES[model])]
    for row_model, fk in owned:
        held = [object_id for (held_model, object_id) in part if held_model is row_model]
        rows = row_model._default_manager.filter(**{fk: pk})
        if row_model is Episode:
            for episode in rows.exclude(pk__in=held):
                gone.append(episode)
            for episode_pk in rows.filter(pk__in=held).values_list("pk", flat=True):
                _delete_unheld(Episode, episode_pk, part)
        else:
            rows.exclude(pk__in=held).delete()
    for episode in gone:
        pk = episode.pk
        episode.delete()
        # Django empties the key of what it deletes; the history still needs it.
        episode.pk = pk
    return gone


def _unchanged_entries(data: RevisionData, pks: Sequence[int]) -> set[int]:
    """Those of ``pks`` (episodes) whose rows now equal what the revision holds."""
    compared = [
        model_field.attname
        for model_field in Episode._meta.concrete_fields
        if model_field.name not in DERIVED_FIELDS
    ]
    unchanged = set()
    for episode in Episode.objects.filter(pk__in=pks):
        held = {**(data.row(Entry, episode.pk) or {}), **(data.row(Episode, episode.pk) or {})}
        if all(name in held and getattr(episode, name) == held[name] for name in compared):
            unchanged.add(episode.pk)
    return unchanged


@dataclass
class _TagMap:
    """Which tag each tag id of the revision stands for now, and the tags to re-create."""

    ids: dict[int, int]
    writes: list[tuple[str, Callable[[], Any]]]


def _tag_map(data: RevisionData, part: set[Key]) -> _TagMap:
    held = {int(object_id): data.row(Tag, object_id) for (model, object_id) in part if model is Tag}
    existing = set(Tag.objects.filter(pk__in=held).values_list("pk", flat=True))
    ids = {pk: pk for pk in existing}
    missing = {pk: row for pk, row in held.items() if pk not in existing}
    writes = []
    if missing:
        # A tag deleted since: the tag that has its name (or slug) now, or the old tag again.
        taken = Tag.objects.filter(
            Q(name__in=[row["name"] for row in missing.values()])
            | Q(slug__in=[row["slug"] for row in missing.values()])
        )
        by_name = {tag.name: tag.pk for tag in taken} | {tag.slug: tag.pk for tag in taken}
        for pk, row in missing.items():
            now = by_name.get(row["name"]) or by_name.get(row["slug"])
            if now is not None:
                ids[pk] = now
            else:
                ids[pk] = pk
                version = data.versions[_key(Tag, pk)]
                writes.append((version.object_repr, version.revert))
    return _TagMap(ids=ids, writes=writes)


def _tagged_entry_write(version: Version, tag_map: _TagMap) -> tuple[str, Callable[[], Any]]:
    row = version._local_field_dict
    tag_id = tag_map.ids.get(row["tag_id"], row["tag_id"])
    if tag_id == row["tag_id"]:
        return (version.object_repr, version.revert)

    def write():
        # The entry may carry the replacement tag already (under another row).
        TaggedEntry.objects.filter(
            content_object_id=row["content_object_id"], tag_id=tag_id
        ).delete()
        TaggedEntry(pk=row["id"], content_object_id=row["content_object_id"], tag_id=tag_id).save()

    return (version.object_repr, write)


def _write_all(writes: list[tuple[str, Callable[[], Any]]]) -> None:
    """Run every write, retrying those that failed while others still succeed (a row
    can need another written first); ``RevertError`` when no more progress is made."""
    pending = writes
    while pending:
        failed = []
        for label, write in pending:
            try:
                with transaction.atomic():
                    write()
            except IntegrityError:
                failed.append((label, write))
        if len(failed) == len(pending):
            raise RevertError(
                f"“{failed[0][0]}” cannot be put back: it clashes with something saved since "
                "(another page may have its address), or needs something deleted since."
            )
        pending = failed


def _check_references(using: str, models_written: set[type[models.Model]]) -> None:
    # Foreign keys are checked at commit; check now, so that a row pointing at
    # something deleted since is a RevertError, not a server error. (_missing_references
    # catches the cases we know of; this is the safety net.)
    connection = connections[using]
    tables = sorted({model._meta.db_table for model in models_written})
    try:
        with transaction.atomic(using=using):
            connection.check_constraints(table_names=tables)
    except IntegrityError as error:
        raise RevertError(
            "This revision cannot be put back: it refers to a page or row deleted since."
        ) from error


def restore_comment(action: str, revision: Revision, summary: str = "") -> str:
    """The edit summary of a revert or a recovery."""
    when = date_format(template_localtime(revision.date_created), "j F Y, H:i")
    if action == Change.Action.RECOVER:
        text = f"Recovered from the revision of {when}"
    else:
        text = f"Reverted to the revision of {when}"
    return f"{text}: {summary}" if summary else text


def note_restored(restored: Restored, *, skip: Iterable[int] = ()) -> None:
    """Inside the revision of a restore: save (render, record links) and note the other
    entries ``restore`` wrote back, and note the ones it deleted."""
    skip = set(skip)
    for episode in Episode.objects.filter(pk__in=restored.also_written).exclude(pk__in=skip):
        episode.save()
        note(episode, restored.action)
    for entry in restored.deleted:
        if entry.pk not in skip:
            note(entry, Change.Action.DELETE)


def restore_entry(
    *, revision: Revision, model: type[Entry], pk: Any, user=None, summary: str = ""
) -> Entry:
    """Revert the entry ``pk`` to ``revision``, or recover it if it was deleted, as a new
    revision by ``user`` (a Change with action revert or recover)."""
    with transaction.atomic():
        restored = restore(revision=revision, model=model, pk=pk)
        comment = restore_comment(restored.action, revision, summary)
        with recorded(user=user, summary=comment):
            entry = model._default_manager.get(pk=pk)
            try:
                entry.full_clean()
            except ValidationError as error:
                raise RevertError(f"This revision is not valid any more: {error}") from error
            entry.save()
            note(entry, restored.action)
            note_restored(restored, skip={entry.pk})
    return entry


# --- Recording deletions ----------------------------------------------------------------


def record_deletion(*, entries: Sequence[Entry], user=None, summary: str = "") -> None:
    """Record one revision holding ``entries`` (and a series' episodes, which go with
    it) as they are now, each with a Change "deleted". Call before deleting them: a
    revision keeps only rows that still exist when it is written."""
    if reversion.is_active():
        raise RuntimeError(
            "record_deletion() must write its revision before the rows go: call it "
            "outside any other revision."
        )
    series = [entry.pk for entry in entries if entry.kind == Entry.Kind.SERIES]
    episodes = list(Episode.objects.filter(series__in=series)) if series else []
    with recorded(user=user, summary=summary):
        for entry in itertools.chain(entries, episodes):
            note(entry, Change.Action.DELETE)


# --- Comparing ----------------------------------------------------------------------------


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
        if row_model in (Tag, TaggedEntry, Alias):
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
        tag_names.append(tag["name"] if tag else f"tag #{row['tag_id']}")
    aliases = []
    for _object_id, row in data.rows(Alias, "entry_id", pk):
        text = f"{row['name']} ({_choice(Alias, 'language', row['language'])})"
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
    return text


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


def _entry_url_kwargs(entry: Entry) -> dict[str, Any]:
    if entry.kind == Entry.Kind.EPISODE:
        episode = entry.specific
        return {"slug": episode.series.slug, "number": episode.number}
    return {"slug": entry.slug}


def history_url(entry: Entry) -> str:
    """The entry's public history (``entries:<kind>-history``)."""
    return reverse(f"entries:{entry.kind}-history", kwargs=_entry_url_kwargs(entry))


def revision_url(entry: Entry, revision_id: int) -> str:
    """The diff page of one revision of the entry (``entries:<kind>-revision``)."""
    return reverse(
        f"entries:{entry.kind}-revision",
        kwargs={**_entry_url_kwargs(entry), "revision_id": revision_id},
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
    entry: Entry, revision_id: int, *, file_names: bool = False
) -> RevisionDiff | None:
    """The diff of ``entry`` in revision ``revision_id``; None if the revision is not one
    of the entry's. A fixed number of queries, whatever the size of the entry.
    ``file_names``: name pictures by their uploaded file names (for editors)."""
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
    model = KINDS[entry.kind]
    new_data = RevisionData(by_revision[revision_id])
    old_data = RevisionData(by_revision[previous.revision_id]) if previous else None

    referenced = references(new_data, model, entry.pk)
    if old_data is not None:
        referenced = referenced | references(old_data, model, entry.pk)
    names = load_names(referenced, file_names=file_names)
    new = snapshot(new_data, model, entry.pk, names)
    old = snapshot(old_data, model, entry.pk, names) if old_data is not None else None
    return RevisionDiff(
        change=change,
        previous=previous,
        following=following,
        comparison=compare(old, new) if new is not None else compare(None, None),
        has_copy=new is not None,
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
