"""One pagination for every list page, the search page included.

Every list renders ``includes/pagination.html``, which reads ``page_obj`` (a
Django ``Page``), ``is_paginated`` and ``page_range``. List views get them from
``PaginatedMixin``; the search page, whose backend pages its own results, from
``page_links`` with the ``Page`` its ``SearchPage`` makes.

A page number that is not a page (``?page=abc``, ``?page=-1``, past the last
page) is a 404, as Django's paginated ``ListView`` does; links only ever point
at real pages, so only a hand-edited address meets it.
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

# Pages linked either side of the current one, and at each end: 1 … 4 5 [6] 7 8 … 20.
ON_EACH_SIDE = 2
ON_ENDS = 1


def page_links(page: Page) -> dict:
    """What ``includes/pagination.html`` reads, for one page of a list."""
    paginated = page.has_other_pages()
    return {
        "page_obj": page,
        "is_paginated": paginated,
        "page_range": (
            page.paginator.get_elided_page_range(
                page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
            )
            if paginated
            else []
        ),
    }


def late_rows(queryset, bottom: int, top: int | None, ids=None):
    """``queryset[bottom:top]`` as the rows whose ids are in the sliced, ordered ids
    (a subquery), still one query and in the same order. ``ids``: those ids in the
    same order from a narrower query (``filters.IndexQuery.page_ids``), else
    ``queryset``'s own.

    The database sorts and skips narrow (sort key, id) pairs, often from an index
    alone, and joins the wide rows (bodies, select_related tables) of one page
    only, instead of sorting them all: on the 8,800 imported series the rows of
    the last page of ``/series/`` took 24 ms of SQL before, 4 ms so; the first
    page of ``/recent/`` 31 ms before, 3 ms so. It stays linear in the offset (an
    index walk); a keyset would not, but would change every page's address.
    """
    if ids is None:
        ids = queryset.values("pk")
    return queryset.filter(pk__in=ids[bottom:top])


class LateRowPaginator(Paginator):
    """A ``Paginator`` of a queryset whose page is fetched by ``late_rows``.

    ``ids`` (optional): the list's ids in its order, a queryset that alone says which
    rows are in the list; ``object_list`` then only gives each row (in the same
    order), and ``count``, a callable, the list's length.
    """

    def __init__(self, object_list, per_page, *args, ids=None, count=None, **kwargs):
        if ids is not None and count is None:
            raise TypeError("A paginator given ids needs their count.")
        super().__init__(object_list, per_page, *args, **kwargs)
        self.ids, self.counter = ids, count

    @cached_property
    def count(self) -> int:
        if self.counter is not None:
            return self.counter()
        return Paginator.count.func(self)

    def _get_page(self, object_list, number, paginator):
        # ``object_list`` is ``self.object_list[bottom:top]``, not yet run.
        query = object_list.query
        rows = late_rows(self.object_list, query.low_mark, query.high_mark, self.ids)
        return super()._get_page(rows, number, paginator)


class PaginatedMixin:
    """A ``ListView`` paginated for the include: ``paginate_by`` rows a page, else
    the site's page size (``FANDEX_PAGE_SIZE``, read per request)."""

    def get_paginate_by(self, queryset):
        return self.paginate_by or settings.FANDEX_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_links(context["page_obj"]))
        return context
