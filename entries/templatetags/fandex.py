"""Template fragments repeated across the public pages."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from entries.caching.kept import Kept
from entries.models import Entry, Episode, Series, Staff, Studio

from .picture_tags import picture_key

register = template.Library()

# Rendered cards by everything they are made of (``_card_key``), as ``{% picture %}``
# keeps its tags: the same key always renders the same HTML, so a card can never
# be stale, and an edit changes the key of the cards it changes. Rendering a card
# costs about 1 ms (a tag page shows 96).
_cards = Kept(size=4096)


def card_meta(entry: Entry) -> str:
    """The short line under a card's title, from fields the card's row already has."""
    # An Entry row from ``featured_first()`` carries its series row; others have none.
    series = entry if isinstance(entry, Series) else None
    if series is None and entry.kind == Entry.Kind.SERIES and Entry.as_series.is_cached(entry):
        series = entry.as_series
    if series is not None:
        parts = [series.get_format_display()]
        if series.year:
            parts.append(str(series.year))
        return " · ".join(parts)
    if isinstance(entry, Staff):
        return ", ".join(entry.occupation_list)
    if isinstance(entry, Studio):
        return f"Founded {entry.founded_year}" if entry.founded_year else ""
    if entry.kind == Entry.Kind.EPISODE:
        # An Entry row from ``with_urls()`` carries its episode and series.
        episode = entry if isinstance(entry, Episode) else entry.as_episode
        return f"{episode.series.title}, episode {episode.number}"
    return ""


def _card_key(entry: Entry, show_kind: bool, meta: str) -> tuple | None:
    """Every value ``includes/entry_card.html`` (and the includes it renders) reads,
    or None when the card is not to be kept (its picture's addresses can change).
    A value the template comes to show must be added here."""
    image = None
    if entry.image_id is not None:
        image = picture_key(entry.image)
        if image is None:
            return None
    tags = tuple((tag.name, tag.slug, not tag.revealed_in) for tag in entry.card_tags)
    return (
        entry.pk,
        entry.kind,
        tuple(entry.url_kwargs().items()),
        entry.title,
        entry.native_title,
        entry.summary,
        image,
        tags,
        meta,
        show_kind,
    )


@register.simple_tag
def entry_card(entry: Entry, show_kind: bool = False) -> SafeString:
    """A card: main image (if any), kind label (optional), title, native title, a
    fact line, summary and tags.

    ``entry`` must come from a ``for_cards()`` queryset (``Entry.objects`` or a
    kind's), which joins the ``image`` and brings the tags.
    """
    meta = card_meta(entry)
    context = {"entry": entry, "show_kind": show_kind, "meta": meta}
    return _cards.get_or_render(
        _card_key(entry, show_kind, meta),
        # A template's output.
        lambda: mark_safe(render_to_string("includes/entry_card.html", context)),  # noqa: S308
    )
