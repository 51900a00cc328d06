"""What a client reads from /api/v1/: every kind's list and detail with the
cross-links its page has, tags, recent changes and revisions."""

import pytest
from django.urls import resolve, reverse

from entries.api import views
from entries.models import Change, Series, Streaming
from entries.services import note, recorded
from tests import factories

from .conftest import series_with

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("api:series-list", {}, "/api/v1/series/", views.EntryList),
        ("api:series-detail", {"slug": "rouge"}, "/api/v1/series/rouge/", views.EntryDetail),
        ("api:character-list", {}, "/api/v1/characters/", views.EntryList),
        ("api:staff-detail", {"slug": "hori"}, "/api/v1/staff/hori/", views.EntryDetail),
        ("api:studio-list", {}, "/api/v1/studios/", views.EntryList),
        ("api:episode-list", {}, "/api/v1/episodes/", views.EntryList),
        (
            "api:episode-detail",
            {"slug": "rouge", "number": 3},
            "/api/v1/series/rouge/episodes/3/",
            views.EntryDetail,
        ),
        (
            "api:studio-revisions",
            {"slug": "bones"},
            "/api/v1/studios/bones/revisions/",
            views.RevisionList,
        ),
        ("api:tag-list", {}, "/api/v1/tags/", views.TagList),
        ("api:tag-detail", {"slug": "mecha"}, "/api/v1/tags/mecha/", views.TagDetail),
        ("api:recent-changes", {}, "/api/v1/recent/", views.RecentChanges),
    ],
)
def test_urls_reverse_and_resolve(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).func.view_class is view


def test_the_root_lists_every_endpoint(api):
    root = get(api, reverse("api:root"))
    assert root["series"] == "http://testserver/api/v1/series/"
    assert root["schema"] == "http://testserver/api/v1/schema/"
    assert set(root) >= {"characters", "staff", "studios", "episodes", "tags", "recent_changes"}


def test_a_series_detail_has_every_cross_link_of_its_page(api, picture):
    series = series_with(2, picture)
    data = get(api, reverse("api:series-detail", kwargs={"slug": series.slug}))

    assert data["id"] == series.pk and data["slug"] == series.slug
    assert data["url"] == f"http://testserver{series.get_absolute_url()}"
    assert data["api_url"] == "http://testserver/api/v1/series/metallic-rouge/"
    assert data["native_title"] == "メタリックルージュ"
    assert {row["studio"]["title"] for row in data["studios"]} == {"Studio 0", "Studio 1"}
    assert data["studios"][0]["role"] == "animation"
    assert {row["staff"]["title"] for row in data["staff"]} == {"Director 0", "Director 1"}
    cast = {row["character"]["title"]: row for row in data["cast"]}
    assert cast["Character 1"]["role"] == "main"
    assert cast["Character 1"]["voice_actors"][0]["actor"]["title"] == "Voice 1"
    assert cast["Character 1"]["voice_actors"][0]["language"] == "ja"
    assert [row["number"] for row in data["episodes"]] == [1, 2]
    assert data["episodes"][0]["api_url"].endswith("/api/v1/series/metallic-rouge/episodes/1/")
    relations = {
        (row["source"]["title"], row["type"], row["target"]["title"]) for row in data["relations"]
    }
    assert ("Metallic Rouge", "sequel", "Sequel 0") in relations
    assert ("Prequel 1", "sequel", "Metallic Rouge") in relations
    assert [tag["slug"] for tag in data["tags"]] == ["tag-0", "tag-1"]
    assert {alias["name"] for alias in data["aliases"]} == {"Rouge alias 0", "Rouge alias 1"}
    assert data["external_ids"] == {"myanimelist": None, "anidb": None, "anilist": None}
    assert len(data["streaming"]) == 2
    assert data["gallery"][0]["caption"] == "Still 0"
    assert data["gallery"][0]["credit"] == "Bones"
    image = data["image"]
    assert image["width"] == 800 and image["media_type"] == "image/jpeg"
    assert image["renditions"][0]["webp"].startswith("http://testserver/media/")
    assert image["renditions"][0]["webp"].endswith(".webp")
    assert data["revisions_url"] == "http://testserver/api/v1/series/metallic-rouge/revisions/"


