"""What a committed write means for the caches (connected in ``EntriesConfig.ready``)."""

from ..signals import entries_changed
from . import generation, purge


def pages_changed(sender, **kwargs) -> None:
    generation.bump()
    purge.ban()


def connect() -> None:
    entries_changed.connect(pages_changed, dispatch_uid="entries.caching.pages_changed")
