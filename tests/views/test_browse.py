"""Browsing: the indexes' sorts, filters and counts, the season charts and a series'
episode list (issue 13, items 5 to 7)."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import resolve, reverse

from entries.models import Streaming
from entries.seasons import Season
from entries.views import indexes

from .. import factories as f

pytestmark = pytest.mark.django_db

SERIES = reverse("entries:series-list")


def titles(response) -> list[str]:
    return [entry.title for entry in response.context["entries"]]


def text_of(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.split())


def facet(response, name: str) -> dict[str, int]:
    found = next(facet for facet in response.context["facets"] if facet.name == name)
    return {option.value: option.count for option in found.options}


@pytest.fixture
def shelf():
    """Six series across formats, seasons, years, statuses and tags."""
    return {
        "rouge": f.make_series(
            title="Metallic Rouge",
            native_title="メタリックルージュ",
            format="tv",
            season="winter",
            year=2024,
            status="finished",
            start_date=dt.date(2024, 1, 10),
            tags=["mecha", "androids"],
        ),
        "hack": f.make_series(
            title=".hack//Sign", format="tv", season="spring", year=2002, status="finished"
        ),
        "compass": f.make_series(
            title="#Compass 2.0", format="ona", season="winter", year=2024, status="finished"
        ),
        "akira": f.make_series(
            title="Akira",
            format="movie",
            season="summer",
            year=1988,
            status="finished",
            tags=["mecha"],
        ),
        "zeta": f.make_series(
            title="Zeta Gundam",
            format="tv",
            season="spring",
            year=1985,
            status="finished",
            tags=["mecha"],
        ),
        "new": f.make_series(
            title="Brand New Show",
            format="tv",
            season="winter",
            year=2024,
            status="airing",
            start_date=dt.date(2024, 1, 3),
            tags=["mecha"],
        ),
    }


# --- Sorting ---------------------------------------------------------------------------------


def test_titles_sort_without_their_leading_punctuation(client, shelf):
    response = client.get(SERIES)
    assert titles(response) == [
        "Akira",
        "Brand New Show",
        "#Compass 2.0",
        ".hack//Sign",
        "Metallic Rouge",
        "Zeta Gundam",
    ]
    assert titles(client.get(SERIES, {"sort": "-title"}))[:2] == ["Zeta Gundam", "Metallic Rouge"]


def test_sorting_by_year_newest_and_last_edit(client, shelf):
    by_year = titles(client.get(SERIES, {"sort": "year"}))
    assert by_year[:3] == ["Zeta Gundam", "Akira", ".hack//Sign"]
    newest = titles(client.get(SERIES, {"sort": "newest"}))
    # 2024 first, the latest start date first among them (no date last).
    assert newest[:3] == ["Metallic Rouge", "Brand New Show", "#Compass 2.0"]
    shelf["akira"].summary = "Edited just now."
    shelf["akira"].save()
    assert titles(client.get(SERIES, {"sort": "edited"}))[0] == "Akira"


def test_the_sort_order_is_a_drop_down_that_says_what_is_chosen(client, shelf):
    content = client.get(SERIES, {"sort": "year"}).content.decode()
    assert '<option value="year" selected>Year, oldest first</option>' in content
    # "Best match" only with a name to match.
    assert 'value="match"' not in content
    assert 'value="match" selected' in client.get(SERIES, {"q": "rouge"}).content.decode()


# --- Filters and their counts ---------------------------------------------------------------


def test_filters_by_format_season_year_and_status(client, shelf):
    response = client.get(SERIES, {"format": "tv", "season": "winter", "year": "2024"})
    assert titles(response) == ["Brand New Show", "Metallic Rouge"]
    assert "2 TV series of winter 2024" in text_of(response)
    assert titles(client.get(SERIES, {"status": "airing"})) == ["Brand New Show"]


def test_counts_per_value_follow_the_other_filters(client, shelf):
    everything = client.get(SERIES)
    assert facet(everything, "format") == {"tv": 4, "movie": 1, "ona": 1}
    assert facet(everything, "year") == {"2024": 3, "2002": 1, "1988": 1, "1985": 1}
    # With a format chosen, the other facets count within it; its own still counts all.
    tv = client.get(SERIES, {"format": "tv"})
    assert facet(tv, "year") == {"2024": 2, "2002": 1, "1985": 1}
    assert facet(tv, "format") == {"tv": 4, "movie": 1, "ona": 1}
    assert '<option value="tv" selected>TV (4)</option>' in tv.content.decode()


def test_several_tags_narrow_together(client, shelf):
    response = client.get(SERIES, {"tag": ["mecha", "androids"]})
    assert titles(response) == ["Metallic Rouge"]
    content = response.content.decode()
    # Each chosen tag is kept by a hidden field and can be removed by a link.
    assert content.count('<input type="hidden" name="tag"') == 2
    assert 'aria-label="Remove the tag androids"' in content
    assert 'href="?tag=mecha"' in content
    # Counts: what adding a tag would leave.
    assert facet(client.get(SERIES, {"tag": "mecha"}), "tag") == {"mecha": 4, "androids": 1}


def test_the_name_filter_is_the_site_search(client, shelf):
    f.alias(shelf["zeta"], "Kidō Senshi Z Gundam", language="ja-Latn")
    assert titles(client.get(SERIES, {"q": "metalic"})) == ["Metallic Rouge"]  # a typo
    assert titles(client.get(SERIES, {"q": "ルージュ"})) == ["Metallic Rouge"]  # a fragment
    assert titles(client.get(SERIES, {"q": "kidō senshi"})) == ["Zeta Gundam"]  # an alias
    # Combined with other filters, and sorted as asked.
    assert titles(client.get(SERIES, {"q": "metalic", "format": "movie"})) == []


def test_the_other_indexes_filter_by_name_and_tag_and_sort(client, shelf):
    f.make_character(title="Rouge Redstar", tags=["androids"])
    f.make_character(title="Naomi Orthmann", tags=["androids"])
    f.make_character(title="Jean Jaques Mignot")
    url = reverse("entries:character-list")
    assert titles(client.get(url, {"tag": "androids"})) == ["Naomi Orthmann", "Rouge Redstar"]
    assert titles(client.get(url, {"q": "redstr"})) == ["Rouge Redstar"]
    assert titles(client.get(url, {"sort": "-title"}))[0] == "Rouge Redstar"
    assert facet(client.get(url), "tag") == {"androids": 2}
    # Series-only filters are not offered, and are not errors either: simply unknown.
    assert 'name="format"' not in client.get(url).content.decode()


# --- Bad values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "cartoon"}, "There is no format “cartoon”. The format filter was left out."),
        ({"season": "monsoon"}, "There is no season “monsoon”."),
        ({"status": "x" * 300}, "There is no status"),
        ({"sort": "random"}, "There is no sort order “random”."),
        ({"year": "abc"}, "Year must be a number."),
        ({"year": "9" * 30}, "Year must be between 1900 and 2100."),
        ({"tag": ["a", "b", "c", "d", "e", "f"]}, "At most 5 tags can be combined."),
        ({"tag": "no-such-tag"}, "No series has the tag “no-such-tag”."),
        ({"tag": "androids", "format": "movie"}, "No series matching the other filters has"),
        ({"tag": "a\x00b"}, "Null characters are not allowed."),
        ({"format": "\x00", "sort": "\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_values_are_said_on_the_page(client, shelf, params, message):
    response = client.get(SERIES, params)
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'role="alert"' in response.content.decode()


def test_a_bad_value_leaves_the_other_filters_in_place(client, shelf):
    response = client.get(SERIES, {"format": "cartoon", "tag": "androids"})
    assert titles(response) == ["Metallic Rouge"]


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99", "9" * 400, "1.5"])
def test_a_page_that_is_not_a_page_says_which_pages_there_are(client, shelf, page):
    response = client.get(SERIES, {"page": page, "format": "tv"})
    assert response.status_code == 404
    text = text_of(response)
    assert "has no such page: its pages are numbered 1 to 1" in text
    assert 'href="?format=tv">Go to the first page' in response.content.decode()


@override_settings(FANDEX_PAGE_SIZE=1)
def test_deep_pages_stop_at_the_cap_and_say_how_to_go_further(client, shelf, monkeypatch):
    monkeypatch.setattr(indexes.CappedPaginator, "max_pages", 3)
    last = client.get(SERIES, {"page": "last"})
    assert last.context["page_obj"].number == 3
    assert "These are the first 3 pages of 6 series in this order" in text_of(last)
    # The page links stop at the cap.
    assert "?page=4" not in last.content.decode()
    beyond = client.get(SERIES, {"page": "4"})
    assert beyond.status_code == 404
    assert "Only the first 3 pages can be browsed in one order" in text_of(beyond)
    # The other order reaches the rest.
    assert titles(client.get(SERIES, {"sort": "-title", "page": "1"})) == ["Zeta Gundam"]


# --- Query counts ----------------------------------------------------------------------------

COMBINATIONS = [
    # Count, page, its tags, the format, season, year, status and tag facets.
    ({}, 8),
    ({"format": "tv", "sort": "newest"}, 8),
    ({"season": "winter", "year": "2024", "status": "finished", "sort": "year"}, 8),
    ({"tag": ["mecha", "androids"], "sort": "edited"}, 8),
    # The name search comes first.
    ({"q": "series", "tag": "mecha", "format": "tv", "year": "2024"}, 9),
    ({"q": "series", "sort": "-title", "page": "2"}, 9),
    # Bad values cost nothing more.
    ({"format": "cartoon", "year": "abc", "sort": "zzz"}, 8),
]


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(("params", "queries"), COMBINATIONS)
@override_settings(FANDEX_PAGE_SIZE=2)
def test_every_filter_combination_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, rows, params, queries
):
    for number in range(rows):
        f.make_series(
            title=f"Series {number}",
            format="tv",
            season="winter",
            year=2024,
            status="finished",
            tags=["mecha", "androids", f"own-{number}"],
        )
    client.get(SERIES, params)
    with django_assert_num_queries(queries):
        response = client.get(SERIES, params)
    assert response.status_code == 200
    assert response.context["entries"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_other_indexes_cost_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    for number in range(rows):
        f.make_studio(title=f"Studio {number}", tags=["shared", f"own-{number}"])
    url = reverse("entries:studio-list")
    # Count, page, its tags, the tag facet; and the name search.
    with django_assert_num_queries(4):
        client.get(url, {"tag": "shared", "sort": "edited"})
    with django_assert_num_queries(5):
        client.get(url, {"q": "studio", "tag": "shared"})


# --- Canonical links ---------------------------------------------------------------------------


def canonical(response) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', response.content.decode())[1]


def test_filtered_and_sorted_indexes_stand_for_the_index(client, shelf):
    assert canonical(client.get(SERIES, {"format": "tv", "tag": "mecha"})).endswith("/series/")
    assert canonical(client.get(SERIES, {"sort": "year"})).endswith("/series/")
    url = reverse("entries:character-list")
    assert canonical(client.get(url, {"q": "rouge"})).endswith("/characters/")


# --- Season charts -----------------------------------------------------------------------------


def test_urls_resolve_both_ways():
    assert reverse("entries:season", kwargs={"year": 2024, "season": "winter"}) == (
        "/seasons/2024/winter/"
    )
    assert resolve("/seasons/2024/winter/").url_name == "season"
    assert reverse("entries:episode-list", kwargs={"slug": "metallic-rouge"}) == (
        "/series/metallic-rouge/episodes/"
    )
    assert resolve("/series/metallic-rouge/episodes/").url_name == "episode-list"


def test_a_season_chart_shows_its_series_by_format_with_studio_and_streaming(client, shelf):
    bones = f.make_studio(title="Bones")
    f.studio_role(shelf["rouge"], bones)
    netflix = f.make_platform(name="Netflix", slug="netflix", website="https://www.netflix.com/")
    Streaming.objects.create(series=shelf["rouge"], platform=netflix)
    response = client.get(reverse("entries:season", kwargs={"year": 2024, "season": "winter"}))
    assert response.status_code == 200
    text = text_of(response)
    assert "Winter 2024" in text
    assert "3 series starting this season: 2 TV, 1 ONA" in text
    groups = response.context["groups"]
    assert [group.label for group in groups] == ["TV", "ONA"]
    # By start date.
    assert [series.title for series, _ in groups[0].rows] == ["Brand New Show", "Metallic Rouge"]
    content = response.content.decode()
    assert '<time datetime="2024-01-10">10 Jan 2024</time>' in content
    assert f'href="{bones.get_absolute_url()}">Bones</a>' in content
    assert 'href="https://www.netflix.com/" rel="external noopener">Netflix</a>' in content
    # The seasons either side.
    assert 'rel="prev" href="/seasons/2023/fall/"' in content
    assert 'rel="next" href="/seasons/2024/spring/"' in content
    assert canonical(response).endswith("/seasons/2024/winter/")


@pytest.mark.parametrize("rows", [1, 20])
def test_a_season_chart_costs_three_queries(client, django_assert_num_queries, rows):
    studio = f.make_studio(title="Studio")
    platform = f.make_platform(name="Crunchyroll", slug="crunchyroll")
    for number in range(rows):
        series = f.make_series(title=f"Show {number}", season="fall", year=2025)
        f.studio_role(series, studio)
        Streaming.objects.create(series=series, platform=platform)
    with django_assert_num_queries(3):
        response = client.get(reverse("entries:season", kwargs={"year": 2025, "season": "fall"}))
    assert response.context["count"] == rows


@pytest.mark.parametrize(
    "path",
    [
        "/seasons/1800/winter/",
        "/seasons/2024/monsoon/",
        "/seasons/99999999999/fall/",
        "/seasons/2024/Winter/",
    ],
)
def test_a_season_no_series_can_have_is_a_404(client, db, path):
    assert client.get(path).status_code == 404


def test_an_empty_season_says_so_and_links_on(client, db):
    response = client.get(reverse("entries:season", kwargs={"year": 1990, "season": "summer"}))
    assert response.status_code == 200
    assert "No series of Summer 1990 has a page yet." in text_of(response)
    assert 'href="/seasons/1990/fall/"' in response.content.decode()


def test_the_index_and_home_link_to_season_charts(client, shelf):
    chart = reverse("entries:season", kwargs={"year": 2024, "season": "winter"})
    filtered = client.get(SERIES, {"year": "2024", "season": "winter"})
    assert f'href="{chart}">See Winter 2024 as a season chart' in filtered.content.decode()
    current = Season.current()
    assert f'href="{current.get_absolute_url()}"' in client.get(SERIES).content.decode()
    home = client.get(reverse("entries:home")).content.decode()
    assert f'href="{current.get_absolute_url()}">What airs this season: {current}' in home


def test_seasons_follow_each_other():
    assert Season(2024, "winter").previous == Season(2023, "fall")
    assert Season(2024, "fall").next == Season(2025, "winter")
    assert Season(1900, "winter").previous is None
    assert Season.of(dt.date(2026, 12, 1)) == Season(2026, "fall")
    assert str(Season(2026, "fall")) == "Fall 2026"


# --- Episode lists -----------------------------------------------------------------------------


@pytest.fixture
def thirteen():
    series = f.make_series(title="Metallic Rouge", episode_count=13)
    f.make_episode(series=series, number=1, title="Eve of Departure", air_date=dt.date(2024, 1, 10))
    f.make_episode(series=series, number=2, title="Neo Ghetto")
    return series


def test_the_episode_list_shows_every_episode_and_which_have_no_page(client, thirteen):
    response = client.get(reverse("entries:episode-list", kwargs={"slug": thirteen.slug}))
    assert response.status_code == 200
    text = text_of(response)
    assert "13 episodes, 2 with a page." in text
    assert "Eve of Departure" in text and "Neo Ghetto" in text
    assert "Without a page yet Episodes 3–13." in text
    content = response.content.decode()
    assert '<time datetime="2024-01-10">10 Jan 2024</time>' in content
    assert 'href="/series/metallic-rouge/episodes/1/"' in content
    assert canonical(response).endswith("/series/metallic-rouge/episodes/")


def test_the_infobox_count_links_to_the_list_and_says_how_many_have_pages(client, thirteen):
    response = client.get(thirteen.get_absolute_url())
    text = text_of(response)
    assert "Episodes 13 episodes (2 with pages)" in text
    assert 'href="/series/metallic-rouge/episodes/">13 episodes</a>' in response.content.decode()
    # When every episode has a page, no aside.
    thirteen.episode_count = 2
    thirteen.save()
    assert "(2 with pages)" not in text_of(client.get(thirteen.get_absolute_url()))


@pytest.mark.parametrize("rows", [1, 30])
def test_the_episode_list_costs_two_queries(client, django_assert_num_queries, rows):
    series = f.make_series(title="Long Show", episode_count=rows + 5)
    for number in range(1, rows + 1):
        f.make_episode(series=series, number=number)
    with django_assert_num_queries(2):
        response = client.get(reverse("entries:episode-list", kwargs={"slug": series.slug}))
    assert len(response.context["episodes"]) == rows


def test_the_episode_list_of_no_series_is_a_404(client, db):
    assert client.get("/series/no-such-show/episodes/").status_code == 404
    assert client.get("/series/" + "a" * 400 + "/episodes/").status_code == 404


def test_a_series_without_episode_pages_says_so(client, db):
    series = f.make_series(title="Quiet Show", episode_count=1)
    response = client.get(reverse("entries:episode-list", kwargs={"slug": series.slug}))
    text = text_of(response)
    assert "No episode of Quiet Show has a page yet." in text
    assert "Episode 1." in text
    assert "(none with a page yet)" in text_of(client.get(series.get_absolute_url()))


# --- Sitemaps and the page cache ---------------------------------------------------------------


def test_season_charts_and_episode_lists_are_in_the_sitemap(client, thirteen, shelf):
    seasons = client.get("/sitemap-seasons.xml").content.decode()
    assert "/seasons/2024/winter/</loc>" in seasons
    assert "/seasons/1985/spring/</loc>" in seasons
    lists = client.get("/sitemap-episode-lists.xml").content.decode()
    assert "/series/metallic-rouge/episodes/</loc>" in lists
    assert "/series/akira/episodes/" not in lists
    assert "sitemap-seasons.xml" in client.get("/sitemap.xml").content.decode()


def test_new_pages_go_through_the_page_cache(client, settings, thirteen):
    settings.FANDEX_PAGE_CACHE = True
    for url in (
        reverse("entries:episode-list", kwargs={"slug": thirteen.slug}),
        reverse("entries:season", kwargs={"year": 2024, "season": "winter"}),
        SERIES + "?format=tv&sort=year",
    ):
        first = client.get(url)
        assert first["X-Fandex-Cache"] == "miss"
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304
