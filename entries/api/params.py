"""The query strings of the lists, checked before anything is fetched.

A value that makes no sense (``?year=abc``, ``?year=3000``, ``?kind=robot``, a
page size of 0) is a 400 naming the parameter, never a 500 and never silently
ignored. Parameters no endpoint knows are ignored, as on the HTML pages.
These serializers are also what the OpenAPI schema says about the parameters.
"""

from rest_framework import serializers

from ..filters import YEAR_RANGE_MESSAGE
from ..models import MAX_YEAR, MIN_YEAR, Entry, Series
from ..search.base import MAX_QUERY_LENGTH
from ..text import clean_query

MAX_PAGE_SIZE = 100
TAG_SLUG_MAX_LENGTH = 100


class PageParams(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, help_text="The `next` or `previous` link's cursor, as given."
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Rows a page, 1 to {MAX_PAGE_SIZE} (default 20).",
    )


class EntryListParams(PageParams):
    """Every kind's list: search words and a tag, as the site's search takes them."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text="Search words (the site's search: names, summary, body; best first).",
    )
    tag = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=TAG_SLUG_MAX_LENGTH,
        help_text="Only entries with this tag (its slug).",
    )


def _choice(choices, what: str, help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        required=False,
        choices=choices,
        help_text=help_text,
        error_messages={"invalid_choice": f"“{{input}}” is not a {what}."},
    )


class SeriesListParams(EntryListParams):
    """The series index's filters: ``q``, ``tag``, ``year``, and without ``q`` also
    ``format``, ``season`` and ``status``."""

    # Not with ``q``: the search ranks by its own filters (kind, tag, year).
    NOT_WITH_SEARCH = ("format", "season", "status")

    format = _choice(Series.Format.values, "format", "Only series of this format.")
    season = _choice(Series.Season.values, "season", "Only series that began in this season.")
    status = _choice(Series.Status.values, "status", "Only series with this airing status.")

    year = serializers.IntegerField(
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"min_value": YEAR_RANGE_MESSAGE, "max_value": YEAR_RANGE_MESSAGE},
        help_text=f"Only series of this year ({MIN_YEAR} to {MAX_YEAR}).",
    )


class EpisodeListParams(EntryListParams):
    series = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=Entry._meta.get_field("slug").max_length,
        help_text="Only the episodes of this series (its slug).",
    )


class RecentChangesParams(PageParams):
    kind = serializers.ChoiceField(
        required=False,
        choices=Entry.Kind.values,
        help_text="Only changes to this kind of entry.",
        error_messages={"invalid_choice": "“{input}” is not a kind of entry."},
    )
    editor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Only changes by this editor (a user name; none by that name: an empty list).",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Only changes whose edit summary contains this.",
    )


def checked(params_class, request) -> dict:
    """The valid query parameters as a dict, or a 400 (``ValidationError``)."""
    params = params_class(data=clean_query(request.query_params))
    params.is_valid(raise_exception=True)
    return params.validated_data