def test_external_ids_and_streaming_links(api):
    series = factories.make_series(mal_id=55, anidb_id=66, anilist_id=77)
    platform = factories.make_platform(name="Crunchyroll")
    Streaming.objects.create(series=series, platform=platform, url="https://example.com/rouge")
    data = get(api, reverse("api:series-detail", kwargs={"slug": series.slug}))
    assert data["external_ids"] == {"myanimelist": 55, "anidb": 66, "anilist": 77}
    assert data["streaming"] == [
        {
            "platform": "Crunchyroll",
            "platform_slug": "crunchyroll",
            "url": "https://example.com/rouge",
        }
    ]


def test_staff_character_studio_and_episode_details_link_back(api):
    series = factories.make_series(title="Metallic Rouge", year=2024)
    person = factories.make_staff(title="Yutaka Izubuchi", occupations="director, designer")
    factories.credit(series, person)
    studio = factories.make_studio(title="Bones", founded_year=1998)
    factories.studio_role(series, studio)
    factories.member(studio, person)
    rouge = factories.make_character(series=series, title="Rouge Redstar")
    factories.voice(rouge, person, "en")
    episode = factories.make_episode(series=series, number=1, title="Dawn")
    naomi = factories.make_character(title="Naomi Orthmann")
    # Her part in the series is revealed in episode 3, her row in this episode in 1:
    # the later mark is what hides her.
    series.appearances.create(character=naomi, revealed_in=3)
    factories.in_episode(episode, rouge, note="opening")
    factories.in_episode(episode, naomi, revealed_in=1)
    factories.episode_credit(episode, person, "storyboard", note="Part A")
    factories.episode_credit(episode, person, "episode_director")

    staff = get(api, reverse("api:staff-detail", kwargs={"slug": person.slug}))
    assert staff["occupations"] == ["director", "designer"]
    assert staff["credits"][0]["series"]["title"] == "Metallic Rouge"
    assert staff["credits"][0]["role"] == "director"
    assert staff["voice_roles"] == [
        {"character": staff["voice_roles"][0]["character"], "language": "en"}
    ]
    assert staff["voice_roles"][0]["character"]["slug"] == "rouge-redstar"
    assert staff["studios"][0]["studio"]["title"] == "Bones"

    character = get(api, reverse("api:character-detail", kwargs={"slug": rouge.slug}))
    assert character["appearances"][0]["series"]["id"] == series.pk
    assert character["voice_actors"][0]["actor"]["title"] == "Yutaka Izubuchi"

    bones = get(api, reverse("api:studio-detail", kwargs={"slug": studio.slug}))
    assert bones["founded_year"] == 1998
    assert bones["works"][0]["series"]["title"] == "Metallic Rouge"
    assert bones["members"][0]["person"]["title"] == "Yutaka Izubuchi"

    path = reverse("api:episode-detail", kwargs={"slug": series.slug, "number": 1})
    dawn = get(api, path)
    assert dawn["id"] == episode.pk and dawn["number"] == 1
    assert dawn["series"]["api_url"] == "http://testserver/api/v1/series/metallic-rouge/"
    assert dawn["url"] == f"http://testserver{episode.get_absolute_url()}"
    assert [
        (row["character"]["slug"], row["note"], row["revealed_in"]) for row in dawn["characters"]
    ] == [("naomi-orthmann", "", 3), ("rouge-redstar", "opening", None)]
    assert dawn["characters"][1]["character"]["api_url"].endswith("/characters/rouge-redstar/")
    assert [(row["staff"]["title"], row["role"], row["note"]) for row in dawn["staff"]] == [
        ("Yutaka Izubuchi", "episode_director", ""),
        ("Yutaka Izubuchi", "storyboard", "Part A"),
    ]


