"""The kinds' changelists at scale (100,000 entries, 41,000 of one kind): what each
part of the page costs the database, kept to an index or to one kind's own table.

- ``EntryPaginator``: the count is of the kind's own table (the changelist's
  queryset filters nothing on the entries' table unless an editor searches or
  filters); a page's rows are fetched as ``late_rows`` does, from whichever end
  of the list is nearer, walking the ``(kind, title)`` index, so that the last
  page costs what the first does, and without the texts no column shows.
- ``search_names``: a search term as the entries with a name containing it
  (from the search documents' trigram index) or with it as their slug, instead
  of ``icontains`` on four columns and a join with the aliases (a scan, and a
  ``DISTINCT`` over whole rows to undo the join's duplicates).
"""

import unicodedata

from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.expressions import RawSQL

from ..models import Entry
from ..search import get_backend

# The texts of an entry that no changelist column shows.
UNSHOWN = ["summary", "body", "body_html"]


class EntryPaginator(Paginator):
    """The changelist's pages of one kind (``model.KIND``): a page's rows are those
    whose ids are in the sorted, sliced ids, as ``late_rows``
    (``entries.views.pagination``) fetches them, with two differences. The ids'
    query filters on the kind, which lets the database walk the (kind, title)
    index in the list's order instead of sorting every row of the kind, and the
    rows' query does not (SQLite would walk the same index there, testing every
    row against the ids); the count (``self.object_list.count()``) does without
    it too, and so without the join. Past the middle of the list the ids are
    sliced from its other end, in the reverse order."""

    def _get_page(self, object_list, number, paginator):
        # ``object_list`` is ``self.object_list[bottom:top]``, not yet run.
        query = object_list.query
        bottom, top = query.low_mark, query.high_mark
        ordered = self.object_list.filter(kind=self.object_list.model.KIND)
        if bottom > self.count - top:
            ids = ordered.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            ids = ordered.values("pk")[bottom:top]
        # Without the texts no column shows (a page's body can be tens of kilobytes).
        rows = self.object_list.filter(pk__in=ids).defer(*UNSHOWN)
        return super()._get_page(rows, number, paginator)


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
