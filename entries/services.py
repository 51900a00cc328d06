"""The one write path: every change to an entry goes through here.

A write is ``with recorded(user=..., summary=...)``, with ``note(entry, action)``
for each entry it is about (``automated=True`` for a program's write, as the
importer's and the demo's: their ``Change`` rows are marked, and recent changes
and the home page hide them unless asked). That one block

- records the history: one django-reversion revision holding every noted entry
  whole (what ``history.registry`` declares), with a ``Change`` row each;
- refreshes the search documents: the model signals of ``search.indexing``
  collect what was touched, and each touched entry is indexed once, when the
  block ends, in the same transaction;
- announces the change: when the transaction commits, one ``entries_changed``
  signal (``entries.signals``) names every entry and tag whose pages show
  what changed, for caches to follow.

The named writes below are built on it: ``delete_entries``, ``restore_entry``
(revert and recover), ``recover_deletion`` (all of a bulk delete at once),
``merge_tags`` and ``delete_tags``; ``announce_bulk`` for the importer's bulk
history; ``announce_tags`` and ``announce_platforms``
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
from django.db.models import Count, Q
from reversion.errors import RevertError
from reversion.models import Revision

from .history import record, registry
from .history.restore import Restored, restore, restore_comment
from .models import (
    KIND_MODELS,
    Alias,
    Change,
    Character,
    Entry,
    Episode,
    Streaming,
    Studio,
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

    # A program's write (``recorded(automated=True)``): its changes are marked so.
    automated: bool = False
    changed: set[int] = field(default_factory=set)
    # Pages showing an entry deleted in this write, found before its rows went.
    entries: set[int] = field(default_factory=set)
    tags: set[int] = field(default_factory=set)
    # Entries whose pages were looked up before their first save in this write.
    before: set[int] = field(default_factory=set)

    # Entries deleted in this write (their pages were looked up before they went).
    deleted: set[int] = field(default_factory=set)

    def note(self, entry: Entry, action: str) -> None:
        self.changed.add(entry.pk)
        if action == Change.Action.DELETE:
            self.deleted.add(entry.pk)
            entries, tags = pages_showing([entry.pk])
            self.entries |= entries
            self.tags |= tags

    def announce(self) -> None:
        """Find the pages the write affects now, and tell the receivers once it commits."""
        entries, tags = pages_showing(self.changed - self.deleted)
        _send(changed=self.changed, entries=entries | self.entries, tags=tags | self.tags)


_current: ContextVar[_Write | None] = ContextVar("fandex_write", default=None)


@contextmanager
def recorded(*, user=None, summary: str = "", automated: bool = False):
    """One write, by ``user`` with the edit ``summary``: see the module docstring.
    ``automated``: a program makes it (an import, the demo load), not an editor.

    Nested inside another ``recorded`` block, it joins the outer write (and is
    automated as that one is).
    """
    if _current.get() is not None:
        with record.revision(user=user, summary=summary):
            yield
        return
    write = _Write(automated=automated)
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


def also_showing(pages: tuple[set[int], set[int]]) -> None:
    """Inside a write: add ``pages`` (what ``pages_showing`` gave before the write
    opened: a restore writes its rows back first) to the pages it announces."""
    write = _current.get()
    if write is not None:
        entries, tags = pages
        write.entries |= entries
        write.tags |= tags


def note(entry: Entry, action: str) -> None:
    """Put ``entry`` (all of it) in the current write and say what happened to it
    (a ``Change.Action``). Call inside ``recorded`` after the entry was saved, or
    before it is deleted."""
    write = _current.get()
    record.add_entry(entry, action, automated=write is not None and write.automated)
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
        # The pages showing the entry as it was (restore writes its rows back now).
        before = pages_showing([int(pk)])
        restored = restore(revision=revision, model=model, pk=pk)
        comment = restore_comment(restored.action, revision, summary)
        with recorded(user=user, summary=comment):
            also_showing(before)
            entry = model._default_manager.get(pk=pk)
            try:
                entry.full_clean()
            except ValidationError as error:
                raise RevertError(f"This revision is not valid any more: {error}") from error
            entry.save()
            note(entry, restored.action)
            note_restored(restored, skip={entry.pk})
    return entry


def still_deleted(revision: Revision) -> list[Change]:
    """The entries that ``revision`` deleted and that no later write brought back."""
    deletions = list(revision.changes.filter(action=Change.Action.DELETE).order_by("pk"))
    back = set(
        Entry.objects.filter(pk__in=[change.entry_pk for change in deletions]).values_list(
            "pk", flat=True
        )
    )
    return [change for change in deletions if change.entry_pk not in back]


def recover_deletion(*, revision: Revision, user=None, summary: str = "") -> list[Entry]:
    """Recover every entry that ``revision`` deleted (a bulk "delete selected") and
    is still gone, as one revision, with what the deletion took from other pages.

    One at a time, in the order they were deleted: an entry recovered later gets
    back its relations to those recovered before it (``restore`` gives back what
    the deletion took from entries that exist again). A series brings its
    episodes back with it; they are then skipped.
    """
    restored: list[Restored] = []
    with transaction.atomic():
        for change in still_deleted(revision):
            if Entry.objects.filter(pk=change.entry_pk).exists():
                continue  # an episode its series brought back
            model = KIND_MODELS[change.kind]
            restored.append(restore(revision=revision, model=model, pk=change.entry_pk))
        if not restored:
            raise RevertError("Everything this revision deleted is back already.")
        pks = {done.pk for done in restored}
        comment = restore_comment(Change.Action.RECOVER, revision, summary)
        entries = []
        with recorded(user=user, summary=comment):
            for done in restored:
                entry = done.model._default_manager.get(pk=done.pk)
                try:
                    entry.full_clean()
                except ValidationError as error:
                    raise RevertError(f"“{entry.title}” cannot be recovered: {error}") from error
                entry.save()
                note(entry, done.action)
                entries.append(entry)
            # As ``note_restored`` does for one, but noting each entry once: several
            # recovered entries may give back to the same page.
            episodes = {pk for done in restored for pk in done.also_written} - pks
            for episode in Episode.objects.filter(pk__in=episodes):
                episode.save()
                note(episode, Change.Action.RECOVER)
            given_back = {pk for done in restored for pk in done.given_back} - pks - episodes
            for entry in Entry.objects.filter(pk__in=given_back):
                note(entry, Change.Action.CHANGE)
    return entries


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
            # And an entry carrying two of the sources keeps one of them.
            TaggedEntry.objects.filter(pk__in=_second_taggings(moving)).delete()
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


def _second_taggings(taggings) -> list[int]:
    """The ids of ``taggings`` that another of them gives the same entry, so that one
    per entry stays: an open one before a spoiler, the earliest mark before later."""
    shared = taggings.values("content_object_id").annotate(rows=Count("pk")).filter(rows__gt=1)
    by_entry: dict[int, list[tuple]] = defaultdict(list)
    for pk, entry_id, revealed_in in taggings.filter(
        content_object_id__in=shared.values("content_object_id")
    ).values_list("pk", "content_object_id", "revealed_in"):
        by_entry[entry_id].append((revealed_in is not None, revealed_in or 0, pk))
    return [pk for rows in by_entry.values() for *_, pk in sorted(rows)[1:]]


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


def announce_bulk(
    ids: Iterable[int], *, before: tuple[set[int], set[int]] = (set(), set())
) -> None:
    """Announce a bulk write that bypassed ``recorded`` (the importer writes its history
    and search documents in bulk itself): the same signal, on commit. ``before``:
    what ``pages_showing`` gave for the updated entries before the write."""
    changed = set(ids)
    entries, tags = pages_showing(changed)
    _send(changed=changed, entries=entries | before[0], tags=tags | before[1])


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

    An entry's page shows

    - the entries joined to it by an inline row (the registry's two-sided
      inlines: credits, appearances, voice credits, relations, memberships, an
      episode's characters and staff), and
      through a character one step further: a series page lists its characters'
      voice actors, a person's page the series of the characters they voice;
    - a series its episodes, an episode its series and its neighbours; a studio
      its predecessor, parent, successors and subsidiaries;
    - its wiki links, blue or red by the names pages answer to: pages whose links
      name one of the entries show it (a red link once it is gone);
    - "what links here": the pages its body links to list it, and an episode's
      place there names its series (a series renamed moves its episodes too).

    Tag pages list their entries. About twenty queries per ``CHUNK_SIZE`` entries.
    The write path also calls it before an entry is saved (``_before_save``), so
    that the pages that showed what the write took away are among them too.
    """
    entries: set[int] = set()
    tags: set[int] = set()
    for chunk in batched(sorted(set(ids)), CHUNK_SIZE):
        chunk = set(chunk)
        entries |= chunk
        joined = _joined(chunk)
        entries |= joined
        characters = set(
            Character.objects.filter(pk__in=joined - chunk).values_list("pk", flat=True)
        )
        if characters:
            entries |= _joined(characters, inline_only=True)
        # The episodes of a series move with it (their addresses hold its slug).
        moved = chunk | set(
            Episode.objects.filter(series_id__in=chunk).values_list("pk", flat=True)
        )
        entries |= moved
        entries.update(
            WikiLink.objects.filter(target_key__in=_name_keys(chunk)).values_list(
                "source_id", flat=True
            )
        )
        entries |= _answering(
            set(WikiLink.objects.filter(source_id__in=moved).values_list("target_key", flat=True))
        )
        tags.update(
            TaggedEntry.objects.filter(content_object_id__in=chunk).values_list("tag_id", flat=True)
        )
    return entries, tags


