"""``/seasons/<year>/<season>/``: a season's series as a chart, by format.

A season no series can have (``/seasons/1200/winter/``, ``/seasons/2024/monsoon/``)
is a 404; a season with no series yet is an empty chart that links to the
seasons either side.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.views.generic import TemplateView

from .. import selectors
from ..models import Series
from ..seasons import Season
from .mixins import SectionMixin


@dataclass
class FormatGroup:
    format: str
    label: str
    rows: list = field(default_factory=list)  # (series, studios: selectors.Roles)


class SeasonChartView(SectionMixin, TemplateView):
    template_name = "entries/season_chart.html"
    section = "series"

    def get_context_data(self, **kwargs):
        # The address's year and season become ``season``, not context of their own.
        season = Season.parse(kwargs["year"], kwargs["season"])
        if season is None:
            raise Http404("No series can air in that season.")
        groups = {
            value: FormatGroup(format=value, label=label) for value, label in Series.Format.choices
        }
        count = 0
        for series in Series.objects.for_chart(year=season.year, season=season.name):
            studios = selectors.roles_by(series.studio_roles.all(), "studio")
            groups[series.format].rows.append((series, studios))
            count += 1
        return super().get_context_data(
            season=season,
            groups=[group for group in groups.values() if group.rows],
            count=count,
            current=Season.current(),
        )
