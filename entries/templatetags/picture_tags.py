"""``{% picture %}``: a stored Picture as a responsive, lazy, layout-stable image.

``sizes`` tells the browser how wide the image is shown, so that it fetches the
smallest rendition sharp enough for the screen. When the image fills a box of
another shape and is cropped (``object-fit: cover``), the browser needs more:
a landscape picture in a square box is drawn wider than the box. ``cover`` is
that box's height over its width (``1`` for a square avatar, ``0.75`` for a
4:3 gallery tile); the tag then scales every length in ``sizes`` by how much
wider than the box this picture is drawn, per picture, so a landscape key
visual in a portrait card slot is still sharp and a portrait one is not
fetched larger than it needs to be.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()


def cover_factor(pic, box_ratio: float) -> float:
    """How many times wider than its box ``pic`` is drawn when it covers a box whose
    height is ``box_ratio`` times its width (1 when it is no wider than the box)."""
    return max(1.0, box_ratio * pic.width / pic.height)


def scaled_sizes(sizes: str, factor: float) -> str:
    """``sizes`` with the length of each entry multiplied by ``factor``.

    Each entry is an optional media condition in parentheses and a length:
    ``"(min-width: 56rem) 12rem, 50vw"`` times 1.5 gives
    ``"(min-width: 56rem) calc(12rem * 1.5), calc(50vw * 1.5)"``.
    """
    if factor <= 1:
        return sizes
    scaled = []
    for entry in sizes.split(","):
        entry = entry.strip()
        condition, length = "", entry
        if entry.startswith("("):
            # The condition ends where its parentheses balance.
            depth = 0
            for index, char in enumerate(entry):
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth == 0:
                    condition, length = entry[: index + 1], entry[index + 1 :].strip()
                    break
        scaled_length = f"calc({length} * {factor:.2f})"
        scaled.append(f"{condition} {scaled_length}" if condition else scaled_length)
    return ", ".join(scaled)


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
    a page opens with, such as the infobox's). ``cover``: see the module
    docstring. Nothing here queries: ``pic`` comes with its entry
    (``select_related``) or its gallery row (``with_gallery``).
    """
    if pic is None or not pic.renditions:
        return ""
    default = pic.default_rendition()
    if cover:
        sizes = scaled_sizes(sizes, cover_factor(pic, float(cover)))
    return render_to_string(
        "includes/picture.html",
        {
            "pic": pic,
            "webp_srcset": pic.srcset("webp"),
            "fallback_srcset": pic.srcset("fallback"),
            "src": pic.url(default["fallback"]),
            "width": default["width"],
            "height": default["height"],
            "sizes": sizes,
            "alt": alt,
            "css_class": css_class,
            "eager": eager,
        },
    )


@register.filter
def largest_url(pic) -> str:
    """The address of ``pic``'s largest rendition (JPEG or PNG, which every browser
    opens): where a gallery thumbnail links to."""
    if pic is None or not pic.renditions:
        return ""
    return pic.url(pic.renditions[-1]["fallback"])


@register.simple_tag
def gallery_alt(item, entry, number: int) -> str:
    """A gallery picture's alt text: its caption, or "<entry title>, picture N"."""
    return item.caption or f"{entry.title}, picture {number}"
