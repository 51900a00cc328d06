"""Slugs that work for any title, Japanese-only ones included.

Japanese text is romanised with pykakasi (Hepburn), everything else is
transliterated to ASCII with Unidecode, then Django's ``slugify`` makes the
result URL-safe. A title that still yields nothing (emoji, punctuation) falls
back to a short stable hash, so a slug can never come out empty.
"""

import hashlib
import re
import unicodedata
from functools import cache

from django.utils.text import slugify as django_slugify
from unidecode import unidecode

SLUG_MAX_LENGTH = 200
_JAPANESE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


@cache
def _kakasi():
    # Loading the dictionaries takes about half a second: do it once, on first use.
    import pykakasi

    return pykakasi.kakasi()


def romanize(text: str) -> str:
    """ASCII rendering of ``text``: Hepburn for kana and kanji, Unidecode for the rest."""
    text = unicodedata.normalize("NFKC", text)
    if _JAPANESE.search(text):
        parts = []
        for item in _kakasi().convert(text):
            # pykakasi leaves characters it does not know (Chinese-only hanzi) as they are.
            parts.append(item["hepburn"] or item["orig"])
        text = " ".join(parts)
    return unidecode(text)


def slugify_title(title: str) -> str:
    """A non-empty ASCII slug for ``title`` (not yet made unique)."""
    slug = django_slugify(romanize(title))[:SLUG_MAX_LENGTH].strip("-")
    if not slug:
        digest = hashlib.blake2s(title.encode("utf-8"), digest_size=4).hexdigest()
        slug = f"page-{digest}"
    return slug


def unique_slug(base: str, taken) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever ``taken(slug)`` says is free."""
    candidate = base
    suffix = 2
    while taken(candidate):
        tail = f"-{suffix}"
        candidate = f"{base[: SLUG_MAX_LENGTH - len(tail)]}{tail}"
        suffix += 1
    return candidate
