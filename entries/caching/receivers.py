"""What a committed write means for the caches (connected in ``EntriesConfig.ready``)."""

from ..signals import entries_changed
from . import fragments, generation, purge


def pages_changed(sender, changed=frozenset(), entries=frozenset(), tags=frozenset(), **kwargs):
    if entries:
        fragments.bump(entries)
    elif not (changed or tags):
        # Nothing named: everything may have changed (a restore from a backup).
        fragments.bump_all()
    generation.bump()
    purge.ban()


def connect() -> None:
    entries_changed.connect(pages_changed, dispatch_uid="entries.caching.pages_changed")
