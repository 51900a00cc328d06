"""The public pages, one module per part of the site; ``entries.urls`` routes them.

Views stay thin: each takes its rows from a queryset method (``for_page``,
``for_cards``, ``for_chart``...), ``filters.IndexQuery`` (the indexes) or a
helper in ``selectors``, so that templates never query and every page costs a
fixed number of queries. Bad input is a
clear answer, never a 500 (each module says how).

The split follows the site's sections, so that a page's view is found by the
page's name. Submodules import downwards only, in this order:

- ``mixins``: what every page view shares (the header's section of each kind).
- ``pagination``: one pagination for every list page, the search page's too.
- ``admin_links``: editors' links into the admin ("Edit this page", add forms).
- ``home``: the home page.
- ``indexes``: the index of each kind of entry; the series index's filters.
- ``details``: entry pages, one view per kind.
- ``episodes``: a series' list of episodes.
- ``seasons``: a season's chart.
- ``tags``: the tag index and a tag's page.
- ``wiki``: the ``/wiki/<name>`` resolver, its "no such page" page, wanted pages.
- ``history``: an entry's public history and the diff of one revision.
- ``recent``: recent changes across every entry, and their Atom feed.
- ``seo``: ``/robots.txt`` and ``/random/`` (the sitemaps are ``entries.sitemaps``).
- ``errors``: the CSRF failure page (``CSRF_FAILURE_VIEW``).

The search page's views live with the search (``entries.search.views``).
"""

from .details import (
    CharacterDetailView,
    EntryDetailView,
    EpisodeDetailView,
    SeriesDetailView,
    StaffDetailView,
    StudioDetailView,
)
from .episodes import EpisodeListView
from .history import EntryHistoryView, RevisionDiffView
from .home import HomeView
from .indexes import (
    CharacterListView,
    EntryListView,
    SeriesListView,
    StaffListView,
    StudioListView,
)
from .recent import RecentChangesFeed, RecentChangesView
from .seasons import SeasonChartView
from .tags import TagDetailView, TagListView
from .wiki import WantedPagesView, resolve_name

__all__ = [
    "CharacterDetailView",
    "CharacterListView",
    "EntryDetailView",
    "EntryHistoryView",
    "EntryListView",
    "EpisodeDetailView",
    "EpisodeListView",
    "HomeView",
    "RecentChangesFeed",
    "RecentChangesView",
    "RevisionDiffView",
    "SeasonChartView",
    "SeriesDetailView",
    "SeriesListView",
    "StaffDetailView",
    "StaffListView",
    "StudioDetailView",
    "StudioListView",
    "TagDetailView",
    "TagListView",
    "WantedPagesView",
    "resolve_name",
]
