"""Revision history with django-reversion: what a revision holds, and how edits are recorded.

A revision of an entry holds the whole page: the entry's own row and its
kind's row, its aliases, its tags (the ``TaggedEntry`` rows and the tags
themselves, so a tag deleted since comes back on revert), its gallery rows and
its inline rows (credits, appearances, voice actors, episodes, relations,
streaming). Each revision also gets one ``Change`` row per entry it is about,
which recent changes and the public history read.

Pictures themselves are not versioned: a ``Picture`` never changes once
stored, so the entry's ``image`` and each gallery row's ``picture`` (ids in
the revision) are enough to show them again. What keeps those pictures
around is ``prune_pictures``, which never deletes one a revision names.

Use ``recorded(...)`` around any write that should show in the history, and
``note(...)`` for each entry the write was about.
"""

from contextlib import contextmanager

import reversion
from django.db.models.signals import pre_save

from .models import (
    Alias,
    Appearance,
    Change,
    Character,
    Entry,
    Episode,
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

# What the Entry row of every kind's revision follows: its own rows. (The bangumi
# importer writes revisions itself and must hold the same rows.)
ENTRY_FOLLOW = ("aliases", "tagged_items", "gallery")

# What each kind's revision follows, beyond the parent Entry row (entry_ptr).
FOLLOW = {
    Series: (
        "studio_roles",
        "staff_credits",
        "appearances",
        "episodes",
        "relations_from",
        "streaming",
    ),
    Character: ("appearances", "voice_credits"),
    Staff: ("credits", "voice_roles", "memberships"),
    Studio: ("series_roles", "members"),
    Episode: (),
}


def register_models() -> None:
    """Register every versioned model once (called from ``EntriesConfig.ready``)."""
    if reversion.is_registered(Entry):
        return
    reversion.register(Entry, follow=ENTRY_FOLLOW)
    for model, follow in FOLLOW.items():
        reversion.register(model, follow=("entry_ptr", *follow))
    reversion.register(TaggedEntry, follow=("tag",))
    for model in (
        Alias,
        GalleryImage,
        Tag,
        SeriesStudio,
        StaffCredit,
        Appearance,
        VoiceCredit,
        SeriesRelation,
        StudioMember,
        Streaming,
    ):
        reversion.register(model)
    # Reverting writes the old row back "raw", old version number included. A
    # form opened at that number would then look current: keep counting up.
    pre_save.connect(_keep_version_counting, sender=Entry, dispatch_uid="entries.version")


def _keep_version_counting(sender, instance, raw=False, **kwargs) -> None:
    if not raw or instance.pk is None:
        return
    current = Entry.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current is not None:
        instance.version = current + 1


@contextmanager
def recorded(*, user=None, summary: str = ""):
    """A revision around the block, by ``user`` with the edit ``summary``.

    Nested inside another ``recorded`` (or an admin view's revision) it joins
    the outer revision.
    """
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if summary:
            reversion.set_comment(summary)
        yield


def note(entry: Entry, action: str) -> None:
    """Put ``entry`` (all of it) in the current revision and say what happened to it.

    Call inside ``recorded`` after the entry was saved, or before it is deleted.
    """
    specific = entry.specific
    reversion.add_to_revision(specific)
    deleted = action == Change.Action.DELETE
    reversion.add_meta(
        Change,
        # A deleted entry's row is gone when the revision is written.
        entry=None if deleted else entry,
        entry_pk=entry.pk,
        kind=entry.kind,
        title=entry.title,
        action=action,
        version=0 if deleted else entry.version,
    )
