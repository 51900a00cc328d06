"""Markdown to safe HTML.

Bodies are rendered once, when an entry is saved, and the HTML is stored in
``Entry.body_html``. Raw HTML in the source is not passed through by the
Markdown parser, and the output is sanitized by nh3 (ammonia) anyway, so
neither a ``<script>``, an event-handler attribute nor a ``javascript:`` URL can
reach a reader.

A spoiler passage (``entries.spoilers``) is a fenced block naming the episode
that reveals it::

    :::spoiler 9
    Rouge learns who she really is. See [[Naomi Orthmann]].
    :::

It becomes a closed ``<details class="spoiler" data-revealed-in="9">`` whose
``<summary>`` says "Revealed in episode 9: show"; the page's series (the
``data-series`` of the page around it) and ``static/js/spoilers.js`` decide
whether the reader sees it open. Wiki links inside are recorded like any other,
with a note when every mention of a name is inside a passage
(``Rendered.hidden``): lists that cannot hide a name (wanted pages, "what
links here") leave those links out. An opening line without a valid number
still hides its passage ("Spoiler: show", for every reader), and
``Entry.clean`` tells the editor.
"""

from dataclasses import dataclass
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.container import container_plugin

from .spoilers import SPOILER_OPENING, episode_of
from .wikilinks import LinkTarget, wikilinks_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # data-wikilink carries a wiki link's normalized target (see wikilinks.py).
    "a": {"href", "title", "data-wikilink"},
    "abbr": {"title"},
    # Spoiler passages (_render_spoiler): the episode that reveals one.
    "details": {"data-revealed-in"},
    "td": {"style"},
    "th": {"style"},
}
ALLOWED_CLASSES = {
    "a": {"wikilink"},
    "details": {"spoiler"},
    "summary": {"spoiler__summary"},
    "span": {"spoiler__label", "spoiler__show", "spoiler__hide"},
    "div": {"spoiler__body"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Tables use inline ``text-align``; nothing else may be styled from a body.
ALLOWED_STYLE_PROPERTIES = {"text-align"}


def _demote_heading(self, tokens, idx, options, env):
    # The page title is the only <h1>; a body's "# Heading" becomes an <h2>.
    token = tokens[idx]
    token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return self.renderToken(tokens, idx, options, env)


def spoiler_summary(revealed_in: int | None) -> str:
    """The ``<summary>`` of a closed spoiler (passage or marked row), as HTML.

    Kept identical to ``templates/includes/spoiler_summary.html``.
    """
    label = f"Revealed in episode {revealed_in}" if revealed_in else "Spoiler"
    return (
        f'<summary class="spoiler__summary"><span class="spoiler__label">{escapeHtml(label)}'
        '</span>: <span class="spoiler__show">show</span><span class="spoiler__hide">hide'
        "</span></summary>"
    )


def _is_spoiler(params: str, *args) -> bool:
    return params.strip().split(" ", 1)[0].casefold() == "spoiler"


def _render_spoiler(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</div></details>\n"
    match = SPOILER_OPENING.match(f":::{token.info}")
    number = episode_of(match["rest"]) if match else None
    revealed = f' data-revealed-in="{number}"' if number else ""
    return (
        f'<details class="spoiler"{revealed}>{spoiler_summary(number)}<div class="spoiler__body">\n'
    )


@cache
def _parser() -> MarkdownIt:
    # "html": False makes the parser escape raw HTML instead of passing it on.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["table", "strikethrough"])
    md.use(wikilinks_plugin)
    md.use(container_plugin, name="spoiler", validate=_is_spoiler, render=_render_spoiler)
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
    # The (kind, key) of links every mention of which is inside a spoiler passage.
    hidden: frozenset[tuple[str, str]] = frozenset()


def _hidden_links(tokens) -> frozenset[tuple[str, str]]:
    """The links of ``tokens`` (a parse) that appear only inside spoiler passages."""
    depth = 0
    inside, outside = set(), set()
    for token in tokens:
        if token.type == "container_spoiler_open":
            depth += 1
        elif token.type == "container_spoiler_close":
            depth -= 1
        for child in token.children or ():
            if child.type == "wikilink":
                target = child.meta["target"]
                (inside if depth else outside).add((target.kind, target.key))
    return frozenset(inside - outside)


def render(source: str) -> Rendered:
    """Sanitized HTML for a Markdown ``source``, and the wiki links it makes."""
    if not source.strip():
        return Rendered(html="", links=[])
    env: dict = {}
    parser = _parser()
    tokens = parser.parse(source, env)
    html = sanitize(parser.renderer.render(tokens, parser.options, env))
    return Rendered(html=html, links=env.get("wikilinks", []), hidden=_hidden_links(tokens))
