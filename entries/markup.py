"""Markdown to safe HTML.

Bodies are rendered once, when an entry is saved, and the HTML is stored in
``Entry.body_html``. Raw HTML in the source is not passed through by the
Markdown parser, and the output is sanitized by nh3 (ammonia) anyway, so
neither a ``<script>``, an event-handler attribute nor a ``javascript:`` URL can
reach a reader.
"""

from dataclasses import dataclass
from functools import cache

import nh3
from markdown_it import MarkdownIt

from .wikilinks import LinkTarget, wikilinks_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # data-wikilink carries a wiki link's normalized target (see wikilinks.py).
    "a": {"href", "title", "data-wikilink"},
    "abbr": {"title"},
    "td": {"style"},
    "th": {"style"},
}
ALLOWED_CLASSES = {"a": {"wikilink"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Tables use inline ``text-align``; nothing else may be styled from a body.
ALLOWED_STYLE_PROPERTIES = {"text-align"}


def _demote_heading(self, tokens, idx, options, env):
    # The page title is the only <h1>; a body's "# Heading" becomes an <h2>.
    token = tokens[idx]
    token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return self.renderToken(tokens, idx, options, env)


@cache
def _parser() -> MarkdownIt:
    # "html": False makes the parser escape raw HTML instead of passing it on.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["table", "strikethrough"])
    md.use(wikilinks_plugin)
    md.add_render_rule("heading_open", _demote_heading)
    md.add_render_rule("heading_close", _demote_heading)
    return md


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class Rendered:
    html: str
    links: list[LinkTarget]


def render(source: str) -> Rendered:
    """Sanitized HTML for a Markdown ``source``, and the wiki links it makes."""
    if not source.strip():
        return Rendered(html="", links=[])
    env: dict = {}
    html = sanitize(_parser().render(source, env))
    return Rendered(html=html, links=env.get("wikilinks", []))
