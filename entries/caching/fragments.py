"""Cached parts of entry pages, keyed by the versions of the entries they show.

The page cache keeps one generation for the whole site, so any write makes
every page cold. What an entry page shows of itself and of its neighbours
(its article: infobox, body with its link colours, lists of credits,
characters and episodes, what links here; and its share card and JSON-LD)
changes only when a write changes one of the entries ``entries_changed``
names for it. So each entry has a *version*, a random token in the ``pages``
cache (shared by every worker and app server), which the receiver replaces
for every entry the signal names (``services.pages_showing``: the entry, the
pages that show it, two steps away where a page shows a neighbour's
neighbour). A fragment is stored under the version read before its rows were
fetched, so a fragment rendered while a write commits is stored under the old
version and never read again, as with the page generation.

A write that names no entry (a restore from a backup, which replaces every
row) replaces the *epoch*, a token every version includes.

A version lost from the cache (evicted, or the cache emptied) is made anew
with a fresh random token: a fragment stored under the old one can never be
read again. ``FANDEX_FRAGMENT_CACHE=0`` turns fragments off.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.conf import settings

from . import generation

PREFIX = "fandex:entry-version:"
EPOCH_KEY = "fandex:fragment-epoch"


def _token() -> int:
    return secrets.randbits(62)


def _version_key(pk: int) -> str:
    return f"{PREFIX}{pk}"


def _read(keys: list[str]) -> list[int]:
    """The tokens under ``keys``, made where the cache has none."""
    store = generation.cache()
    found = store.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            # Another process may have made it meanwhile: keep theirs. A cache that
            # keeps nothing gives a new token each time: never a stale fragment.
            store.add(key, _token(), timeout=None)
            found[key] = store.get(key) or _token()
    return [int(found[key]) for key in keys]


def version(pk: int) -> str:
    """The entry's version now: its own token and the epoch of all fragments."""
    epoch, own = _read([EPOCH_KEY, _version_key(pk)])
    return f"{epoch}-{own}"


def bump(pks: Iterable[int]) -> None:
    """Give every entry of ``pks`` a new version (after a write has committed)."""
    pks = set(pks)
    if pks:
        generation.cache().set_many({_version_key(pk): _token() for pk in pks}, timeout=None)


def bump_all() -> None:
    """Every entry's fragments out at once (a restore from a backup replaces every row)."""
    generation.cache().set(EPOCH_KEY, _token(), timeout=None)


def enabled() -> bool:
    return settings.FANDEX_FRAGMENT_CACHE


class EntryFragments:
    """The cached fragments of one entry page, for the ``{% entry_fragment %}`` tag.

    ``fill`` fetches what the fragments show and gives it as template context
    (the fully fetched entry among it); it runs only when a fragment is missing,
    at most once a request. ``site`` (scheme and host) is part of the keys: the
    share card and JSON-LD hold absolute addresses.
    """

    # Rendered parts, and ``last_edit`` (a ``selectors.LastEdit``: data, since its
    # words, "3 hours ago", are rendered on each request).
    NAMES = ("meta", "article", "last_edit")

    def __init__(self, pk: int, site: str, fill: Callable[[], dict]):
        self.pk = pk
        self._fill = fill
        self._filled: dict | None = None
        # Read before any row is fetched for the fragments (see the module docstring).
        self.version = version(pk)
        self.keys = {name: f"fragment:{name}:{pk}:{self.version}:{site}" for name in self.NAMES}
        self.stored = generation.cache().get_many(list(self.keys.values()))

    def filled(self) -> dict:
        if self._filled is None:
            self._filled = self._fill()
        return self._filled

    def value(self, name: str, compute: Callable[[], object]):
        """The cached value ``name`` (picklable), else ``compute()`` and stored."""
        key = self.keys[name]
        if key in self.stored:
            return self.stored[key]
        value = compute()
        generation.cache().set(key, value, settings.FANDEX_PAGE_CACHE_TIMEOUT)
        return value

    def render(self, name: str, render: Callable[[dict], str]) -> str:
        """The fragment ``name``: from the cache, else ``render(context)`` and stored."""
        key = self.keys[name]
        html = self.stored.get(key)
        if html is None:
            html = str(render(self.filled()))
            generation.cache().set(key, html, settings.FANDEX_PAGE_CACHE_TIMEOUT)
        return html
