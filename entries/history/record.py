"""Recording revisions: the django-reversion side of every write.

``revision`` opens (or joins) a revision by a user with an edit summary;
``add_entry`` puts one entry, all of it as ``registry`` declares, into the
current revision with a ``Change`` row saying what happened to it. Callers
use them through ``entries.services``, the one write path, which also
announces what changed.
"""

from contextlib import contextmanager

import reversion
from django.db.models.signals import pre_save

from ..models import Change, Entry


@contextmanager
def revision(*, user=None, summary: str = ""):
    """A revision around the block, by ``user`` with the edit ``summary``.

    Nested inside another (or inside an admin view's revision) it joins the outer one.
    """
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if summary:
            reversion.set_comment(summary)
        yield


def add_entry(entry: Entry, action: str, *, automated: bool = False) -> None:
    """Put ``entry`` (all of it) in the current revision and say what happened to it
    (``automated``: a program did it, not an editor).

    Call inside ``revision`` after the entry was saved, or before it is deleted.
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
        automated=automated,
    )


def add_copy(entry: Entry) -> None:
    """Put ``entry`` as it is now in the current revision, without a ``Change``: a
    deletion keeps there what it takes from other entries, for a recovery to give back."""
    reversion.add_to_revision(entry.specific)


def keep_version_counting() -> None:
    """Connect the handler that keeps ``Entry.version`` counting up through raw saves."""
    pre_save.connect(_keep_version_counting, sender=Entry, dispatch_uid="entries.version")


def _keep_version_counting(sender, instance, raw=False, **kwargs) -> None:
    # Reverting writes the old row back "raw", old version number included. A
    # form opened at that number would then look current: keep counting up.
    if not raw or instance.pk is None:
        return
    current = Entry.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
    if current is not None:
        instance.version = current + 1
