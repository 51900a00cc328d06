"""The page cache: anonymous readers get cached pages that are never stale, editors
never share theirs, and conditional GETs are answered without rendering."""

import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from entries.caching import generation
from entries.caching.middleware import STATUS_HEADER
from entries.models import Series
from tests import factories
from tests.helpers import open_form
from wiki.release import code_release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.FANDEX_PAGE_CACHE = True


@pytest.fixture
def reader():
    """An anonymous reader, apart from the editor (``editor_client`` logs ``client`` in)."""
    return Client()


@pytest.fixture
def series(db):
    return factories.make_series(title="Metallic Rouge", summary="Androids on Mars.")


def test_the_second_anonymous_read_comes_from_the_cache(client, series, django_assert_num_queries):
    first = client.get(series.get_absolute_url())
    assert first[STATUS_HEADER] == "miss"

    with django_assert_num_queries(0):
        second = client.get(series.get_absolute_url())

    assert second[STATUS_HEADER] == "hit"
    assert second.content == first.content
    assert "Androids on Mars." in second.content.decode()


def test_an_admin_edit_is_on_the_next_anonymous_read(
    reader, editor_client, series, django_capture_on_commit_callbacks
):
    url = series.get_absolute_url()
    reader.get(url)
    assert reader.get(url)[STATUS_HEADER] == "hit"
    change_url, data = open_form(editor_client, Series, series)
    data["summary"] = "Rouge hunts the Immortal Nine."

    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(change_url, data).status_code == 302

    response = reader.get(url)
    assert response[STATUS_HEADER] == "miss"
    assert "Rouge hunts the Immortal Nine." in response.content.decode()


def test_lists_and_other_pages_are_fresh_after_a_write_too(
    client, series, django_capture_on_commit_callbacks
):
    from entries import services
    from entries.models import Change

    client.get("/")
    client.get("/series/")
    with django_capture_on_commit_callbacks(execute=True), services.recorded(summary="New"):
        other = factories.make_series(title="Gundam Lost Tracks")
        services.note(other, Change.Action.CREATE)

    assert "Gundam Lost Tracks" in client.get("/series/").content.decode()
    assert "Gundam Lost Tracks" in client.get("/recent/").content.decode()


def test_editors_never_get_a_cached_page_and_never_fill_the_cache(reader, editor_client, series):
    url = series.get_absolute_url()
    reader.get(url)  # cached for readers

    as_editor = editor_client.get(url)
    assert as_editor[STATUS_HEADER] == "bypass"
    assert "private" in as_editor["Cache-Control"]

    generation.bump()
    editor_client.get(url)
    assert reader.get(url)[STATUS_HEADER] == "miss", "the editor's page was cached"


def test_a_matching_conditional_get_is_a_304_without_rendering(
    client, series, django_assert_num_queries
):
    url = series.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]

    with django_assert_num_queries(0):
        revalidated = client.get(url, headers={"If-None-Match": etag})

    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated[STATUS_HEADER] == "hit"
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_public_pages_let_browsers_revalidate_and_shared_caches_keep_them(client, series):
    response = client.get(series.get_absolute_url())

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0"} <= cache_control
    assert "Cookie" in response["Vary"]
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_with_a_purgeable_shared_cache_it_may_keep_pages_long(client, series, settings):
    settings.FANDEX_SHARED_MAX_AGE = 86400

    cache_control = client.get(series.get_absolute_url())["Cache-Control"]

    assert "s-maxage=86400" in cache_control
    assert "stale-while-revalidate=" in cache_control


def test_missing_pages_are_cached_and_turn_into_pages(client, django_capture_on_commit_callbacks):
    from entries import services
    from entries.models import Change

    assert client.get("/series/metallic-rouge/").status_code == 404
    assert client.get("/series/metallic-rouge/")[STATUS_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True), services.recorded():
        created = factories.make_series(title="Metallic Rouge", slug="metallic-rouge")
        services.note(created, Change.Action.CREATE)

    assert client.get("/series/metallic-rouge/").status_code == 200


def test_the_admin_and_the_search_suggestions_of_editors_are_never_cached(reader, editor_client):
    assert reader.get("/admin/login/")[STATUS_HEADER] == "bypass"
    assert editor_client.get("/search/suggest/?q=me")[STATUS_HEADER] == "bypass"


def test_turned_off_it_stores_nothing_but_keeps_the_http_headers(client, series, settings):
    settings.FANDEX_PAGE_CACHE = False
    url = series.get_absolute_url()

    first = client.get(url)
    second = client.get(url)

    assert first[STATUS_HEADER] == second[STATUS_HEADER] == "off"
    assert second["ETag"] == first["ETag"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_worker_processes_without_redis_share_the_generation(settings, tmp_path):
    """The embedded default keeps the page cache in a folder: a write seen by one
    worker process moves the generation for every other."""
    settings.CACHES = {
        **django_settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
            # As wiki/settings.py names them: both processes run the same code.
            "KEY_PREFIX": f"pages-{code_release()}",
        },
    }
    before = generation.current()
    script = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'wiki.settings';"
        f"os.environ['FANDEX_CACHE_DIR'] = {str(tmp_path)!r};"
        "django.setup();"
        "from entries.caching import generation;"
        "print(generation.bump())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1"},
        check=True,
    )

    assert generation.current() == int(other.stdout.split()[-1]) > before


def test_pages_rendered_by_other_code_are_not_served_after_a_deploy(client, series, settings):
    """The page cache's keys carry the code's release (wiki/release.py): a deploy with
    new templates does not serve the pages the old ones rendered."""
    pages = {**settings.CACHES["pages"], "LOCATION": "deploy-test"}
    settings.CACHES = {**settings.CACHES, "pages": {**pages, "KEY_PREFIX": "pages-old"}}
    client.get(series.get_absolute_url())
    assert client.get(series.get_absolute_url())[STATUS_HEADER] == "hit"

    settings.CACHES = {**settings.CACHES, "pages": {**pages, "KEY_PREFIX": "pages-new"}}

    assert client.get(series.get_absolute_url())[STATUS_HEADER] == "miss"


def test_the_release_is_a_hash_of_the_code_unless_the_deployment_names_it(monkeypatch):
    monkeypatch.delenv("FANDEX_RELEASE", raising=False)
    assert code_release() == code_release() != ""
    monkeypatch.setenv("FANDEX_RELEASE", "v2026.12.1")
    assert code_release() == "v2026.12.1"
