"""``{% picture %}``: a stored Picture as a responsive, lazy, layout-stable image.

The tags only register and render; what goes into the ``<picture>`` (srcsets,
``sizes`` scaled for ``cover``, the fallback ``src``) is built by
``entries.pictures.responsive``, with the pictures.
"""

import json

from django import template
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string

from entries import pictures
from entries.caching.kept import Kept

register = template.Library()

# Rendered tags by everything they are made of. A Picture never changes once
# stored (a new upload is a new Picture), and a file system storage's addresses
# are its base URL and the names, so the same key always renders the same HTML:
# a page can never show a stale one. Storages whose addresses can change (signed,
# expiring URLs) are rendered every time.
_rendered = Kept(size=4096)


def picture_key(pic) -> tuple | None:
    """Everything ``{% picture %}`` renders ``pic`` from (its options aside), or None
    where its addresses can change (a storage other than the file system)."""
    storage = pic.file.storage
    if not isinstance(storage, FileSystemStorage):
        return None
    renditions = json.dumps(pic.renditions, sort_keys=True)
    return (storage.base_url, pic.file.name, pic.width, pic.height, renditions)


def _key(pic, options: tuple) -> tuple | None:
    key = picture_key(pic)
    return None if key is None else (*key, options)


@register.simple_tag
def picture(
    pic,
    *,
    sizes: str = "100vw",
    alt: str = "",
    css_class: str = "",
    eager: bool = False,
    cover: float | None = None,
):
    """A ``<picture>`` with WebP and JPEG/PNG ``srcset``s of the renditions made at upload.

    ``width``/``height`` give the browser the aspect ratio before the file
    arrives (no layout shift). Images load lazily unless ``eager=True`` (the one
    a page opens with, such as the infobox's). ``cover``: the height over the
    width of a box the image fills and is cropped to (see
    ``entries.pictures.responsive``). Nothing here queries: ``pic`` comes with
    its entry (``select_related``) or its gallery row (``with_gallery``).
    """
    if pic is None:
        return ""

    def render() -> str:
        context = pictures.picture_context(
            pic, sizes=sizes, alt=alt, css_class=css_class, eager=eager, cover=cover
        )
        return "" if context is None else render_to_string("includes/picture.html", context)

    return _rendered.get_or_render(_key(pic, (sizes, alt, css_class, eager, cover)), render)


@register.filter
def largest_url(pic) -> str:
    """The address of ``pic``'s largest rendition (JPEG or PNG, which every browser
    opens): where a gallery thumbnail links to."""
    return pictures.largest_url(pic)


@register.simple_tag
def gallery_alt(item, entry, number: int) -> str:
    """A gallery picture's alt text: its caption, or "<entry title>, picture N"."""
    return item.caption or f"{entry.title}, picture {number}"
