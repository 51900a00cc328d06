"""The signal every write of an entry ends with.

``entries_changed`` is sent once per write, after its transaction commits
(never for a write that was rolled back), by ``entries.services``, the one
write path. Its arguments:

- ``changed``: ids of the entries written (saved, created, deleted, reverted,
  recovered, retagged, imported);
- ``entries``: ids of every entry whose page shows something that changed:
  the changed entries, the entries their pages show and that show them
  (a series and its studios, staff, characters, episodes and related series;
  a character and its voice actors...), those two steps away through a
  character (a series page lists its characters' voice actors), the pages whose
  wiki links lead to them by any of their names, so a red link that turns blue
  is among them, and the pages their links lead to ("what links here"); as
  they are after the write and as they were before it;
- ``tags``: ids of the tags whose pages list a changed entry, or that changed.

A signal naming nothing at all (a restore from a backup) means everything may
have changed. Receivers (the page cache, the fragments of entry pages) must not
write entries: the write is over.
"""

from django.dispatch import Signal

entries_changed = Signal()
