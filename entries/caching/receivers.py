"""What a committed write means for the caches (connected in ``EntriesConfig.ready``)."""

from ..signals import entries_changed
from . import fragments, generation, purge


def pages_changed(sender, entries=frozenset(), **kwargs) -> None:
    fragments.bump(entries)
    generation.bump()
    purge.ban()


def connect() -> None:
    entries_changed.connect(pages_changed, dispatch_uid="entries.caching.pages_changed")
