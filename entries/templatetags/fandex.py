"""Template fragments repeated across the public pages."""

from django import template

from entries.models import Entry, Episode, Series, Staff, Studio

register = template.Library()


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


@register.inclusion_tag("includes/entry_card.html")
def entry_card(entry: Entry, show_kind: bool = False):
    """A card: main image (if any), kind label (optional), title, native title, a
    fact line, summary and tags.

    ``entry`` must come from a ``for_cards()`` queryset (``Entry.objects`` or a
    kind's), which joins the ``image`` and brings the tags.
    """
    return {"entry": entry, "show_kind": show_kind, "meta": card_meta(entry)}
