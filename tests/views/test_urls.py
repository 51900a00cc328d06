"""The public URL map, both ways: every name reverses to its path and back."""

import pytest
from django.urls import resolve, reverse

from entries import views
from entries.models import Tag

URLS = [
    ("entries:home", {}, "/", views.HomeView),
    ("entries:series-list", {}, "/series/", views.SeriesListView),
    (
        "entries:series-detail",
        {"slug": "metallic-rouge"},
        "/series/metallic-rouge/",
        views.SeriesDetailView,
    ),
    (
        "entries:episode-detail",
        {"slug": "metallic-rouge", "number": 3},
        "/series/metallic-rouge/episodes/3/",
        views.EpisodeDetailView,
    ),
    ("entries:character-list", {}, "/characters/", views.CharacterListView),
    (
        "entries:character-detail",
        {"slug": "rouge-redstar"},
        "/characters/rouge-redstar/",
        views.CharacterDetailView,
    ),
    ("entries:staff-list", {}, "/staff/", views.StaffListView),
    (
        "entries:staff-detail",
        {"slug": "yutaka-izubuchi"},
        "/staff/yutaka-izubuchi/",
        views.StaffDetailView,
    ),
    ("entries:studio-list", {}, "/studios/", views.StudioListView),
    ("entries:studio-detail", {"slug": "bones"}, "/studios/bones/", views.StudioDetailView),
    ("entries:tag-list", {}, "/tags/", views.TagListView),
    ("entries:tag-detail", {"slug": "mecha"}, "/tags/mecha/", views.TagDetailView),
]


@pytest.mark.parametrize(("name", "kwargs", "path", "view"), URLS, ids=[u[0] for u in URLS])
def test_reverse(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path


@pytest.mark.parametrize(("name", "kwargs", "path", "view"), URLS, ids=[u[0] for u in URLS])
def test_resolve(name, kwargs, path, view):
    match = resolve(path)
    assert match.view_name == name
    assert match.kwargs == kwargs
    assert match.func.view_class is view


def test_episode_number_is_an_integer():
    assert resolve("/series/metallic-rouge/episodes/12/").kwargs["number"] == 12


def test_japanese_tag_gets_an_ascii_slug_that_reverses_and_resolves(db):
    tag = Tag.objects.create(name="ロボット")
    assert tag.slug == "robotto"
    path = reverse("entries:tag-detail", kwargs={"slug": tag.slug})
    assert path == "/tags/robotto/"
    assert resolve(path).kwargs == {"slug": "robotto"}


def test_emoji_tag_gets_a_slug_too(db):
    first, second = Tag.objects.create(name="🤖"), Tag.objects.create(name="🚀")
    assert first.slug and second.slug and first.slug != second.slug
    assert reverse("entries:tag-detail", kwargs={"slug": second.slug})


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Rouge_Redstar", "/wiki/Rouge_Redstar"),
        ("studio:Bones", "/wiki/studio:Bones"),
        ("Fate/Zero", "/wiki/Fate/Zero"),
    ],
)
def test_wiki_name_both_ways(name, path):
    assert reverse("entries:wiki", kwargs={"name": name}) == path
    match = resolve(path)
    assert match.view_name == "entries:wiki"
    assert match.func is views.resolve_name
    assert match.kwargs == {"name": name}


def test_wiki_name_with_spaces_is_quoted():
    assert reverse("entries:wiki", kwargs={"name": "Rouge Redstar"}) == "/wiki/Rouge%20Redstar"
    assert resolve("/wiki/Rouge Redstar").kwargs == {"name": "Rouge Redstar"}
