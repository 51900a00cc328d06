"""The history of entries: what a revision holds, recording, restoring, comparing.

Every edit of an entry is a django-reversion revision holding the whole page,
with one ``Change`` row per entry it is about (recent changes and the public
history read those). The package, from the bottom up:

- ``registry``: what a revision of each kind holds (fields, own rows, inlines),
  declared once; registration with reversion; reading a stored revision.
- ``record``: the reversion side of a write (a revision, an entry into it).
  Writes themselves go through ``entries.services``.
- ``restore``: writing back what a revision holds of one entry (revert, recover).
- ``compare``: an entry as a revision holds it, in words; diffs for the history pages.
- ``conflicts``: the edit-conflict check of the admin's change forms.
- ``bulk``: versions and changes written in bulk, for the importer.
"""

from .compare import (
    Comparison,
    Names,
    References,
    RevisionDiff,
    Snapshot,
    body_diff,
    changes_of,
    compare,
    load_names,
    picture_name,
    references,
    revision_diff,
    snapshot,
)
from .registry import INLINES, OWN_ROWS, Inline, RevisionData, follow, register_models
from .restore import Restored, restore, restore_comment

__all__ = [
    "INLINES",
    "OWN_ROWS",
    "Comparison",
    "Inline",
    "Names",
    "References",
    "Restored",
    "RevisionData",
    "RevisionDiff",
    "Snapshot",
    "body_diff",
    "changes_of",
    "compare",
    "follow",
    "load_names",
    "picture_name",
    "references",
    "register_models",
    "restore",
    "restore_comment",
    "revision_diff",
    "snapshot",
]
