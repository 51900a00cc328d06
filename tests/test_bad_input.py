"""Hand-edited addresses and query strings get a clear answer, never a 500."""

import pytest
from django.test import override_settings
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db

INDEXES = ["series-list", "character-list", "staff-list", "studio-list", "tag-list"]
LONG = "a" * 5000


@pytest.fixture
def a_few_pages():
    series = f.make_series(title="Metallic Rouge", year=2024, tags=["mecha"])
    f.make_character(title="Rouge Redstar", series=series, tags=["mecha"])
    f.make_staff(title="Yutaka Izubuchi")
    f.make_studio(title="Bones")
    f.make_episode(series=series, number=1)
    return series


# --- Page numbers --------------------------------------------------------------------------
# A page number that is not a page is a 404 (Django's ListView behaviour): links only
# point at real pages, so only a hand-edited address meets it.


@pytest.mark.parametrize("url_name", INDEXES)
@pytest.mark.parametrize("page", ["abc", "999999", "-1", "0", "1.5", "\x00", "9" * 400])
def test_a_page_number_that_is_not_a_page_is_a_404(client, a_few_pages, url_name, page):
    response = client.get(reverse(f"entries:{url_name}"), {"page": page})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("url_name", INDEXES)
def test_last_and_first_pages_work(client, a_few_pages, url_name):
    for page in ("1", "last"):
        assert client.get(reverse(f"entries:{url_name}"), {"page": page}).status_code == 200


@override_settings(FANDEX_PAGE_SIZE=1)
def test_a_page_past_the_end_is_a_404_even_with_filters(client, a_few_pages):
    url = reverse("entries:series-list")
    assert client.get(url, {"tag": "mecha", "page": "1"}).status_code == 200
    assert client.get(url, {"tag": "mecha", "page": "2"}).status_code == 404


# --- Series filters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "Year must be a number."),
        ("99999999999", "Year must be between 1900 and 2100."),
        ("-5", "Year must be between 1900 and 2100."),
        ("1e400", "Year must be a number."),
        ("20\x0024", "Year must be a number."),
    ],
)
def test_a_bad_year_is_ignored_with_a_message(client, a_few_pages, year, message):
    response = client.get(reverse("entries:series-list"), {"year": year})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "The year filter was left out." in content
    # The filter is left out: every series is listed.
    assert list(response.context["entries"]) == [a_few_pages]


def test_a_bad_year_leaves_the_other_filters_in_place(client, a_few_pages):
    f.make_series(title="Untagged")
    response = client.get(reverse("entries:series-list"), {"year": "abc", "tag": "mecha"})
    assert list(response.context["entries"]) == [a_few_pages]


@pytest.mark.parametrize("tag", ["no-such-tag", "ロボット", "a" * 300, "<script>"])
def test_an_unknown_tag_gives_an_empty_list_with_a_message(client, a_few_pages, tag):
    response = client.get(reverse("entries:series-list"), {"tag": tag})
    assert response.status_code == 200
    assert list(response.context["entries"]) == []
    content = response.content.decode()
    assert "No series has the tag" in content or "The tag filter was left out." in content
    assert "<script>" not in content


def test_a_tag_only_other_kinds_have_gives_an_empty_list(client, a_few_pages):
    f.make_staff(tags=["people-only"])
    response = client.get(reverse("entries:series-list"), {"tag": "people-only"})
    assert list(response.context["entries"]) == []
    assert "No series has the tag “people-only”." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"q": "\x00"}, {"tag": "\x00"}, {"q": LONG}, {"q": "%_\\"}, {"year": "", "tag": ""}],
)
def test_odd_filters_never_fail(client, a_few_pages, params):
    assert client.get(reverse("entries:series-list"), params).status_code == 200


def test_a_search_with_like_wildcards_matches_them_literally(client, a_few_pages):
    response = client.get(reverse("entries:series-list"), {"q": "%"})
    assert list(response.context["entries"]) == []


@pytest.mark.parametrize("order", ["", "nope", "\x00", "-count"])
def test_an_unknown_tag_order_sorts_by_name(client, a_few_pages, order):
    response = client.get(reverse("entries:tag-list"), {"order": order})
    assert response.status_code == 200
    assert response.context["order"] == "name"


# --- Over-long and unknown addresses ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/series/{LONG}/",
        f"/characters/{LONG}/",
        f"/staff/{LONG}/",
        f"/studios/{LONG}/",
        f"/tags/{LONG}/",
        f"/series/{LONG}/episodes/1/",
        "/series/metallic-rouge/episodes/99999999999999999999/",
        "/series/metallic-rouge/episodes/32768/",
        "/series/metallic-rouge/episodes/0/",
        "/series/no-such-series/episodes/1/",
        "/tags/no-such-tag/",
        "/tags/%00/",
        f"/{LONG}/",
    ],
)
def test_over_long_or_unknown_addresses_are_404(client, a_few_pages, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- /wiki/ --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/wiki/%00",
        "/wiki/Rouge%00Redstar%00",
        f"/wiki/{LONG}",
        "/wiki/___",
        "/wiki/studio:",
        "/wiki/[[Rouge]]",
        "/wiki/%E2%80%8B",
        "/wiki/%FF%FE",
    ],
)
def test_wiki_bad_names_are_404_not_500(client, a_few_pages, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.status_code != 500


def test_wiki_with_nul_does_not_reach_the_database_as_nul(client, a_few_pages):
    # PostgreSQL refuses NUL in strings; the resolver must drop it first.
    response = client.get("/wiki/Rouge%00_Redstar")
    assert response.status_code in (302, 404)


def test_wiki_with_no_name_is_a_404(client):
    assert client.get("/wiki/").status_code == 404
