"""The tag index and a tag's page."""

from django.http import Http404
from django.views.generic import DetailView, ListView

from .. import selectors
from ..models import Entry, Tag, TaggedEntry
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


class TagDetailView(SectionMixin, DetailView):
    """Every entry with a tag, in one section per kind."""

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
        # A spoiler tag (entries.spoilers) would give away who has it: not listed here.
        tagged = TaggedEntry.objects.filter(tag=self.object, revealed_in__isnull=True)
        entries = (
            Entry.objects.filter(pk__in=tagged.values("content_object_id"))
            .for_cards()
            .order_by("title", "pk")
        )
        groups = selectors.group_by_kind(entries)
        return super().get_context_data(
            groups=groups, total=sum(len(group.entries) for group in groups), **kwargs
        )
