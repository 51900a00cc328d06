"""``{% picture %}``: a stored Picture as a responsive, lazy, layout-stable image.

The tags only register and render; what goes into the ``<picture>`` (srcsets,
``sizes`` scaled for ``cover``, the fallback ``src``) is built by
``entries.pictures.responsive``, with the pictures.
"""

from django import template
from django.template.loader import render_to_string

from entries import pictures

register = template.Library()


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
    context = pictures.picture_context(
        pic, sizes=sizes, alt=alt, css_class=css_class, eager=eager, cover=cover
    )
    if context is None:
        return ""
    return render_to_string("includes/picture.html", context)


@register.filter
def largest_url(pic) -> str:
    """The address of ``pic``'s largest rendition (JPEG or PNG, which every browser
    opens): where a gallery thumbnail links to."""
    return pictures.largest_url(pic)


@register.simple_tag
def gallery_alt(item, entry, number: int) -> str:
    """A gallery picture's alt text: its caption, or "<entry title>, picture N"."""
    return item.caption or f"{entry.title}, picture {number}"
