"""Every page names its canonical address: entry pages their own, lists the page
they stand for (filters and sort orders dropped, past the first page ``?page=``),
/wiki/ names one spelling of the name."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories as f

from .helpers import head_of

pytestmark = pytest.mark.django_db

HOST = "fandex.example"


def canonical(client, url: str, status: int = 200) -> str:
    response = client.get(url, headers={"host": HOST})
    assert response.status_code == status
    (link,) = head_of(response).canonical
    return link


def test_entry_pages_of_every_kind_are_their_own_canonical(client):
    series = f.make_series(title="Show")
    for entry in [
        series,
        f.make_character(title="Hero", series=series),
        f.make_staff(title="Maker"),
        f.make_studio(title="Works"),
        f.make_episode(series=series, number=3),
    ]:
        url = entry.get_absolute_url()
        assert canonical(client, url) == f"http://{HOST}{url}"
        # A tracking parameter shows the same page.
        assert canonical(client, f"{url}?utm_source=chat") == f"http://{HOST}{url}"


def test_pages_without_entries_name_themselves(client):
    series = f.make_series(title="Show", tags=["mecha"])
    for url in [
        reverse("entries:home"),
        reverse("entries:tag-detail", kwargs={"slug": "mecha"}),
        reverse("entries:recent-changes"),
        series.get_history_url(),
    ]:
        assert canonical(client, url) == f"http://{HOST}{url}"


@override_settings(FANDEX_PAGE_SIZE=2)
def test_an_index_past_its_first_page_is_its_own_canonical(client):
    for i in range(5):
        f.make_character(title=f"Character {i}")
    index = reverse("entries:character-list")
    assert canonical(client, index) == f"http://{HOST}{index}"
    assert canonical(client, f"{index}?page=1") == f"http://{HOST}{index}"
    assert canonical(client, f"{index}?page=2&utm_source=x") == f"http://{HOST}{index}?page=2"


@override_settings(FANDEX_PAGE_SIZE=2)
def test_a_filtered_or_sorted_list_stands_for_its_index(client):
    for i in range(5):
        f.make_series(title=f"Series {i}", year=2020, tags=["mecha", f"own-{i}"])
    index = reverse("entries:series-list")
    assert canonical(client, f"{index}?page=2") == f"http://{HOST}{index}?page=2"
    assert canonical(client, f"{index}?year=2020&page=2") == f"http://{HOST}{index}"
    assert canonical(client, f"{index}?tag=mecha") == f"http://{HOST}{index}"
    tags = reverse("entries:tag-list")
    assert canonical(client, f"{tags}?order=count&page=2") == f"http://{HOST}{tags}"
    assert canonical(client, f"{tags}?page=2") == f"http://{HOST}{tags}?page=2"


def test_the_search_keeps_its_query(client):
    f.make_series(title="Rocket Girls")
    f.make_series(title="Rocket Boys")
    url = reverse("entries:search")
    assert canonical(client, f"{url}?q=rocket&utm_source=x") == f"http://{HOST}{url}?q=rocket"


def test_wiki_names_have_one_canonical_spelling(client):
    for i in range(2):
        f.make_episode(title="Echo Chamber", number=1, series=f.make_series(title=f"Show {i}"))
    expected = f"http://{HOST}/wiki/Echo_Chamber"
    assert canonical(client, "/wiki/Echo%20Chamber") == expected
    assert canonical(client, "/wiki/Echo_Chamber") == expected
    assert canonical(client, "/wiki/Nobody%20Here", status=404) == f"http://{HOST}/wiki/Nobody_Here"
    assert canonical(client, "/wiki/episode:Echo%20Chamber") == (
        f"http://{HOST}/wiki/episode:Echo_Chamber"
    )


def test_a_page_not_found_has_no_canonical_and_does_not_echo_the_address(client):
    response = client.get("/series/nothing-called-this/", headers={"host": HOST})
    assert response.status_code == 404
    assert head_of(response).canonical == []
    assert "nothing-called-this" not in response.content.decode()
