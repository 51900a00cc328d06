"""Public pages. Every name here is reversed, never hard-coded."""

from django.urls import path

from . import views

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
]
