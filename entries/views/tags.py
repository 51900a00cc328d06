"""The tag index and a tag's page."""

from django.http import Http404
from django.views.generic import DetailView, ListView

from .. import selectors
from ..models import Entry, Tag
from .mixins import SectionMixin
from .pagination import PaginatedMixin

TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length


class TagListView(SectionMixin, PaginatedMixin, ListView):
    """Every tag in use with its number of entries, by name or ``?order=count``."""

    section = "tags"
    template_name = "entries/tag_list.html"
    context_object_name = "tags"
    orders = ("name", "count")

    def get_queryset(self):
        requested = self.request.GET.get("order", "")
        self.order = requested if requested in self.orders else "name"
        return selectors.tags_with_counts(order=self.order)

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)


# Entries on one page of a tag. A genre tag carries thousands of entries at
# 100,000 (5,085 for "action"): rendering them all took 10 s, a card some 2 ms. Pages are
# counted by offset without a COUNT (one row more says whether another follows).
TAG_PAGE_SHOWN = 96


class TagDetailView(SectionMixin, DetailView):
    """The entries with a tag, by title, ``TAG_PAGE_SHOWN`` a page (``?page=N``), in one
    section per kind."""

    model = Tag
    section = "tags"
    template_name = "entries/tag_detail.html"
    context_object_name = "tag"

    def get_object(self, queryset=None):
        # A slug longer than any tag's cannot match: answer without a query.
        slug = self.kwargs["slug"]
        if len(slug) > TAG_SLUG_MAX_LENGTH:
            raise Http404("No such tag.")
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        number = self.request.GET.get("page", "1")
        if not number.isdigit() or not 1 <= int(number) <= 10_000:
            raise Http404("No such page of this tag.")
        number = int(number)
        start = (number - 1) * TAG_PAGE_SHOWN
        tagged = Entry.objects.for_cards().tagged_page(
            self.object, start=start, stop=start + TAG_PAGE_SHOWN + 1
        )
        entries = list(tagged)
        if number > 1 and not entries:
            raise Http404("This tag has fewer pages.")
        has_next = len(entries) > TAG_PAGE_SHOWN
        groups = selectors.group_by_kind(entries[:TAG_PAGE_SHOWN])
        shown = sum(len(group.entries) for group in groups)
        return super().get_context_data(
            groups=groups,
            total=shown,
            paged=has_next or number > 1,
            first_shown=start + 1,
            last_shown=start + shown,
            previous_page=number - 1 if number > 1 else None,
            next_page=number + 1 if has_next else None,
            **kwargs,
        )