def test_lists_are_alphabetical_with_keyset_cursors(api):
    for title in ["Cowboy Bebop", "Akira", "Bungo Stray Dogs", "Dan Da Dan", "Eureka Seven"]:
        factories.make_series(title=title)
    first = get(api, reverse("api:series-list"), page_size=2)
    assert [row["title"] for row in first["results"]] == ["Akira", "Bungo Stray Dogs"]
    assert first["previous"] is None
    second = get(api, first["next"])
    assert [row["title"] for row in second["results"]] == ["Cowboy Bebop", "Dan Da Dan"]
    third = get(api, second["next"])
    assert [row["title"] for row in third["results"]] == ["Eureka Seven"]
    assert third["next"] is None
    back = get(api, third["previous"])
    assert [row["title"] for row in back["results"]] == ["Cowboy Bebop", "Dan Da Dan"]


def test_a_new_row_does_not_shift_the_next_page(api):
    for title in ["B", "C", "D"]:
        factories.make_series(title=title)
    first = get(api, reverse("api:series-list"), page_size=2)
    factories.make_series(title="A")  # before the cursor: an offset would show "C" again
    second = get(api, first["next"])
    assert [row["title"] for row in second["results"]] == ["D"]


def test_the_index_filters_tag_and_year(api):
    factories.make_series(title="Rouge", year=2024, tags=["mecha"])
    factories.make_series(title="Bebop", year=1998, tags=["space western"])
    factories.make_series(title="Gundam", year=1979, tags=["mecha"])
    factories.make_staff(title="Izubuchi", tags=["mecha"])

    assert [row["title"] for row in get(api, "/api/v1/series/", tag="mecha")["results"]] == [
        "Gundam",
        "Rouge",
    ]
    assert [row["title"] for row in get(api, "/api/v1/series/", year=1998)["results"]] == ["Bebop"]
    assert get(api, "/api/v1/series/", tag="mecha", year=1998)["results"] == []
    assert [row["title"] for row in get(api, "/api/v1/staff/", tag="mecha")["results"]] == [
        "Izubuchi"
    ]
    assert get(api, "/api/v1/series/", tag="no-such-tag")["results"] == []


def test_episodes_filter_by_series(api):
    rouge = factories.make_series(title="Rouge")
    factories.make_episode(series=rouge, number=1)
    factories.make_episode(series=factories.make_series(title="Bebop"), number=1)
    rows = get(api, "/api/v1/episodes/", series=rouge.slug)["results"]
    assert [row["series"]["title"] for row in rows] == ["Rouge"]


def test_q_searches_with_the_site_search(api):
    factories.make_series(title="Metallic Rouge", native_title="メタリックルージュ")
    factories.make_series(title="Cowboy Bebop")
    factories.make_character(title="Rouge Redstar")

    rows = get(api, "/api/v1/series/", q="ルージュ")["results"]
    assert [row["title"] for row in rows] == ["Metallic Rouge"]
    # The kind is the list's: the character named Rouge is not a series.
    rows = get(api, "/api/v1/characters/", q="rouge")["results"]
    assert [row["title"] for row in rows] == ["Rouge Redstar"]


def test_search_results_page_by_cursor(api):
    for i in range(5):
        factories.make_series(title=f"Gundam {i}")
    first = get(api, "/api/v1/series/", q="gundam", page_size=2)
    second = get(api, first["next"])
    third = get(api, second["next"])
    titles = [row["title"] for page in (first, second, third) for row in page["results"]]
    assert sorted(titles) == [f"Gundam {i}" for i in range(5)]
    assert third["next"] is None
    assert get(api, third["previous"])["results"] == second["results"]


