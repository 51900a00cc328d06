"""The API's endpoints: thin views over ``querysets``, ``params`` and ``serializers``.

Every view only reads (GET and HEAD; any other method is a 405, and the CORS
preflight is django-cors-headers' answer). Lists take checked query strings
(``params``) and page by cursor (``pagination``); ``?q=`` hands the list to
the site's search and pages its ranked results instead.
"""

from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import history
from ..models import Character, Entry, Episode, Series, Staff, Studio
from ..slugs import SLUG_MAX_LENGTH
from ..views.details import MAX_EPISODE_NUMBER
from ..views.recent import recent_changes
from . import pagination, params, querysets, serializers
from .schema import EntryListSchema

READ_ONLY = ["get", "head"]

CARDS = {
    Series: serializers.SeriesCardSerializer,
    Character: serializers.CharacterCardSerializer,
    Staff: serializers.StaffCardSerializer,
    Studio: serializers.StudioCardSerializer,
    Episode: serializers.EpisodeCardSerializer,
}
DETAILS = {
    Series: serializers.SeriesDetailSerializer,
    Character: serializers.CharacterDetailSerializer,
    Staff: serializers.StaffDetailSerializer,
    Studio: serializers.StudioDetailSerializer,
    Episode: serializers.EpisodeDetailSerializer,
}
LIST_PARAMS = {
    Series: params.SeriesListParams,
    Episode: params.EpisodeListParams,
}


class ReadOnlyMixin:
    http_method_names = READ_ONLY


class EntryList(ReadOnlyMixin, generics.ListAPIView):
    """One kind's entries in alphabetical order, or ranked by ``?q=`` search words."""

    model: type[Entry] = Series
    pagination_class = pagination.TitleOrder
    schema = EntryListSchema()

    def get_serializer_class(self):
        return CARDS[self.model]

    def params_class(self):
        return LIST_PARAMS.get(self.model, params.EntryListParams)

    def get_queryset(self):
        rows = querysets.cards(self.model)
        filters = self.filters
        if filters.get("tag"):
            # Not by a spoiler tag (entries.spoilers), as the site's indexes: the list
            # would tell who has it.
            rows = rows.filter(
                tagged_items__tag__slug=filters["tag"], tagged_items__revealed_in__isnull=True
            )
        for name in ("year", "format", "season", "status"):
            if filters.get(name) not in (None, ""):
                rows = rows.filter(**{name: filters[name]})
        if filters.get("series"):
            rows = rows.filter(series__slug=filters["series"])
        return rows.order_by("title", "pk")

    def list(self, request, *args, **kwargs):
        self.filters = params.checked(self.params_class(), request)
        query = self.filters.get("q", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        if self.filters.get("series"):
            raise ValidationError({"q": ["Search words cannot be combined with a series."]})
        for name in getattr(self.params_class(), "NOT_WITH_SEARCH", ()):
            if self.filters.get(name):
                raise ValidationError({"q": [f"Search words cannot be combined with {name}."]})
        pager = pagination.SearchPagination(request, self.paginator.get_page_size(request))
        page = pager.search(
            query,
            kind=self.model.KIND,
            tag=self.filters.get("tag", ""),
            year=self.filters.get("year"),
        )
        ids = [result.entry.pk for result in page.results]
        rows = querysets.cards(self.model).in_bulk(ids)
        ranked = [rows[pk] for pk in ids if pk in rows]
        return pager.response(self.get_serializer(ranked, many=True).data)


class EntryDetail(ReadOnlyMixin, generics.RetrieveAPIView):
    """One entry with everything its page cross-links."""

    model: type[Entry] = Series

    def get_serializer_class(self):
        return DETAILS[self.model]

    def get_queryset(self):
        return querysets.DETAIL[self.model]()

    def get_object(self):
        return find_entry(self.model, self.get_queryset(), self.kwargs)


def find_entry(model, rows, kwargs):
    """The entry a URL names (a slug, or a series' slug and an episode number), or 404."""
    slug = kwargs["slug"]
    if len(slug) > SLUG_MAX_LENGTH:
        raise NotFound("No entry has such a long slug.")
    if model is Episode:
        if kwargs["number"] > MAX_EPISODE_NUMBER:
            raise NotFound("No such episode.")
        return get_object_or_404(rows, series__slug=slug, number=kwargs["number"])
    return get_object_or_404(rows, slug=slug)


class RevisionList(ReadOnlyMixin, generics.ListAPIView):
    """An entry's revisions, newest first: who, when, the edit summary, the diff page."""

    model: type[Entry] = Series
    serializer_class = serializers.ChangeSerializer
    pagination_class = pagination.RevisionsNewestFirst

    def get_queryset(self):
        rows = self.model.objects.all()
        if self.model is Episode:
            rows = rows.select_related("series")
        entry = find_entry(self.model, rows, self.kwargs)
        # The entry is the same row on every change: no join for it.
        return history.changes_of(entry).select_related("entry__as_episode__series")

    @extend_schema(parameters=[params.PageParams])
    def get(self, request, *args, **kwargs):
        params.checked(params.PageParams, request)
        return super().get(request, *args, **kwargs)


class RecentChanges(ReadOnlyMixin, generics.ListAPIView):
    """Every change to every entry, newest first."""

    serializer_class = serializers.ChangeSerializer
    pagination_class = pagination.NewestFirst

    def get_queryset(self):
        # The filters of /recent/, from the same function.
        return recent_changes(
            **{name: self.filters.get(name, "").strip() for name in ("kind", "editor", "q")}
        )

    @extend_schema(parameters=[params.RecentChangesParams])
    def get(self, request, *args, **kwargs):
        self.filters = params.checked(params.RecentChangesParams, request)
        return super().get(request, *args, **kwargs)


class TagList(ReadOnlyMixin, generics.ListAPIView):
    """Every tag in use, by name, with its number of entries."""

    serializer_class = serializers.TagSerializer
    pagination_class = pagination.TagOrder

    def get_queryset(self):
        return querysets.tags()

    @extend_schema(parameters=[params.PageParams])
    def get(self, request, *args, **kwargs):
        params.checked(params.PageParams, request)
        return super().get(request, *args, **kwargs)


class TagDetail(ReadOnlyMixin, generics.RetrieveAPIView):
    """A tag, with how many entries of each kind have it and where to list them."""

    serializer_class = serializers.TagDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        # From the stored counts the total comes from (TagCount, one row per kind):
        # counting the taggings too would join both and multiply the rows, and would
        # count spoiler uses, which no count shows.
        per_kind = {
            f"count_{kind}": Sum("counts__entries", filter=Q(counts__kind=kind))
            for kind in Entry.Kind.values
        }
        return querysets.tags().annotate(**per_kind)


class ApiRoot(ReadOnlyMixin, APIView):
    """Where everything is."""

    @extend_schema(exclude=True)
    def get(self, request):
        def link(name: str) -> str:
            return request.build_absolute_uri(reverse(f"api:{name}"))

        return Response(
            {
                "series": link("series-list"),
                "characters": link("character-list"),
                "staff": link("staff-list"),
                "studios": link("studio-list"),
                "episodes": link("episode-list"),
                "tags": link("tag-list"),
                "recent_changes": link("recent-changes"),
                "schema": link("schema"),
                "docs": link("docs"),
            }
        )
