"""``{% picture %}``: a stored Picture as a responsive, lazy, layout-stable image."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def picture(pic, *, sizes: str = "100vw", alt: str = "", css_class: str = "", eager: bool = False):
    """A ``<picture>`` with WebP and JPEG/PNG ``srcset``s of the renditions made at upload.

    ``sizes`` tells the browser how wide the image will be shown, so it fetches
    the smallest rendition that is sharp enough; ``width``/``height`` give it
    the aspect ratio before the file arrives (no layout shift). Images below
    the fold load lazily; pass ``eager=True`` for the one a page opens with.
    Nothing here queries: ``pic`` comes with its entry (``select_related``).
    """
    if pic is None or not pic.renditions:
        return ""
    default = pic.default_rendition()
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
