"""Public pages. Every name here is reversed, never hard-coded."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import views
from .dumps.views import AboutDataView
from .models import Character, Episode, Series, Staff, Studio
from .search import views as search_views
from .sitemaps import SITEMAPS
from .throttles import throttled
from .views import seo as seo_views

app_name = "entries"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path(
        "series/<slug:slug>/episodes/",
        views.EpisodeListView.as_view(),
        name="episode-list",
    ),
    path(
        "series/<slug:slug>/episodes/<int:number>/",
        views.EpisodeDetailView.as_view(),
        name="episode-detail",
    ),
    path("seasons/<int:year>/<slug:season>/", views.SeasonChartView.as_view(), name="season"),
    path("characters/", views.CharacterListView.as_view(), name="character-list"),
    path("characters/<slug:slug>/", views.CharacterDetailView.as_view(), name="character-detail"),
    path("staff/", views.StaffListView.as_view(), name="staff-list"),
    path("staff/<slug:slug>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("studios/", views.StudioListView.as_view(), name="studio-list"),
    path("studios/<slug:slug>/", views.StudioDetailView.as_view(), name="studio-detail"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("wiki/<path:name>", views.resolve_name, name="wiki"),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search-suggest"),
    path("about/data/", AboutDataView.as_view(), name="about-data"),
    path("recent/", views.RecentChangesView.as_view(), name="recent-changes"),
    path("recent/feed/", throttled("feed")(views.RecentChangesFeed()), name="recent-feed"),
    path("wanted/", views.WantedPagesView.as_view(), name="wanted-pages"),
    path("random/", seo_views.random_entry, name="random"),
    path("random/<slug:kind>/", seo_views.random_entry, name="random-kind"),
    path("robots.txt", seo_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "entries:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]


def _history_urls(prefix: str, model) -> list:
    """A page's public history at ``<prefix>history/`` and one revision's diff below it,
    named ``<kind>-history`` and ``<kind>-revision``."""
    return [
        path(
            f"{prefix}history/",
            views.EntryHistoryView.as_view(model=model),
            name=f"{model.KIND}-history",
        ),
        path(
            f"{prefix}history/<int:revision_id>/",
            views.RevisionDiffView.as_view(model=model),
            name=f"{model.KIND}-revision",
        ),
    ]


urlpatterns += [
    *_history_urls("series/<slug:slug>/", Series),
    *_history_urls("series/<slug:slug>/episodes/<int:number>/", Episode),
    *_history_urls("characters/<slug:slug>/", Character),
    *_history_urls("staff/<slug:slug>/", Staff),
    *_history_urls("studios/<slug:slug>/", Studio),
]

# Every public page only reads: GET and HEAD, and 405 for any other method, before
# anything reads the body. Exempt from the CSRF check, which only ever applies to
# the methods refused here, so that it does not answer (403) first. The function
# views (search, suggest, wiki) carry the same decorators themselves.
for _pattern in urlpatterns:
    if not getattr(_pattern.callback, "csrf_exempt", False):
        _pattern.callback = csrf_exempt(require_safe(_pattern.callback))
