"""The indexes of each kind of entry, as cards; the series index has filters.

An invalid series filter (``?year=abc``) is reported on the page and left out,
and a tag filter no series has gives an empty list that says so.
"""

from django.views.generic import ListView

from .. import selectors
from ..forms import SeriesFilterForm
from ..models import Character, Series, Staff, Studio
from ..text import clean_query
from .mixins import SectionMixin
from .pagination import LateRowPaginator, PaginatedMixin


class EntryListView(SectionMixin, PaginatedMixin, ListView):
    """A paginated index of one kind of entry, as cards."""

    template_name = "entries/entry_list.html"
    context_object_name = "entries"
    paginator_class = LateRowPaginator

    def get_queryset(self):
        # The primary key breaks ties between equal titles, so pages never overlap.
        return self.model.objects.for_cards().order_by("title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.model._meta.verbose_name_plural
        context["singular"] = self.model._meta.verbose_name
        return context


class SeriesListView(EntryListView):
    model = Series
    template_name = "entries/series_list.html"

    def get(self, request, *args, **kwargs):
        # Invalid fields are shown as errors and left out; the valid ones still filter.
        self.filter_form = SeriesFilterForm(clean_query(request.GET))
        self.filter_form.is_valid()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        series = Series.objects.for_list(**self.filter_form.filters())
        return series.order_by("title", "pk")

    def get_context_data(self, **kwargs):
        filters = self.filter_form.filters()
        tags = selectors.tags_of_kind(Series)
        selected_tag = next((tag for tag in tags if tag.slug == filters["tag"]), None)
        years = list(Series.objects.years())
        return super().get_context_data(
            filter_form=self.filter_form,
            filters=filters,
            tag_choices=tags,
            year_choices=years,
            # The drop-downs' (value, label) pairs (includes/filters/select.html).
            tag_options=[(tag.slug, f"{tag.name} ({tag.count})") for tag in tags],
            year_options=[(year, year) for year in years],
            selected_tag=selected_tag,
            unknown_tag=bool(filters["tag"]) and selected_tag is None,
            is_filtered=any(filters.values()),
            search_value=filters["query"],
            **kwargs,
        )


class CharacterListView(EntryListView):
    model = Character


class StaffListView(EntryListView):
    model = Staff


class StudioListView(EntryListView):
    model = Studio
