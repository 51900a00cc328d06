"""The sitemaps search engines read: one section per kind of entry, one for tags,
one for the season charts and one for the series' episode lists, listed by the
index at ``/sitemap.xml`` (``django.contrib.sitemaps``).

Each section is split into pages of the protocol's 50,000 addresses
(``Sitemap.limit``), so a page of any section costs two queries (its count and
its rows) however large the encyclopedia grows, and the index one count and one
``MAX(updated_at)`` per section. The rows are loaded with ``only()`` what an
address and its ``lastmod`` need: never the bodies.
"""

from functools import partial

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import KIND_MODELS, Entry, Episode, Series, Tag
from .seasons import Season

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


class SeasonSitemap(Sitemap):
    """Every season some series airs in (its chart), oldest first; its last change is
    the latest edit of its series. One query (the rows are few: four a year)."""

    def items(self):
        return [(Season(year, name), latest) for year, name, latest in Series.objects.seasons()]

    def location(self, item):
        return item[0].get_absolute_url()

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return Series.objects.exclude(season="").aggregate(latest=Max("updated_at"))["latest"]


class EpisodeListSitemap(Sitemap):
    """The episode list of every series with at least one episode page; its last
    change is the latest edit of those episodes."""

    def items(self):
        return (
            # From the episodes: most series have none.
            Series.objects.filter(pk__in=Episode.objects.values("series_id"))
            .annotate(lastmod=Max("episodes__updated_at"))
            .only(*ENTRY_FIELDS)
            .order_by("pk")
        )

    def location(self, series):
        return reverse("entries:episode-list", kwargs={"slug": series.slug})

    def lastmod(self, series):
        return series.lastmod

    def get_latest_lastmod(self):
        return Episode.objects.aggregate(latest=Max("updated_at"))["latest"]


# The sections of /sitemap.xml, by the name in their address (/sitemap-series.xml).
# Callables, not instances: the views make a sitemap per request (a page's
# ``latest_lastmod`` is kept on it).
SITEMAPS = {
    **{kind: partial(EntrySitemap, model) for kind, model in KIND_MODELS.items()},
    "tags": TagSitemap,
    "seasons": SeasonSitemap,
    "episode-lists": EpisodeListSitemap,
}
