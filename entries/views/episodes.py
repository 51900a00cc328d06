"""``/series/<slug>/episodes/``: every episode of a series that has a page, and
which of the series' episodes (``Series.episode_count``) have none yet."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..models import Series
from ..slugs import SLUG_MAX_LENGTH
from .mixins import SectionMixin


def number_ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs: [3, 4, 5, 9] → [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


class EpisodeListView(SectionMixin, TemplateView):
    """Two queries: the series, its episodes with their stills."""

    template_name = "entries/episode_list.html"
    section = "series"

    def get_context_data(self, **kwargs):
        slug = kwargs["slug"]
        if len(slug) > SLUG_MAX_LENGTH:
            raise Http404("No page has such a long address.")
        series = get_object_or_404(Series.objects.select_related("image"), slug=slug)
        episodes = list(series.episodes.select_related("image").order_by("number"))
        with_pages = {episode.number for episode in episodes}
        # Only the numbers the series says it has; an episode_count of 32767 would be
        # 32767 numbers, so they are given as runs ("3–13"), not one by one.
        missing = [n for n in range(1, (series.episode_count or 0) + 1) if n not in with_pages]
        return super().get_context_data(
            series=series,
            episodes=episodes,
            missing=number_ranges(missing),
            missing_count=len(missing),
            **kwargs,
        )
