"""The sitemaps search engines read: one section per kind of entry and one for
tags, listed by the index at ``/sitemap.xml`` (``django.contrib.sitemaps``).

Each section is split into pages of the protocol's 50,000 addresses
(``Sitemap.limit``), so a page of any section costs two queries (its count and
its rows) however large the encyclopedia grows, and the index one count and one
``MAX(updated_at)`` per section. The rows are loaded with ``only()`` what an
address and its ``lastmod`` need: never the bodies.
"""

from functools import partial

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import KIND_MODELS, Entry, Episode, Tag

# What an entry's address is made of (``get_absolute_url``) and its last edit; and
# ``kind``, which ``Entry.__init__`` reads (a query for each row if it were deferred).
ENTRY_FIELDS = ("kind", "slug", "updated_at")


class EntrySitemap(Sitemap):
    """Every entry of one kind, oldest first (by primary key: new pages land on the
    last sitemap page, and the earlier pages stay the same)."""

    def __init__(self, model: type[Entry]):
        self.model = model

    def items(self):
        entries = self.model.objects.order_by("pk")
        if self.model is Episode:
            # An episode's address is its series' slug and its number.
            return entries.select_related("series").only(
                *ENTRY_FIELDS, "number", "series", "series__slug", "series__kind"
            )
        return entries.only(*ENTRY_FIELDS)

    def lastmod(self, entry):
        return entry.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not Django's default of loading every row of the section.
        return self.model.objects.aggregate(latest=Max("updated_at"))["latest"]


class TagSitemap(Sitemap):
    """Tags that at least one entry carries (a tag page lists them); its last
    change is the latest edit of the entries it lists."""

    def items(self):
        return (
            Tag.objects.annotate(lastmod=Max("tagged_entries__content_object__updated_at"))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.lastmod

    def get_latest_lastmod(self):
        return Entry.objects.filter(tagged_items__isnull=False).aggregate(latest=Max("updated_at"))[
            "latest"
        ]


# The sections of /sitemap.xml, by the name in their address (/sitemap-series.xml).
# Callables, not instances: the views make a sitemap per request (a page's
# ``latest_lastmod`` is kept on it).
SITEMAPS = {
    **{kind: partial(EntrySitemap, model) for kind, model in KIND_MODELS.items()},
    "tags": TagSitemap,
}
