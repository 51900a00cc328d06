"""The index of each kind of entry, as cards, with filters, counts per filter
value and sort orders (``entries.filters`` does the filtering; the views only
page and word it).

Bad input is said on the page, never a 500: an invalid filter (``?year=abc``,
``?format=cartoon``) is reported and left out while the others still apply, a
tag no entry has gives an empty list that says so, and a page that is not a page
of the list (``?page=-1``, ``?page=abc``, past the end) is a 404 that says which
pages the list has and links to its first and last one, filters kept.

Deep pages: a list can be paged through its first ``MAX_INDEX_PAGES`` pages in
each sort order, no further (a cap, not a keyset; see ``CappedPaginator``).
"""

from django.core.paginator import InvalidPage
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.generic import ListView

from ..filters import IndexQuery
from ..models import Character, Series, Staff, Studio
from ..seasons import Season
from ..text import clean_query
from .mixins import SECTIONS, SectionMixin
from .pagination import LateRowPaginator, PaginatedMixin

# How deep an index can be paged in one sort order (24 a page: 4,800 entries, so every
# one of the 8,800 imported series is reachable by title, A to Z or Z to A).
MAX_INDEX_PAGES = 200


class CappedPaginator(LateRowPaginator):
    """A paginator that offers at most ``MAX_INDEX_PAGES`` pages.

    Why a cap rather than keyset pagination: the fetch of page N skips N × 24
    narrow (sort key, id) pairs by an index walk (``late_rows``), which is linear in
    N; capping N bounds that walk (4,800 pairs, under a millisecond) in every sort
    order and for every filter, keeps the page-number addresses (and their
    canonical links) that keysets would replace with cursors, and costs nothing
    to combine with facets. A reader past the cap is sent to what finds an entry
    faster anyway: the filters, the reversed sort order, the name search.
    """

    max_pages = MAX_INDEX_PAGES

    @cached_property
    def all_pages(self) -> int:
        return LateRowPaginator.num_pages.func(self)

    @cached_property
    def num_pages(self):
        return min(self.all_pages, self.max_pages)

    @property
    def capped(self) -> bool:
        """Whether the list has more entries than its pages show."""
        return self.all_pages > self.max_pages


class PageNotInList(Exception):
    def __init__(self, paginator):
        self.paginator = paginator


class EntryListView(SectionMixin, PaginatedMixin, ListView):
    """A paginated, filtered index of one kind of entry, as cards."""

    template_name = "entries/entry_list.html"
    context_object_name = "entries"
    paginator_class = CappedPaginator

    def get(self, request, *args, **kwargs):
        self.index = IndexQuery.from_params(self.model, clean_query(request.GET))
        try:
            return super().get(request, *args, **kwargs)
        except PageNotInList as missing:
            return render(
                request,
                "entries/index_no_page.html",
                {
                    "heading": self.model._meta.verbose_name_plural,
                    "paginator": missing.paginator,
                    "section": SECTIONS.get(self.model.KIND, ""),
                },
                status=404,
            )

    def get_queryset(self):
        # What a card shows; which entries, the paginator's ids say.
        return self.index.cards()

    def get_paginator(self, queryset, per_page, **kwargs):
        # The matching ids of a page and their count, by the index's narrower queries.
        return self.paginator_class(
            queryset, per_page, ids=self.index.page_ids(), count=self.index.count, **kwargs
        )

    def paginate_queryset(self, queryset, page_size):
        # Django's own raises a bare 404; this one says which pages there are.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get(self.page_kwarg) or "1"
        if raw == "last":
            number = paginator.num_pages
        else:
            try:
                number = int(raw)
            except ValueError:
                raise PageNotInList(paginator) from None
        try:
            page = paginator.page(number)
        except InvalidPage:  # below 1, past the end (or past MAX_INDEX_PAGES)
            raise PageNotInList(paginator) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        index = self.index
        facets = index.facets()
        context = super().get_context_data(
            heading=self.model._meta.verbose_name_plural,
            singular=self.model._meta.verbose_name,
            filter_form=index.form,
            filters=index.values,
            facets=facets,
            field_facets=[facet for facet in facets if facet.name != "tag"],
            tag_facet=next(facet for facet in facets if facet.name == "tag"),
            selected_tags=self._selected_tags(facets),
            sort=index.sort,
            sort_choices=self._sort_choices(),
            unknown_tags=index.unknown_tags,
            problems=self._problems(),
            is_filtered=index.is_filtered,
            search_value=index.values["q"],
            **kwargs,
        )
        return context

    def _problems(self) -> list[str]:
        """What went wrong beyond the form's errors, worded for the page."""
        index, singular = self.index, self.model._meta.verbose_name
        problems = []
        if index.name_search_stopped:
            problems.append("Looking for that name took too long: try a longer or more exact name.")
        others = index.values["q"] or any(
            index.values[name] is not None for name in index.form.field_filters
        )
        for slug in index.unknown_tags:
            if others:
                problems.append(f"No {singular} matching the other filters has the tag “{slug}”.")
            else:
                problems.append(f"No {singular} has the tag “{slug}”.")
        return problems

    def _sort_choices(self) -> list[tuple[str, str]]:
        choices = self.index.form.fields["sort"].choices
        # "Best match" only when there is a name to match.
        return [
            (value, label) for value, label in choices if value != "match" or self.index.values["q"]
        ]

    def _selected_tags(self, facets) -> list[dict]:
        """Each selected tag with its name (its slug when no entry has it) and the
        query string without it, for its "remove" link."""
        tags = next(facet for facet in facets if facet.name == "tag")
        names = {option.value: option.label for option in tags.options}
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        selected = []
        for slug in self.index.values["tag"]:
            without = params.copy()
            without.setlist("tag", [tag for tag in params.getlist("tag") if tag.lower() != slug])
            selected.append(
                {
                    "slug": slug,
                    "name": names.get(slug, slug),
                    # A slug no entry has may not even be one (``?tag=a/b``): no link.
                    "known": slug in names,
                    "remove": without.urlencode(),
                }
            )
        return selected


class SeriesListView(EntryListView):
    model = Series
    template_name = "entries/series_list.html"

    def get_context_data(self, **kwargs):
        values = self.index.values
        chart = None
        if values["year"] is not None and values["season"]:
            chart = Season(values["year"], values["season"])
        return super().get_context_data(
            season_chart=chart, current_season=Season.current(), **kwargs
        )


class CharacterListView(EntryListView):
    model = Character


class StaffListView(EntryListView):
    model = Staff


class StudioListView(EntryListView):
    model = Studio
