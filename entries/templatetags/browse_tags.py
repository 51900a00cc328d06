"""Links into the browsing pages from anywhere: ``{% current_season as season %}``
gives the season airing now (``entries.seasons.Season``), whose chart is at
``season.get_absolute_url``. No query."""

from django import template

from entries.seasons import Season

register = template.Library()


@register.simple_tag
def current_season() -> Season:
    return Season.current()
