"""The search page (``/search/``) and the search box's suggestions (``/search/suggest/``).

Run on whichever database is configured (SQLite by default, PostgreSQL with
``DATABASE_URL``). The backend's own rules (ranking, typos, scripts) are tested
in ``tests/search/test_search.py``; these tests check what a reader sees and follows.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse

from entries.search import views as search_views
from entries.search.base import MAX_QUERY_LENGTH
from tests import factories as f

pytestmark = pytest.mark.django_db

SEARCH = reverse("entries:search")
SUGGEST = reverse("entries:search-suggest")


class Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(response) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(response.content.decode())
    return parser.elements


def hrefs(response) -> list[str]:
    return [attrs["href"] for tag, attrs in elements(response) if tag == "a" and "href" in attrs]


def result_links(response) -> list[str]:
    """The entry URLs of the results, in order."""
    return re.findall(
        r'<h2 class="search-result__title"><a href="([^"]+)">', response.content.decode()
    )


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def world(db):
    rouge = f.make_series(
        title="Metallic Rouge",
        native_title="メタリックルージュ",
        year=2024,
        summary="An android hunts renegade Neans on a colonised Mars.",
        tags=["mecha", "androids"],
    )
    redstar = f.make_character(
        title="Rouge Redstar",
        native_title="ルジュ・レッドスター",
        series=rouge,
        summary="An android who passes for human.",
        tags=["androids"],
    )
    f.alias(redstar, "Rouge")
    bebop = f.make_series(
        title="Cowboy Bebop",
        year=1998,
        summary="Bounty hunters drift through the solar system.",
    )
    episode = f.make_episode(
        series=rouge, number=1, title="Rouge et Noir", summary="The android hunt begins."
    )
    return {"rouge": rouge, "redstar": redstar, "bebop": bebop, "episode": episode}


@pytest.fixture
def many(db):
    """Thirty entries whose summaries say "nectar", none named it."""

    def make(count: int) -> None:
        for number in range(count):
            f.make_series(title=f"Hunter {number:02d}", summary=f"Case {number}: nectar smugglers.")

    return make


# --- URLs ---------------------------------------------------------------------------------


def test_urls_resolve_both_ways():
    assert SEARCH == "/search/"
    assert SUGGEST == "/search/suggest/"
    assert resolve("/search/").func is search_views.search
    assert resolve("/search/suggest/").func is search_views.suggest


# --- The search box -------------------------------------------------------------------------


def test_the_header_box_is_a_search_form_that_works_without_javascript(client, world):
    response = client.get(reverse("entries:home"))
    forms = [attrs for tag, attrs in elements(response) if tag == "form"]
    assert forms, "no search form"
    for form in forms:
        assert form["role"] == "search"
        assert form["action"] == SEARCH
        assert form.get("method", "get") == "get"
        assert form["data-suggest-url"] == SUGGEST
    assert any(
        tag == "input" and attrs.get("name") == "q" and attrs.get("id") == "site-search"
        for tag, attrs in elements(response)
    )
    scripts = [attrs for tag, attrs in elements(response) if tag == "script"]
    assert any(attrs["src"].endswith("js/search.js") and "defer" in attrs for attrs in scripts)


# --- The results page -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_query_shows_just_the_form(client, world, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Search Fandex" in content
    assert 'id="search-q"' in content
    assert "search-result" not in content
    assert "No results" not in content


def test_results_show_kind_linked_title_snippet_and_count(client, world):
    response = client.get(SEARCH, {"q": "android"})
    assert response.status_code == 200
    content = response.content.decode()
    assert set(result_links(response)) == {
        world["rouge"].get_absolute_url(),
        world["redstar"].get_absolute_url(),
        world["episode"].get_absolute_url(),
    }
    assert "3 results for “android”" in content
    assert '<span class="kind kind--series">Series</span>' in content
    assert '<span class="kind kind--character">Character</span>' in content
    # The snippet, with the word marked; the query stays in the page's box.
    assert "An <mark>android</mark> hunts renegade Neans" in content
    assert 'value="android"' in content
    # An episode says which series it belongs to.
    assert "Metallic Rouge, episode 1" in content


def test_matched_words_in_titles_are_marked(client, world):
    response = client.get(SEARCH, {"q": "redstar"})
    # "redstar" is not a whole name: a page of results, not a redirect.
    assert response.status_code == 200
    assert "<mark>Redstar</mark>" in response.content.decode()


def test_titles_are_escaped(client, db):
    f.make_series(title="<script>alert(1)</script> Rouge", summary="A <b>bold</b> summary.")
    response = client.get(SEARCH, {"q": "alert"})
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content
    assert "<b>bold</b>" not in content


def test_no_results_suggests_the_indexes(client, world):
    response = client.get(SEARCH, {"q": "zzyzx"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "No results for “zzyzx”" in content
    assert "Nothing on Fandex matches “zzyzx”" in content
    for name in ["series-list", "character-list", "staff-list", "studio-list", "tag-list"]:
        assert reverse(f"entries:{name}") in hrefs(response)


# --- A single exact match ---------------------------------------------------------------------


def test_a_single_exact_title_match_goes_straight_to_the_page(client, world):
    response = client.get(SEARCH, {"q": "metallic rouge"})
    assert response.status_code == 302
    assert response["Location"] == world["rouge"].get_absolute_url()


def test_an_exact_alias_match_goes_straight_to_the_page(client, world):
    response = client.get(SEARCH, {"q": "Rouge"})
    assert response.status_code == 302
    assert response["Location"] == world["redstar"].get_absolute_url()


def test_all_results_stay_on_the_results_page(client, world):
    response = client.get(SEARCH, {"q": "Metallic Rouge", "all": "1"})
    assert response.status_code == 200
    assert result_links(response)[0] == world["rouge"].get_absolute_url()
    assert "Exact match" in response.content.decode()
    # Changing the filters keeps asking for every result.
    assert '<input type="hidden" name="all" value="1">' in response.content.decode()


def test_two_exact_matches_show_the_results(client, world):
    twin = f.make_studio(title="Metallic Rouge")
    response = client.get(SEARCH, {"q": "Metallic Rouge"})
    assert response.status_code == 200
    assert set(result_links(response)[:2]) == {
        world["rouge"].get_absolute_url(),
        twin.get_absolute_url(),
    }


# --- Filters ----------------------------------------------------------------------------------


def test_kind_filter(client, world):
    response = client.get(SEARCH, {"q": "android", "kind": "character"})
    assert result_links(response) == [world["redstar"].get_absolute_url()]
    content = response.content.decode()
    assert '<option value="character" selected>' in content
    assert "Clear filters" in content


def test_tag_filter(client, world):
    response = client.get(SEARCH, {"q": "android", "tag": "mecha"})
    assert result_links(response) == [world["rouge"].get_absolute_url()]


def test_year_filter(client, world):
    response = client.get(SEARCH, {"q": "android", "year": "2024"})
    # Episodes take their series' year; characters have none.
    assert set(result_links(response)) == {
        world["rouge"].get_absolute_url(),
        world["episode"].get_absolute_url(),
    }
    assert 'value="2024"' in response.content.decode()


def test_clear_filters_keeps_the_query(client, world):
    response = client.get(SEARCH, {"q": "android", "kind": "series", "tag": "mecha"})
    clear = next(href for href in hrefs(response) if "kind" not in href and "q=android" in href)
    assert query_of(clear) == {"q": ["android"]}


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"kind": "robot"}, "The kind filter was not understood"),
        ({"year": "abc"}, "The year filter was not understood"),
        ({"year": "-5"}, "The year filter was not understood"),
        ({"kind": "robot", "year": "99999"}, "The year filter was not understood"),
    ],
)
def test_unknown_filter_values_are_left_out_and_said_so(client, world, filters, message):
    response = client.get(SEARCH, {"q": "android", **filters})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(result_links(response)) == 3


def test_an_unknown_tag_finds_nothing_and_offers_to_drop_the_filters(client, world):
    response = client.get(SEARCH, {"q": "android", "tag": "no-such-tag"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "with these filters" in content
    without = [href for href in hrefs(response) if "q=android" in href and "tag" not in href]
    assert without


def test_a_long_query_is_cut_and_said_so(client, world):
    response = client.get(SEARCH, {"q": "android " * 1250})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Your search was too long" in content
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH


# --- Pages ------------------------------------------------------------------------------------


def test_results_are_paginated_and_links_keep_the_query(client, many):
    many(30)
    first = client.get(SEARCH, {"q": "nectar", "kind": "series"})
    assert first.status_code == 200
    assert len(result_links(first)) == search_views.PER_PAGE
    assert "30 results for “nectar”, page 1 of 2" in first.content.decode()
    next_link = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1)
    assert query_of(next_link.replace("&amp;", "&")) == {
        "q": ["nectar"],
        "kind": ["series"],
        "page": ["2"],
    }

    second = client.get(SEARCH, {"q": "nectar", "kind": "series", "page": "2"})
    assert len(result_links(second)) == 10
    assert not set(result_links(first)) & set(result_links(second))
    assert 'rel="prev"' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "3", "10001", "9" * 40, "1.5"])
def test_a_page_that_is_not_a_page_is_a_404(client, many, page):
    many(30)
    assert client.get(SEARCH, {"q": "nectar", "page": page}).status_code == 404


def test_a_bad_page_with_no_query_shows_the_form(client, db):
    assert client.get(SEARCH, {"page": "abc"}).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_the_results_page_costs_a_fixed_number_of_queries(
    client, many, count, django_assert_num_queries
):
    many(count)
    # Hits with their count; entries for the results; their tags.
    with django_assert_num_queries(3):
        response = client.get(SEARCH, {"q": "nectar"})
    assert response.status_code == 200
    assert len(result_links(response)) == min(count, search_views.PER_PAGE)


def test_the_empty_search_page_makes_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(SEARCH).status_code == 200


# --- Suggestions ------------------------------------------------------------------------------


def test_suggestions_are_json_with_title_kind_and_url(client, world):
    response = client.get(SUGGEST, {"q": "rouge"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert data["query"] == "rouge"
    assert {"title": "Rouge Redstar", "kind": "character", "url": "/characters/rouge-redstar/"} in (
        data["results"]
    )
    for result in data["results"]:
        assert set(result) == {"title", "kind", "url"}
        assert resolve(result["url"])  # a real page
    assert len(data["results"]) <= search_views.SUGGESTIONS


def test_the_exact_name_is_suggested_first(client, world):
    results = client.get(SUGGEST, {"q": "Rouge"}).json()["results"]
    assert results[0]["title"] == "Rouge Redstar"


def test_the_search_box_suggests_what_the_search_page_finds_for_a_typo(client, world):
    page = client.get(SEARCH, {"q": "metalic rou"})
    assert page.context["results_page"].results[0].entry.title == "Metallic Rouge"
    results = client.get(SUGGEST, {"q": "metalic rou"}).json()["results"]
    assert results[0] == {
        "title": "Metallic Rouge",
        "kind": "series",
        "url": reverse("entries:series-detail", kwargs={"slug": "metallic-rouge"}),
    }


def test_native_titles_are_suggested(client, world):
    results = client.get(SUGGEST, {"q": "メタリック"}).json()["results"]
    assert [result["title"] for result in results] == ["Metallic Rouge"]


@pytest.mark.parametrize("query", ["", " ", "r", "  r  "])
def test_empty_or_short_queries_suggest_nothing(client, world, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(SUGGEST, {"q": query})
    assert response.status_code == 200
    assert response.json() == {"query": query.strip(), "results": []}


def test_no_query_parameter_suggests_nothing(client, db):
    response = client.get(SUGGEST)
    assert response.json() == {"query": "", "results": []}


# --- Bad input --------------------------------------------------------------------------------

BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "rouge " * 2000,
    "& | ! ( ) :*",
    "&",
    ":*",
    "!!!",
    "rouge & | !",
    '"unbalanced',
    'metallic "rouge',
    '"""',
    "rouge\x00redstar",
    "\x00",
    "🤖",
    "rouge 🤖 ✨",
    "%_\\",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "OR AND NOT NEAR",
    "-rouge",
    "rouge*",
    "ルージュ",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_no_query_breaks_the_search_page(client, world, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_no_query_breaks_the_suggestions(client, world, query):
    response = client.get(SUGGEST, {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_a_nul_in_the_address_is_harmless(client, world):
    assert client.get(f"{SEARCH}?q=rouge%00redstar").status_code in (200, 302)
    assert client.get(f"{SEARCH}?q=%00").status_code == 200
    assert client.get(f"{SUGGEST}?q=rou%00ge").status_code == 200


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "robot"},
        {"kind": "SERIES"},
        {"kind": "\x00"},
        {"kind": "x" * 10_000},
        {"tag": "no-such-tag"},
        {"tag": "🤖"},
        {"tag": "x" * 10_000},
        {"tag": "a%_\\"},
        {"year": "abc"},
        {"year": "0"},
        {"year": "-1"},
        {"year": "9" * 40},
        {"year": "2024.5"},
        {"year": "\x00"},
        {"all": "yes"},
    ],
)
def test_no_filter_value_breaks_the_search_page(client, world, filters):
    response = client.get(SEARCH, {"q": "android", **filters})
    assert response.status_code == 200
