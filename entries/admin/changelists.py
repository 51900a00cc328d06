"""The kinds' changelists at scale (100,000 entries, 41,000 of one kind): what each
part of the page costs the database, kept to an index or to one kind's own table.

- ``EntryPaginator``: the count is of the kind's own table (the changelist's
  queryset filters nothing on the entries' table unless an editor searches or
  filters); a page's rows are fetched by ``late_rows`` from whichever end of
  the list is nearer, walking the ``(kind, title)`` index, so that the last
  page costs what the first does.
- ``search_names``: a search term as the entries with a name containing it
  (from the search documents' trigram index) or with it as their slug, instead
  of ``icontains`` on four columns and a join with the aliases (a scan, and a
  ``DISTINCT`` over whole rows to undo the join's duplicates).
"""

import unicodedata

from django.db.models import Q
from django.db.models.expressions import RawSQL

from ..models import Entry
from ..search import get_backend
from ..views.pagination import LateRowPaginator, late_rows


class EntryPaginator(LateRowPaginator):
    """The changelist's pages of one kind (``model.KIND``)."""

    def _get_page(self, object_list, number, paginator):
        # ``object_list`` is ``self.object_list[bottom:top]``, not yet run.
        query = object_list.query
        bottom, top = query.low_mark, query.high_mark
        # On the entries' table: the kind lets the database walk the (kind, title)
        # index in the list's order instead of sorting every row of the kind. The
        # count (self.object_list.count()) does without it, and without the join.
        rows = self.object_list.filter(kind=self.object_list.model.KIND)
        if bottom > self.count - top:
            # Past the middle: the same rows, sliced from the other end in the
            # reverse order, then put back in the list's.
            rows = late_rows(rows.reverse(), self.count - top, self.count - bottom).reverse()
        else:
            rows = late_rows(rows, bottom, top)
        # LateRowPaginator's parent makes the Page of these rows.
        return super(LateRowPaginator, self)._get_page(rows, number, paginator)


def search_names(term: str) -> Q:
    """The entries with a name (title, native title or an alias) containing ``term``,
    ignoring letter case, as the search documents hold them (NFKC, as the term is
    made here), or with ``term`` as their slug: one subquery of ids, from the
    indexes, which cannot repeat a row.

    The slug is in the subquery (a UNION) rather than an OR beside it: an OR of a
    subquery and a column makes the database test every row of the kind."""
    names = get_backend().names_containing(unicodedata.normalize("NFKC", term))
    slug = f"SELECT id FROM {Entry._meta.db_table} WHERE slug = %s"
    return Q(pk__in=RawSQL(f"{names.sql} UNION {slug}", [*names.params, term.lower()]))
