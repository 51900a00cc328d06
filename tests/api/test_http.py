"""The API on the web: the page cache and its 304s, freshness after a write, CORS,
the rate limit, and JSON whatever a client accepts."""

import pytest
from django.test import Client

from entries.caching.middleware import STATUS_HEADER
from entries.models import Change
from entries.services import note, recorded
from tests import factories

pytestmark = pytest.mark.django_db

PATH = "/api/v1/series/rouge/"


@pytest.fixture
def cache_on(settings):
    settings.FANDEX_PAGE_CACHE = True


@pytest.fixture
def rouge(db):
    return factories.make_series(title="Rouge", summary="Androids on Mars.")


def test_a_second_read_comes_from_the_page_cache_and_a_match_is_304(
    cache_on, api, rouge, django_assert_num_queries
):
    first = api.get(PATH)
    assert first[STATUS_HEADER] == "miss"
    assert first["ETag"] and "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = api.get(PATH)
    assert second[STATUS_HEADER] == "hit" and second.content == first.content
    with django_assert_num_queries(0):
        conditional = api.get(PATH, headers={"if-none-match": first["ETag"]})
    assert conditional.status_code == 304


def test_a_write_is_on_the_next_read(cache_on, api, rouge, django_capture_on_commit_callbacks):
    etag = api.get(PATH)["ETag"]
    with django_capture_on_commit_callbacks(execute=True), recorded(summary="Summary"):
        rouge.summary = "Rouge hunts the Immortal Nine."
        rouge.save()
        note(rouge, Change.Action.CHANGE)
    fresh = api.get(PATH, headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["summary"] == "Rouge hunts the Immortal Nine."
    # The lists and recent changes follow too.
    assert api.get("/api/v1/recent/").json()["results"][0]["comment"] == "Summary"


def test_the_answer_is_json_whatever_the_client_accepts(cache_on, api, rouge):
    cached = api.get(PATH, headers={"accept": "application/json"})
    for accept in ("text/html", "application/xml", "*/*", ""):
        response = api.get(PATH, headers={"accept": accept})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == cached.content


def test_an_editor_is_never_served_a_cached_answer(cache_on, api, editor_client, rouge):
    api.get(PATH)
    response = editor_client.get(PATH)
    assert response[STATUS_HEADER] == "bypass"
    assert "private" in response["Cache-Control"]


def test_cors_lets_any_site_read_the_api_only(cache_on, api, rouge):
    origin = {"origin": "https://fan-app.example"}
    miss, hit = api.get(PATH, headers=origin), api.get(PATH, headers=origin)
    for response in (miss, hit):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
    assert hit[STATUS_HEADER] == "hit"
    preflight = api.options(PATH, headers={**origin, "access-control-request-method": "GET"})
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in api.get(rouge.get_absolute_url(), headers=origin)


def test_past_the_rate_limit_an_anonymous_client_gets_429_with_retry_after(settings, rouge):
    settings.FANDEX_RATE_API = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    # Different addresses, so the page cache (off in tests anyway) answers none of them.
    statuses = [client.get(PATH, {"n": i}).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(PATH)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "throttled" in response.json()["detail"].lower()
    # Another address is not held back.
    assert Client(REMOTE_ADDR="203.0.113.8").get(PATH).status_code == 200


def test_editors_are_not_rate_limited(settings, editor_client, rouge):
    settings.FANDEX_RATE_API = 1
    assert [editor_client.get(PATH).status_code for _ in range(3)] == [200, 200, 200]
