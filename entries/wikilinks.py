"""Wiki links: ``[[Rouge Redstar]]``, ``[[Bones|the studio]]``, ``[[studio:Bones]]``.

A markdown-it inline rule turns each link into an ``<a>`` to ``/wiki/<name>``
(the name resolver) carrying the normalized name in ``data-wikilink``, and
collects the targets so the caller can record them. Whether a target exists is
decided when the page is shown, not when it is saved, so creating, renaming or
deleting the target changes the link's colour without re-saving the pages that
link to it.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from django.urls import reverse
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

MAX_TARGET_LENGTH = 255
# "studio:Bones" narrows a link to one kind; the plurals are accepted too.
KIND_PREFIXES = {
    "series": "series",
    "character": "character",
    "characters": "character",
    "staff": "staff",
    "person": "staff",
    "studio": "studio",
    "studios": "studio",
    "episode": "episode",
    "episodes": "episode",
}
_WHITESPACE = re.compile(r"[\s_]+")


def normalize_name(name: str) -> str:
    """The display form of a page name: NFKC, underscores as spaces, single spaces."""
    name = unicodedata.normalize("NFKC", name).replace("\x00", "")
    return _WHITESPACE.sub(" ", name).strip()


def name_key(name: str) -> str:
    """What two names must share to be the same page name (case-insensitive)."""
    return normalize_name(name).casefold()


@dataclass(frozen=True)
class LinkTarget:
    kind: str  # "" when the link does not name a kind
    name: str  # normalized display form

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def path_name(self) -> str:
        """The ``/wiki/<name>`` part, MediaWiki style (spaces as underscores)."""
        name = self.name.replace(" ", "_")
        return f"{self.kind}:{name}" if self.kind else name

    @property
    def url(self) -> str:
        return reverse("entries:wiki", kwargs={"name": self.path_name})


def parse_target(text: str) -> LinkTarget | None:
    """The target of ``text`` (the part before ``|``), or None if it cannot be one."""
    kind = ""
    prefix, sep, rest = text.partition(":")
    if sep and prefix.strip().casefold() in KIND_PREFIXES:
        kind = KIND_PREFIXES[prefix.strip().casefold()]
        text = rest
    name = normalize_name(text)
    if not name or len(name) > MAX_TARGET_LENGTH or any(c in name for c in "[]{}|<>#"):
        return None
    return LinkTarget(kind=kind, name=name)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end == -1:
        return False
    inner = src[pos + 2 : end]
    # A newline or another "[[" inside means the brackets do not pair up: leave as text.
    if "\n" in inner or "[[" in inner:
        return False
    target_text, _, label = inner.partition("|")
    target = parse_target(target_text)
    if target is None:
        return False
    if not silent:
        label = normalize_name(label) or target.name
        token = state.push("wikilink", "a", 0)
        token.meta = {"target": target, "label": label}
        state.env.setdefault("wikilinks", []).append(target)
    state.pos = end + 2
    return True


def _render_wikilink(self, tokens, idx, options, env) -> str:
    from markdown_it.common.utils import escapeHtml

    meta = tokens[idx].meta
    target: LinkTarget = meta["target"]
    return (
        f'<a href="{escapeHtml(target.url)}" class="wikilink" '
        f'data-wikilink="{escapeHtml(target.kind)}:{escapeHtml(target.key)}">'
        f"{escapeHtml(meta['label'])}</a>"
    )


def wikilinks_plugin(md: MarkdownIt) -> None:
    # Before "link" so that "[[" is not read as the start of a Markdown link.
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)


# --- Link colours, decided when a page is shown ---------------------------------------------

# An opening <a> tag of stored, sanitized HTML. The serializer (nh3) double-quotes
# every attribute value and escapes '"' and '&' in it, but may leave a '>' in a
# value: quoted values are skipped whole.
_ANCHOR = re.compile(r'<a\s(?P<attributes>(?:[^>"]|"[^"]*")*)>')
_ATTRIBUTE = re.compile(r'([^\s="/>]+)(?:\s*=\s*"([^"]*)")?')


@dataclass(frozen=True)
class LinkStatus:
    """What a page knows about one of its links: whether a page answers to it now."""

    name: str  # display form, for the red link's title and the create form
    exists: bool


def link_key(value: str) -> tuple[str, str]:
    """``(kind, key)`` from a ``data-wikilink`` value (``"studio:bones"``, ``":bones"``)."""
    kind, _, key = value.partition(":")
    return kind, key


def mark_links(
    html: str,
    statuses: dict[tuple[str, str], LinkStatus],
    *,
    create_url: Callable[[str, str], str] | None = None,
) -> str:
    """``html`` with each wiki link to a missing page made a red link.

    Only the opening tags of ``a.wikilink`` anchors that ``_render_wikilink``
    made are touched: such a link whose ``(kind, key)`` has a status that says
    the page does not exist gets the class ``wikilink new`` and a "page does
    not exist" title, and, when ``create_url(kind, name)`` gives one, that
    address instead of its ``/wiki/`` one (an editor's way to create the page).
    A link with no status (not recorded) is left as it is. Everything written is
    escaped; the rest of ``html`` (already sanitized) is returned unchanged.
    """
    if "data-wikilink" not in html:
        return html

    def mark(match: re.Match) -> str:
        tag = match.group(0)
        if "data-wikilink" not in tag:
            return tag
        found = _ATTRIBUTE.findall(match["attributes"])
        attributes = {name.lower(): value for name, value in found}
        if attributes.get("class") != "wikilink" or "data-wikilink" not in attributes:
            return tag
        kind, key = link_key(unescape(attributes["data-wikilink"]))
        status = statuses.get((kind, key))
        if status is None or status.exists:
            return tag
        attributes["class"] = "wikilink new"
        attributes["title"] = escape(f"{status.name} (page does not exist)")
        href = create_url(kind, status.name) if create_url else ""
        if href:
            attributes["href"] = escape(href)
        return "<a " + " ".join(f'{name}="{value}"' for name, value in attributes.items()) + ">"

    return _ANCHOR.sub(mark, html)
