"""The editors' workspace: one admin per kind of entry, and the tags.

The facts about relations (a studio's role, a person's credits, a
character's voice actors...) are edited as inlines on either side of the
relation. Every kind's admin records each save and delete as a revision
through ``entries.services``, checks edit conflicts, and handles pictures.
One module per concern, each mixed into the kinds' admins:

- ``forms``: slug checks, the edit summary, URL fields.
- ``inlines``: the relation inlines.
- ``pictures``: the main image's fields, the gallery inline, previews, storing uploads.
- ``history``: recording, the history list, revert and recover.
- ``conflicts``: the change form's edit-conflict check (``history.conflicts``).
- ``busy``: a save that cannot get the database (SQLite) gets its form back.
- ``kinds``: ``EntryAdmin`` and the admin of each kind; streaming platforms.
- ``tags``: tags and merging them.
- ``autocomplete``: the autocomplete's results, episodes named with their series.
"""

from ..history import register_models

# Before any VersionAdmin is built: it would otherwise register the models itself,
# with less to follow than a revision of an entry must hold.
register_models()

from . import kinds, tags  # noqa: E402  (registers the admins)

__all__ = ["kinds", "tags"]
