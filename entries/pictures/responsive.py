"""What a page needs to show a stored picture responsively: the ``srcset``s of its
renditions, a ``sizes`` fitted to how it is drawn, and a ``src`` for the rest.

``sizes`` tells the browser how wide the image is shown, so that it fetches the
smallest rendition sharp enough for the screen. When the image fills a box of
another shape and is cropped (``object-fit: cover``), the browser needs more:
a landscape picture in a square box is drawn wider than the box. ``cover`` is
that box's height over its width (``1`` for a square avatar, ``0.75`` for a
4:3 gallery tile); every length in ``sizes`` is then scaled by how much wider
than the box this picture is drawn, per picture, so a landscape key visual in
a portrait card slot is still sharp and a portrait one is not fetched larger
than it needs to be.

The ``{% picture %}`` tag (``entries/templatetags/picture_tags.py``) renders
``picture_context`` with ``includes/picture.html``. Nothing here queries.
"""

from __future__ import annotations


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


def picture_context(
    pic, *, sizes: str, alt: str, css_class: str, eager: bool, cover: float | None
) -> dict | None:
    """The context of ``includes/picture.html`` for ``pic``, or None when there is
    nothing to show (no picture, or one without renditions)."""
    if pic is None or not pic.renditions:
        return None
    default = pic.default_rendition()
    if cover:
        sizes = scaled_sizes(sizes, cover_factor(pic, float(cover)))
    return {
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
    }


def largest_url(pic) -> str:
    """The address of ``pic``'s largest rendition (JPEG or PNG, which every browser
    opens), or "" when there is none."""
    if pic is None or not pic.renditions:
        return ""
    return pic.url(pic.renditions[-1]["fallback"])
