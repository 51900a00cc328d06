"""The site's generation: one value that every write moves on.

A cached page is keyed by the generation it was rendered under, read before
rendering: a page rendered while a write commits is stored under the old
generation and never served again. One value for the whole site, rather than
one per page, because a write changes lists (home, indexes, recent changes,
search, feeds) as well as pages, and cannot leave any of them stale; re-rendering
the pages that did not change costs one render each, once.
"""

import time

from django.core.cache import caches

CACHE = "pages"
KEY = "fandex:generation"


def cache():
    return caches[CACHE]


def current() -> int:
    """The generation now: nanoseconds since the epoch of the last write (or of the
    first request after the cache was emptied)."""
    store = cache()
    value = store.get(KEY)
    if value is None:
        value = time.time_ns()
        # Another process may have set it meanwhile: keep theirs.
        if not store.add(KEY, value, timeout=None):
            value = store.get(KEY, value)
    return int(value)


def bump() -> int:
    """Move the generation on (after a write has committed)."""
    value = max(time.time_ns(), current() + 1)
    cache().set(KEY, value, timeout=None)
    return value
