"""The one write path: every change to an entry goes through here.

A write is ``with recorded(user=..., summary=...)``, with ``note(entry, action)``
for each entry it is about. That one block

- records the history: one django-reversion revision holding every noted entry
  whole (what ``history.registry`` declares), with a ``Change`` row each;
- refreshes the search documents: the model signals of ``search.indexing``
  collect what was touched, and each touched entry is indexed once, when the
  block ends, in the same transaction;
- announces the change: when the transaction commits, one ``entries_changed``
  signal (``entries.signals``) names every entry and tag whose pages show
  what changed, for caches to follow.

The named writes below are built on it: ``delete_entries``, ``restore_entry``
(revert and recover), ``merge_tags`` and ``delete_tags``; ``announce_bulk``
for the importer's bulk history; ``announce_tags`` and ``announce_platforms``
for the admin's edits of the tags and streaming platforms that entry pages
show. The admin's saves open their revision with ``recorded`` too
(``EntryAdmin.create_revision``), and the demo loader writes inside one.
Writes nested in a ``recorded`` block join it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from reversion.errors import RevertError
from reversion.models import Revision

from .history import record, registry
from .history.restore import Restored, restore, restore_comment
from .models import (
    KIND_MODELS,
    Alias,
    Change,
    Entry,
    Episode,
    Streaming,
    Tag,
    TaggedEntry,
    WikiLink,
)
from .search import indexing as search_indexing
from .search.indexing import batched
from .signals import entries_changed
from .wikilinks import name_key

CHUNK_SIZE = 500


@dataclass
class _Write:
    """What one write changed, collected as it goes."""

    changed: set[int] = field(default_factory=set)
    # Pages showing an entry deleted in this write, found before its rows went.
    entries: set[int] = field(default_factory=set)
    tags: set[int] = field(default_factory=set)

    def note(self, entry: Entry, action: str) -> None:
        self.changed.add(entry.pk)
        if action == Change.Action.DELETE:
            entries, tags = pages_showing([entry.pk])
            self.entries |= entries
            self.tags |= tags

    def announce(self) -> None:
        """Find the pages the write affects now, and tell the receivers once it commits."""
        entries, tags = pages_showing(self.changed - self.entries)
        _send(changed=self.changed, entries=entries | self.entries, tags=tags | self.tags)


_current: ContextVar[_Write | None] = ContextVar("fandex_write", default=None)


@contextmanager
def recorded(*, user=None, summary: str = ""):
    """One write, by ``user`` with the edit ``summary``: see the module docstring.

    Nested inside another ``recorded`` block, it joins the outer write.
    """
    if _current.get() is not None:
        with record.revision(user=user, summary=summary):
            yield
        return
    write = _Write()
    token = _current.set(write)
    try:
        with transaction.atomic():
            with record.revision(user=user, summary=summary), search_indexing.deferred():
                yield
            # The revision is written and the entries indexed; the pages follow on
            # commit. In the same transaction: on SQLite a second one would queue for
            # the write lock again (IMMEDIATE) after the save was already committed.
            write.announce()
    finally:
        _current.reset(token)


def note(entry: Entry, action: str) -> None:
    """Put ``entry`` (all of it) in the current write and say what happened to it
    (a ``Change.Action``). Call inside ``recorded`` after the entry was saved, or
    before it is deleted."""
    record.add_entry(entry, action)
    write = _current.get()
    if write is not None:
        write.note(entry, action)


# --- Named writes ------------------------------------------------------------------------


def delete_entries(*, entries: Sequence[Entry], user=None, summary: str = "") -> None:
    """Delete ``entries`` (with a series' episodes, which go with it) as one revision
    that holds them as they were, each with a Change "deleted", so that the history
    can recover them."""
    if reversion.is_active():
        raise RuntimeError(
            "delete_entries() must write its revision before the rows go: call it "
            "outside any other revision."
        )
    series = [entry.pk for entry in entries if entry.kind == Entry.Kind.SERIES]
    episodes = list(Episode.objects.filter(series__in=series)) if series else []
    going = [*entries, *episodes]
    with transaction.atomic():
        holders = list(Entry.objects.filter(pk__in=_holding(going)))
        # A revision keeps only rows that still exist when it is written: record first,
        # with what the deletion takes from other pages (a recovery gives it back).
        with recorded(user=user, summary=summary):
            for entry in going:
                note(entry, Change.Action.DELETE)
            for holder in holders:
                record.add_copy(holder)
        for entry in entries:
            entry.delete()
        if holders:
            titles = ", ".join(f"“{entry.title}”" for entry in entries)
            with recorded(user=user, summary=f"Links to {titles} removed: deleted"):
                for holder in holders:
                    note(holder, Change.Action.CHANGE)


def _holding(entries: Sequence[Entry]) -> set[int]:
    """Ids of the other entries whose revisions hold rows pointing at ``entries``
    (``registry.held_elsewhere``), which deleting them would take away."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        by_kind[entry.kind].add(entry.pk)
    found: set[int] = set()
    for kind, pks in by_kind.items():
        for reference in registry.held_elsewhere(KIND_MODELS[kind]):
            rows = reference.model._default_manager.filter(**{f"{reference.fk}__in": pks})
            found.update(rows.values_list(reference.owner, flat=True))
    return found - {entry.pk for entry in entries}


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


def note_restored(restored: Restored, *, skip: Iterable[int] = ()) -> None:
    """Inside the write of a restore: save (render, record links) and note the other
    entries ``restore`` wrote back, and note the ones it deleted."""
    skip = set(skip)
    for episode in Episode.objects.filter(pk__in=restored.also_written).exclude(pk__in=skip):
        episode.save()
        note(episode, restored.action)
    for entry in restored.deleted:
        if entry.pk not in skip:
            note(entry, Change.Action.DELETE)
    # Given back what the entry's deletion took from them: a change of theirs.
    for entry in Entry.objects.filter(pk__in=restored.given_back).exclude(pk__in=skip):
        note(entry, Change.Action.CHANGE)


def merge_tags(*, tags: Iterable[Tag], into_name: str, user=None) -> Tag:
    """Move every use of ``tags`` onto the tag named ``into_name`` and delete the rest,
    as one revision of every entry that carried one of them (so each can be reverted).

    The target is found case-insensitively (and takes the name as typed now) or
    created. An entry that already had the target keeps it once.
    """
    tags = list(tags)
    with transaction.atomic():
        target = Tag.objects.filter(name__iexact=into_name).first() or Tag(name=into_name)
        target.name = into_name
        target.full_clean(exclude=["slug"])
        sources = [tag for tag in tags if tag.pk != target.pk]
        source_ids = [tag.pk for tag in sources]

        def merge() -> None:
            target.save()
            already_tagged = TaggedEntry.objects.filter(tag=target).values("content_object_id")
            moving = TaggedEntry.objects.filter(tag__in=source_ids)
            # Entries carrying both would break unique_tag_per_entry: drop their old row.
            moving.filter(content_object_id__in=already_tagged).delete()
            moving.update(tag=target)
            Tag.objects.filter(pk__in=source_ids).delete()

        names = ", ".join(f"“{tag.name}”" for tag in sources)
        _retag(
            tag_ids={*source_ids, *([target.pk] if target.pk else [])},
            user=user,
            summary=f"Merged the tags {names} into “{into_name}”",
            change=merge,
        )
    return target


def delete_tags(*, tags: Iterable[Tag], user=None) -> None:
    """Delete ``tags``, as one revision of every entry that carried one (so reverting an
    entry to the revision before brings its tag back)."""
    tags = list(tags)
    ids = {tag.pk for tag in tags}
    names = ", ".join(f"“{tag.name}”" for tag in tags)
    with transaction.atomic():
        _retag(
            tag_ids=ids,
            user=user,
            summary=f"Deleted the tag{'s' if len(tags) > 1 else ''} {names}",
            change=lambda: Tag.objects.filter(pk__in=ids).delete(),
        )


def delete_unused_tags(*, user=None, among: Iterable[int] | None = None) -> list[str]:
    """Delete the tags no entry carries (of the ids ``among``, if given) through
    ``delete_tags``; the names deleted, in order.

    The tags are locked first, so that an entry tagged meanwhile keeps its tag
    (on PostgreSQL tagging waits for the lock; SQLite writes one at a time)."""
    with transaction.atomic():
        tags = Tag.objects.unused()
        if among is not None:
            tags = tags.filter(pk__in=list(among))
        tags = list(tags.select_for_update().order_by("name"))
        if tags:
            delete_tags(tags=tags, user=user)
    return [tag.name for tag in tags]


def _retag(*, tag_ids: set[int], user, summary: str, change) -> None:
    """Run ``change`` (which retags entries) as a write noting every entry that carried
    one of ``tag_ids``. An entry with no history yet first gets a copy of itself as it
    was (a revision with no change line), so that the change can still be reverted."""
    carrying = set(
        TaggedEntry.objects.filter(tag__in=tag_ids).values_list("content_object_id", flat=True)
    )
    entries = [
        entry
        for model in KIND_MODELS.values()
        for entry in model._default_manager.filter(pk__in=carrying)
    ]
    recorded_before = set(
        Change.objects.filter(entry_pk__in=carrying).values_list("entry_pk", flat=True)
    )
    unrecorded = [entry for entry in entries if entry.pk not in recorded_before]
    if unrecorded:
        with record.revision(user=user, summary=f"Before: {summary}"):
            for entry in unrecorded:
                record.add_copy(entry)
    with recorded(user=user, summary=summary):
        change()
        # ``update`` and bulk deletes send no signal: index the retagged entries here.
        search_indexing.entries_changed(carrying)
        for entry in entries:
            note(entry, Change.Action.CHANGE)
        _current.get().tags.update(tag_ids)


def announce_bulk(ids: Iterable[int]) -> None:
    """Announce a bulk write that bypassed ``recorded`` (the importer writes its history
    and search documents in bulk itself): the same signal, on commit."""
    changed = set(ids)
    entries, tags = pages_showing(changed)
    _send(changed=changed, entries=entries, tags=tags)


def announce_tags(tag_ids: Iterable[int]) -> None:
    """Announce tags renamed in the admin: the pages of the entries that carry them show
    their names. (Merging and deleting tags are writes of their own.)"""
    tags = set(tag_ids)
    entries = set(
        TaggedEntry.objects.filter(tag__in=tags).values_list("content_object_id", flat=True)
    )
    _send(changed=set(), entries=entries, tags=tags)


def announce_platforms(platform_ids: Iterable[int]) -> None:
    """Announce streaming platforms changed or about to be deleted: the pages of the
    series streaming on them show them. Call before a deletion."""
    series = set(
        Streaming.objects.filter(platform__in=set(platform_ids)).values_list("series_id", flat=True)
    )
    _send(changed=set(), entries=series, tags=set())


def _send(*, changed: set[int], entries: set[int], tags: set[int]) -> None:
    if not (changed or entries or tags):
        return
    arguments = {
        "changed": frozenset(changed),
        "entries": frozenset(entries | changed),
        "tags": frozenset(tags),
    }
    transaction.on_commit(lambda: entries_changed.send(sender=Entry, **arguments))


class WriteReport:
    """What a bulk write (an import, the demo load) did: a mixin for a dataclass with
    ``created``, ``updated`` (lists) and ``unchanged`` (a list or a count)."""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        unchanged = self.unchanged if isinstance(self.unchanged, int) else len(self.unchanged)
        return f"created {len(self.created)}, updated {len(self.updated)}, unchanged {unchanged}"


# --- Which pages show an entry -----------------------------------------------------------


def pages_showing(ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """The entries and tags whose pages show any of the entries ``ids``, as they are now.

    An entry's page shows the entries joined to it by an inline row (the
    registry's two-sided inlines: credits, appearances, voice credits,
    relations, memberships), a series its episodes, an episode its series and
    its neighbours; pages whose wiki links name it show it as a blue link (a
    red one once it is gone); tag pages list it. About ten queries per
    ``CHUNK_SIZE`` entries.
    """
    entries: set[int] = set()
    tags: set[int] = set()
    for chunk in batched(sorted(set(ids)), CHUNK_SIZE):
        entries.update(chunk)
        for model, fks in registry.entry_links():
            either = Q()
            for fk in fks:
                either |= Q(**{f"{fk}__in": chunk})
            for pair in model._default_manager.filter(either).values_list(*fks):
                entries.update(pair)
        episode_series = Episode.objects.filter(pk__in=chunk).values("series_id")
        entries.update(
            Episode.objects.filter(series_id__in=episode_series).values_list("pk", flat=True)
        )
        entries.update(
            WikiLink.objects.filter(target_key__in=_name_keys(chunk)).values_list(
                "source_id", flat=True
            )
        )
        tags.update(
            TaggedEntry.objects.filter(content_object_id__in=chunk).values_list("tag_id", flat=True)
        )
    return entries, tags


def _name_keys(ids: Sequence[int]) -> set[str]:
    """Every name key the entries ``ids`` answer to now, and those of the titles their
    recorded changes name (a page renamed since: links to an old name turn red)."""
    keys: set[str] = set()
    for title_key, native_key in Entry.objects.filter(pk__in=ids).values_list(
        "title_key", "native_key"
    ):
        keys.update((title_key, native_key))
    keys.update(Alias.objects.filter(entry_id__in=ids).values_list("name_key", flat=True))
    for title in Change.objects.filter(entry_pk__in=ids).values_list("title", flat=True):
        keys.add(name_key(title))
    keys.discard("")
    return keys