def test_tags_list_and_detail(api):
    factories.make_series(tags=["mecha"])
    factories.make_staff(tags=["mecha", "director"])
    tags = get(api, reverse("api:tag-list"))["results"]
    assert [(tag["name"], tag["count"]) for tag in tags] == [("director", 1), ("mecha", 2)]
    mecha = get(api, reverse("api:tag-detail", kwargs={"slug": "mecha"}))
    assert mecha["count"] == 2
    assert mecha["url"] == "http://testserver/tags/mecha/"
    assert {row["kind"]: row["count"] for row in mecha["entries"]} == {"series": 1, "staff": 1}
    staff_list = next(row["api_url"] for row in mecha["entries"] if row["kind"] == "staff")
    assert get(api, staff_list)["results"][0]["tags"][1]["slug"] == "mecha"


def edit(entry, summary: str, *, user=None):
    with recorded(user=user, summary=summary):
        entry.save()
        note(entry, Change.Action.CHANGE)


def test_recent_changes_and_an_entrys_revisions(api, editor):
    series = factories.make_series(title="Metallic Rouge")
    other = factories.make_staff(title="Hori")
    edit(series, "First draft", user=editor)
    edit(other, "Credits")
    edit(series, "Fix the year")

    recent = get(api, reverse("api:recent-changes"))["results"]
    assert [row["comment"] for row in recent] == ["Fix the year", "Credits", "First draft"]
    assert recent[2]["editor"] == "editor" and recent[1]["editor"] == ""
    assert recent[0]["entry"]["api_url"] == "http://testserver/api/v1/series/metallic-rouge/"
    assert (
        recent[0]["diff_url"]
        == f"http://testserver{series.get_revision_url(recent[0]['revision_id'])}"
    )
    assert [row["kind"] for row in get(api, "/api/v1/recent/", kind="staff")["results"]] == [
        "staff"
    ]
    by_editor = get(api, "/api/v1/recent/", editor="editor")["results"]
    assert [row["comment"] for row in by_editor] == ["First draft"]
    assert get(api, "/api/v1/recent/", editor="nobody")["results"] == []
    assert [row["comment"] for row in get(api, "/api/v1/recent/", q="YEAR")["results"]] == [
        "Fix the year"
    ]

    path = reverse("api:series-revisions", kwargs={"slug": series.slug})
    revisions = get(api, path)["results"]
    assert [row["comment"] for row in revisions] == ["Fix the year", "First draft"]
    assert revisions[0]["version"] > revisions[1]["version"]


def test_a_deleted_entrys_change_keeps_its_title_without_links(api):
    series = factories.make_series(title="Gone")
    edit(series, "Made")
    from entries.services import delete_entries

    delete_entries(entries=[Series.objects.get(pk=series.pk)], summary="Duplicate")
    recent = get(api, reverse("api:recent-changes"))["results"]
    assert recent[0]["action"] == "delete" and recent[0]["title"] == "Gone"
    assert recent[0]["entry"] is None and recent[0]["diff_url"] is None


def test_unknown_entries_are_json_404s(api):
    for path in [
        "/api/v1/series/no-such-series/",
        "/api/v1/series/no-such-series/episodes/1/",
        "/api/v1/series/no-such-series/revisions/",
        "/api/v1/tags/no-such-tag/",
        "/api/v1/robots/",
        f"/api/v1/series/{'a' * 300}/",
        "/api/v1/series/x/episodes/99999999999999999999/",
        "/api/v1/series/a%0Ab/",
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_the_api_only_reads(api):
    factories.make_series(title="Rouge")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)("/api/v1/series/rouge/")
        assert response.status_code == 405, method
    assert Series.objects.get().title == "Rouge"
    assert api.head("/api/v1/series/rouge/").status_code == 200


def test_the_series_list_filters_format_season_and_status(api):
    factories.make_series(title="Rouge", year=2024, season="winter", status="finished")
    factories.make_series(title="Rouge: the Movie", format="movie", year=2025, season="spring")
    factories.make_series(title="Bebop", year=1998, season="spring", status="finished")

    def titles(**params):
        return [row["title"] for row in get(api, "/api/v1/series/", **params)["results"]]

    assert titles(format="movie") == ["Rouge: the Movie"]
    assert titles(season="spring") == ["Bebop", "Rouge: the Movie"]
    assert titles(status="finished", season="winter") == ["Rouge"]
