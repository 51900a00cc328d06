"""Pagination: keyset cursors for lists, page cursors for search results.

Lists are DRF's ``CursorPagination``: a page is the rows after the last one
seen in the list's order (``title`` then id, newest id first for changes), one
query with no count, however deep; the ``next``/``previous`` links carry the
cursor. A cursor that is not one of ours, or whose position cannot be a value
of the ordering column, is a 400: it never reaches the database (on PostgreSQL
a NUL in a text or an id past the column's range would be an error).

Search results (``?q=``) come ranked by the site's search
(``entries.search``), which pages by number; their cursor holds the page
number, in the same ``{"next", "previous", "results"}`` shape.
"""

import base64
import binascii
from urllib import parse

from django.conf import settings
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .. import search as site_search
from ..search.base import MAX_PAGE
from .params import MAX_PAGE_SIZE

BAD_CURSOR = "This is not a cursor of this list: use the next or previous link as given."
# Ids are 64-bit (BigAutoField) on every database.
MAX_ID = 2**63 - 1
MAX_TEXT_POSITION = 255


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination, with a 400 for a bad cursor instead of a 404."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Whether the first ordering column holds text or ids: what a position may be.
    position_is_id = False

    def get_page_size(self, request):
        return super().get_page_size(request) or settings.REST_FRAMEWORK["PAGE_SIZE"]

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
        if cursor is not None and cursor.position is not None and not self._fits(cursor.position):
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        return cursor

    def _fits(self, position: str) -> bool:
        if self.position_is_id:
            return position.isdigit() and int(position) <= MAX_ID
        return len(position) <= MAX_TEXT_POSITION and "\x00" not in position


class TitleOrder(KeysetPagination):
    """Entries and tags in alphabetical order (the id breaks ties)."""

    ordering = ("title", "pk")


class TagOrder(KeysetPagination):
    ordering = ("name",)


class NewestFirst(KeysetPagination):
    """Recent changes: newest first (ids grow with time)."""

    ordering = ("-pk",)
    position_is_id = True


class RevisionsNewestFirst(KeysetPagination):
    """An entry's revisions, newest first (one row per revision of the entry)."""

    ordering = ("-revision_id",)
    position_is_id = True


class SearchPagination:
    """One page of the site's search, numbered inside an opaque cursor."""

    cursor_query_param = "cursor"
    PREFIX = "search:"

    def __init__(self, request, page_size: int):
        self.request = request
        self.page_size = page_size
        self.number = self._page_number(request.query_params.get(self.cursor_query_param))

    def _page_number(self, encoded: str | None) -> int:
        if encoded is None:
            return 1
        try:
            text = base64.urlsafe_b64decode(encoded.encode("ascii")).decode("ascii")
        except (ValueError, binascii.Error):
            text = ""
        number = text.removeprefix(self.PREFIX)
        if not text.startswith(self.PREFIX) or not number.isdigit():
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        if not 1 <= int(number) <= MAX_PAGE:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]})
        return int(number)

    def _link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.cursor_query_param)
        cursor = base64.urlsafe_b64encode(f"{self.PREFIX}{number}".encode()).decode()
        return replace_query_param(url, self.cursor_query_param, parse.unquote(cursor))

    def search(self, query: str, *, kind: str, tag: str = "", year: int | None = None):
        """The page of results: ``SearchPage`` (its entries are plain ``Entry`` rows)."""
        self.page = site_search.search(
            query, kind=kind, tag=tag, year=year, page=self.number, per_page=self.page_size
        )
        return self.page

    def response(self, data) -> Response:
        page = self.page
        following = page.next_page_number if page.has_next else None
        previous = page.previous_page_number if page.has_previous else None
        return Response(
            {"next": self._link(following), "previous": self._link(previous), "results": data}
        )