def _joined(ids: set[int], *, inline_only: bool = False) -> set[int]:
    """The entries one step from ``ids``: by an inline row and (unless ``inline_only``)
    as a series and its episodes, or studios and their predecessor and parent."""
    found: set[int] = set()
    for model, fks in registry.entry_links():
        either = Q()
        for fk in fks:
            either |= Q(**{f"{fk}__in": ids})
        for pair in model._default_manager.filter(either).values_list(*fks):
            found.update(pair)
    if inline_only:
        return found
    series = set(Episode.objects.filter(pk__in=ids).values_list("series_id", flat=True))
    found |= series
    found.update(Episode.objects.filter(series_id__in=series | ids).values_list("pk", flat=True))
    for predecessor, parent in Studio.objects.filter(pk__in=ids).values_list(
        "predecessor_id", "parent_id"
    ):
        found.update((predecessor, parent))
    found.update(
        Studio.objects.filter(Q(predecessor_id__in=ids) | Q(parent_id__in=ids)).values_list(
            "pk", flat=True
        )
    )
    found.discard(None)
    return found


def _answering(keys: set[str]) -> set[int]:
    """The entries that answer to any of the name ``keys`` (by title, native title or
    alias, whatever the kind a link names)."""
    keys.discard("")
    if not keys:
        return set()
    found = set(
        Entry.objects.filter(Q(title_key__in=keys) | Q(native_key__in=keys)).values_list(
            "pk", flat=True
        )
    )
    found.update(Alias.objects.filter(name_key__in=keys).values_list("entry_id", flat=True))
    return found


def before_save(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` of every kind of entry: inside a write, note the pages that show the
    entry as it is before the save (the names, links, credits and neighbours the
    save may take away: a removed alias turns links red, a removed credit leaves
    the other side's list)."""
    write = _current.get()
    if write is None or raw or instance.pk is None or instance._state.adding:
        return
    if instance.pk in write.before:
        return
    write.before.add(instance.pk)
    entries, tags = pages_showing([instance.pk])
    write.entries |= entries
    write.tags |= tags


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
