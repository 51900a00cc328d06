"""/robots.txt points crawlers at the sitemap and keeps them out of the admin, the
search and the history; /random/ sends a reader to a random entry."""

import pytest
from django.urls import resolve, reverse

from entries.models import KIND_MODELS, Entry
from entries.views import seo as seo_views
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out(client):
    response = client.get("/robots.txt", headers={"host": "fandex.example"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://fandex.example/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    assert disallowed == {"/admin/", "/search/", "/*/history/"}


def test_robots_rules_cover_the_history_and_diff_pages():
    """Google's and Bing's robots.txt patterns: ``*`` is any run of characters."""
    series = f.make_series(title="Show")
    episode = f.make_episode(series=series)
    for url in [
        series.get_history_url(),
        series.get_revision_url(1),
        episode.get_history_url(),
        episode.get_revision_url(1),
    ]:
        assert url.startswith("/") and "/history/" in url[1:], url
    for url in [series.get_absolute_url(), episode.get_absolute_url(), reverse("entries:home")]:
        assert "/history/" not in url


def test_robots_and_sitemap_urls_both_ways():
    assert reverse("entries:robots") == "/robots.txt"
    assert resolve("/robots.txt").func is seo_views.robots_txt
    assert reverse("entries:sitemap") == "/sitemap.xml"
    assert reverse("entries:sitemap-section", kwargs={"section": "series"}) == "/sitemap-series.xml"
    assert reverse("entries:random") == "/random/"
    assert reverse("entries:random-kind", kwargs={"kind": "series"}) == "/random/series/"
    assert resolve("/random/staff/").kwargs == {"kind": "staff"}


# --- /random/ --------------------------------------------------------------------------------


def test_random_redirects_to_an_entry_and_is_never_cached(client):
    entries = [f.make_series(), f.make_character(), f.make_staff(), f.make_studio()]
    urls = {entry.get_absolute_url() for entry in entries}
    seen = set()
    for _ in range(40):
        response = client.get(reverse("entries:random"))
        assert response.status_code == 302
        assert "no-cache" in response["Cache-Control"]
        assert response["Location"] in urls
        seen.add(response["Location"])
    # Forty draws from four pages: all but certainly more than one of them.
    assert len(seen) > 1


@pytest.mark.parametrize("kind", list(Entry.Kind.values))
def test_random_of_a_kind_lands_on_that_kind(client, kind):
    series = f.make_series(title="Show")
    wanted = [f.make_entry(KIND_MODELS[kind]) for _ in range(3)]
    if kind == Entry.Kind.SERIES:
        wanted.append(series)
    f.make_episode(series=series)
    urls = {entry.get_absolute_url() for entry in wanted}
    if kind == Entry.Kind.EPISODE:
        urls |= {episode.get_absolute_url() for episode in series.episodes.all()}
    for _ in range(10):
        response = client.get(reverse("entries:random-kind", kwargs={"kind": kind}))
        assert response.status_code == 302
        assert response["Location"] in urls


def test_random_with_no_entries_of_the_kind_is_a_404(client):
    f.make_series()
    response = client.get(reverse("entries:random-kind", kwargs={"kind": "studio"}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_random_with_no_entries_at_all_is_a_404(client):
    assert client.get(reverse("entries:random")).status_code == 404


def test_random_of_a_kind_that_does_not_exist_is_a_404(client):
    f.make_series()
    assert client.get("/random/planets/").status_code == 404


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize("kind", ["", "series", "episode"])
def test_random_costs_three_index_lookups_whatever_the_size(
    client, django_assert_num_queries, rows, kind
):
    series = f.make_series()
    for i in range(rows):
        f.make_series()
        f.make_episode(series=series, number=i + 1)
    url = (
        reverse("entries:random-kind", kwargs={"kind": kind}) if kind else reverse("entries:random")
    )
    # The lowest key, the highest key, the first entry at or after the random one.
    with django_assert_num_queries(3) as queries:
        assert client.get(url).status_code == 302
    # None of them counts or sorts the whole table at random.
    assert not [q["sql"] for q in queries.captured_queries if "RANDOM" in q["sql"].upper()]
    assert all("LIMIT 1" in q["sql"] for q in queries.captured_queries)


def test_the_footer_links_to_a_random_page(client):
    response = client.get(reverse("entries:home"))
    assert f'href="{reverse("entries:random")}"' in response.content.decode()
