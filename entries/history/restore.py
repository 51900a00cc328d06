"""Putting a revision back: revert an entry to a revision, or recover a deleted one.

``restore`` writes back what a revision holds of one entry (``registry``
says what that is), inside the caller's transaction; ``services.restore_entry``
and the admin's revision and recover views call it, then record the result
as a new revision. It differs from django-reversion's
``Revision.revert(delete=True)`` on purpose:

- it writes back only the entry's own part of the revision: reverting an
  episode to a revision saved from its series' form leaves the series alone;
- it never deletes or renames a tag. Tags are shared by every entry:
  reversion would delete a tag added since the revision, and so take it off
  every other entry too, and would rename a tag renamed since back for
  everyone. A tag deleted since comes back (or the entry gets the tag that
  now has its name);
- an episode that a series' revision holds unchanged is not written back,
  so its version does not move and open forms of it do not turn stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import reversion
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from reversion.errors import RevertError
from reversion.models import Revision, Version

from ..models import Alias, Change, Entry, Episode, Picture, StreamingPlatform, Tag, TaggedEntry
from .registry import DERIVED_FIELDS, INLINES, OWN_ROWS, Key, RevisionData, held_elsewhere
from .registry import key as _key


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
    # Other entries given back what the entry's deletion took from them (a series'
    # relation to it, a studio's predecessor), by id.
    given_back: list[int] = field(default_factory=list)

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
    given_back: list[int] = []
    written_models = {row_model for row_model, _id in part}
    if not existed:
        given_back, more_writes = _give_back(data, model, int(pk))
        writes += more_writes
        written_models |= {reference.model for reference in held_elsewhere(model)}
    with transaction.atomic(using=using):
        _write_all(tag_map.writes + writes)
        _check_references(using, written_models)
    return Restored(
        revision=revision,
        model=model,
        pk=int(pk),
        existed=existed,
        also_written=sorted(e for e in episodes if str(e) != str(pk) and e not in unchanged),
        deleted=deleted,
        given_back=given_back,
    )


def _give_back(data: RevisionData, model: type[Entry], pk: int):
    """What the deletion revision ``data`` holds of other entries that pointed at the
    entry ``pk`` (``registry.held_elsewhere``), as writes that put it back where
    its owner still exists and nothing took its place: (owner ids, writes)."""
    owners: set[int] = set()
    writes = []
    for reference in held_elsewhere(model):
        manager = reference.model._default_manager
        for object_id, row in data.rows(reference.model, reference.fk, pk):
            owner = int(row[reference.owner])
            if reference.model in INLINES:
                # A kind's own field (a studio's predecessor), emptied by SET_NULL.
                emptied = manager.filter(pk=object_id, **{f"{reference.fk}__isnull": True})
                if emptied.exists():
                    writes.append((str(owner), partial(emptied.update, **{reference.fk: pk})))
                    owners.add(owner)
            elif (
                not manager.filter(pk=object_id).exists()
                and Entry.objects.filter(pk=owner).exists()
            ):
                version = data.versions[_key(reference.model, object_id)]
                writes.append((version.object_repr, version.revert))
                owners.add(owner)
    return sorted(owners), writes


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
