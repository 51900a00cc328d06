"""/sitemap.xml: an index of one sitemap per kind and one for tags, split at the
protocol's limit, with each entry's last edit, in a fixed number of queries."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from entries.models import KIND_MODELS, Entry, Series
from entries.sitemaps import EntrySitemap
from tests import factories as f

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def urls_of(response) -> dict[str, str | None]:
    """Each ``<loc>`` of a sitemap with its ``<lastmod>``."""
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in xml_of(response).iterfind("sm:url", NS)
    }


def section_url(section: str, page: int = 1) -> str:
    url = "http://testserver" + reverse("entries:sitemap-section", kwargs={"section": section})
    return f"{url}?p={page}" if page > 1 else url


def test_index_lists_a_sitemap_per_kind_and_for_tags_with_their_last_edits(client):
    series = f.make_series(title="Old", tags=["mecha"])
    f.make_episode(series=series)
    f.make_character()
    f.make_staff()
    f.make_studio()
    Entry.objects.filter(pk=series.pk).update(updated_at=dt.datetime(2020, 5, 1, tzinfo=dt.UTC))
    index = xml_of(client.get(reverse("entries:sitemap")))
    sitemaps = {
        item.findtext("sm:loc", namespaces=NS): item.findtext("sm:lastmod", namespaces=NS)
        for item in index.iterfind("sm:sitemap", NS)
    }
    sections = [*KIND_MODELS, "tags", "seasons", "episode-lists"]
    assert set(sitemaps) == {section_url(kind) for kind in sections}
    # Each section's lastmod is its latest edit: the series section has only "Old".
    assert sitemaps[section_url("series")].startswith("2020-05-01")
    latest_character = Entry.objects.filter(kind="character").latest("updated_at").updated_at
    assert sitemaps[section_url("character")] == latest_character.isoformat()


def test_a_kind_lists_every_entry_with_its_last_edit(client):
    shows = [f.make_series(title=f"Show {i}") for i in range(3)]
    Entry.objects.filter(pk=shows[0].pk).update(updated_at=dt.datetime(2021, 2, 3, tzinfo=dt.UTC))
    episode = f.make_episode(series=shows[1], number=7)
    f.make_character(title="Not a series")
    urls = urls_of(client.get(reverse("entries:sitemap-section", kwargs={"section": "series"})))
    expected = {f"http://testserver{show.get_absolute_url()}" for show in shows}
    assert set(urls) == expected
    assert urls[f"http://testserver{shows[0].get_absolute_url()}"] == "2021-02-03"
    episodes = urls_of(
        client.get(reverse("entries:sitemap-section", kwargs={"section": "episode"}))
    )
    assert list(episodes) == [f"http://testserver/series/{shows[1].slug}/episodes/7/"]
    assert episode.get_absolute_url() == f"/series/{shows[1].slug}/episodes/7/"


def test_tags_lists_only_tags_some_entry_carries(client):
    f.make_series(tags=["mecha", "space"])
    f.make_staff(tags=["space"])
    series = f.make_series(tags=["forgotten"])
    series.tags.clear()
    urls = urls_of(client.get(reverse("entries:sitemap-section", kwargs={"section": "tags"})))
    assert set(urls) == {"http://testserver/tags/mecha/", "http://testserver/tags/space/"}
    assert all(urls.values())


def test_sections_split_at_the_limit(client, monkeypatch):
    monkeypatch.setattr(EntrySitemap, "limit", 2)
    shows = [f.make_series(title=f"Show {i}") for i in range(5)]
    index = xml_of(client.get(reverse("entries:sitemap")))
    locs = [item.findtext("sm:loc", namespaces=NS) for item in index.iterfind("sm:sitemap", NS)]
    assert [loc for loc in locs if "series" in loc] == [
        section_url("series"),
        section_url("series", 2),
        section_url("series", 3),
    ]
    pages = [
        urls_of(client.get(reverse("entries:sitemap-section", args=["series"]), {"p": page}))
        for page in (1, 2, 3)
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    listed = [url for page in pages for url in page]
    assert listed == [f"http://testserver{show.get_absolute_url()}" for show in shows]
    assert (
        client.get(reverse("entries:sitemap-section", args=["series"]), {"p": 4}).status_code == 404
    )


def test_the_protocol_limit_is_kept():
    assert EntrySitemap.limit == 50_000


def test_an_unknown_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_rows_are_loaded_without_their_bodies():
    for model in KIND_MODELS.values():
        sql = str(EntrySitemap(model).items().query)
        assert "body" not in sql, model
        assert "summary" not in sql, model


@pytest.mark.parametrize("rows", [1, 40])
@pytest.mark.parametrize("section", ["series", "episode", "tags"])
def test_a_sitemap_page_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, rows, section
):
    home = f.make_series(title="Home")
    for i in range(rows):
        f.make_series(title=f"Series {i}", tags=[f"tag-{i}"])
        f.make_episode(series=home, number=i + 1)
    url = reverse("entries:sitemap-section", kwargs={"section": section})
    client.get(url)
    # The count for the paginator, then the page of rows.
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(urls_of(response)) == rows + (section == "series")


@pytest.mark.parametrize("rows", [1, 40])
def test_the_index_costs_the_same_queries_whatever_the_size(
    client, django_assert_num_queries, rows
):
    for i in range(rows):
        series = f.make_series(title=f"Series {i}", tags=["shared"])
        f.make_episode(series=series)
        f.make_character()
        f.make_staff()
        f.make_studio()
    client.get(reverse("entries:sitemap"))
    # Per section (the kinds, tags, seasons, episode lists): its latest edit and its count.
    with django_assert_num_queries(2 * (len(KIND_MODELS) + 3)):
        client.get(reverse("entries:sitemap"))
    assert Series.objects.count() == rows
