"""Public pages. Every name here is reversed, never hard-coded."""

from django.urls import path
from django.views.generic import TemplateView

from . import history_views, recent_views, search_views, views
from .models import Character, Episode, Series, Staff, Studio

app_name = "entries"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path(
        "series/<slug:slug>/episodes/<int:number>/",
        views.EpisodeDetailView.as_view(),
        name="episode-detail",
    ),
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
    path(
        "about/data/",
        TemplateView.as_view(template_name="entries/about_data.html"),
        name="about-data",
    ),
    path("recent/", recent_views.RecentChangesView.as_view(), name="recent-changes"),
    path("recent/feed/", recent_views.RecentChangesFeed(), name="recent-feed"),
    path("wanted/", views.WantedPagesView.as_view(), name="wanted-pages"),
    # Each page's history, and the diff of one revision (history_views).
    path(
        "series/<slug:slug>/history/",
        history_views.EntryHistoryView.as_view(model=Series),
        name="series-history",
    ),
    path(
        "series/<slug:slug>/history/<int:revision_id>/",
        history_views.RevisionDiffView.as_view(model=Series),
        name="series-revision",
    ),
    path(
        "series/<slug:slug>/episodes/<int:number>/history/",
        history_views.EntryHistoryView.as_view(model=Episode),
        name="episode-history",
    ),
    path(
        "series/<slug:slug>/episodes/<int:number>/history/<int:revision_id>/",
        history_views.RevisionDiffView.as_view(model=Episode),
        name="episode-revision",
    ),
    path(
        "characters/<slug:slug>/history/",
        history_views.EntryHistoryView.as_view(model=Character),
        name="character-history",
    ),
    path(
        "characters/<slug:slug>/history/<int:revision_id>/",
        history_views.RevisionDiffView.as_view(model=Character),
        name="character-revision",
    ),
    path(
        "staff/<slug:slug>/history/",
        history_views.EntryHistoryView.as_view(model=Staff),
        name="staff-history",
    ),
    path(
        "staff/<slug:slug>/history/<int:revision_id>/",
        history_views.RevisionDiffView.as_view(model=Staff),
        name="staff-revision",
    ),
    path(
        "studios/<slug:slug>/history/",
        history_views.EntryHistoryView.as_view(model=Studio),
        name="studio-history",
    ),
    path(
        "studios/<slug:slug>/history/<int:revision_id>/",
        history_views.RevisionDiffView.as_view(model=Studio),
        name="studio-revision",
    ),
]
