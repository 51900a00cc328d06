"""The ``<head>`` lines for search engines and link previews; what they say is
built by ``entries.seo`` from what the page already has (no query).

- ``{% canonical_link %}``: every page's ``<link rel="canonical">`` (``base.html``);
- ``{% entry_meta entry %}``: an entry page's canonical link, Open Graph and
  Twitter card tags and schema.org JSON-LD (``entries/entry_detail.html``).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from entries import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_link(context, keep: str = "", paginated: bool = True, path: str = ""):
    """The page's canonical link: its path (or ``path``), the query parameters named
    in ``keep`` (comma-separated) and, on a list past its first page, ``?page=``.
    A filtered list passes ``paginated=False``: it stands for its index's first page."""
    request = context.get("request")
    if request is None:
        return ""
    page_obj = context.get("page_obj") if paginated else None
    url = seo.canonical_url(
        request,
        path=path,
        keep=[name for name in keep.split(",") if name],
        page=page_obj.number if page_obj else 1,
    )
    return format_html('<link rel="canonical" href="{}">', url)


@register.inclusion_tag("includes/entry_meta.html", takes_context=True)
def entry_meta(context, entry):
    absolute = context["request"].build_absolute_uri
    return {
        "canonical": absolute(entry.get_absolute_url()),
        "card": seo.share_card(entry, absolute),
        # Escaped for a <script> element by ``script_json``: safe to print as it is.
        "json_ld": mark_safe(seo.script_json(seo.structured_data(entry, absolute))),
    }
