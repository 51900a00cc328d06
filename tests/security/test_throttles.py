"""Throttles: admin logins lock out after repeated failures (per user name and per
address, with a command to unlock), and search, suggestions, the feed and saves
answer 429 with Retry-After past their limits."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from entries.models import Series
from tests import factories
from tests.helpers import open_form

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def log_in(client, username, password, address="10.9.8.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_user_out_until_unlocked(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.make_editor(username="hana", password=PASSWORD)
    for _ in range(2):
        assert log_in(client, "hana", "wrong").status_code == 200  # the form again
    assert log_in(client, "hana", "wrong").status_code == 429  # the third: locked

    locked = log_in(client, "hana", PASSWORD)

    assert locked.status_code == 429
    assert "Login locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    call_command("axes_reset_username", "hana", verbosity=0)
    assert log_in(client, "hana", PASSWORD).status_code == 302


def test_one_address_guessing_many_user_names_is_locked_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.make_editor(username="mika", password=PASSWORD)
    for name in ("a", "b", "c"):
        log_in(client, name, "guess", address="10.0.0.66")

    assert log_in(client, "mika", PASSWORD, address="10.0.0.66").status_code == 429
    # Someone else, elsewhere, is not.
    assert log_in(client, "mika", PASSWORD, address="10.0.0.67").status_code == 302


@pytest.mark.parametrize(
    ("setting", "url", "json"),
    [
        ("FANDEX_RATE_SEARCH", "/search/?q=rouge", False),
        ("FANDEX_RATE_SUGGEST", "/search/suggest/?q=rouge", True),
        ("FANDEX_RATE_FEED", "/recent/feed/", False),
    ],
    ids=["search", "suggest", "feed"],
)
def test_readers_past_the_limit_get_429_with_retry_after(client, settings, setting, url, json):
    setattr(settings, setting, 3)
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code == 200

    refused = client.get(url, REMOTE_ADDR="10.1.1.1")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()["error"] if json else refused.content.decode()
    assert "Too many requests" in body
    # Another reader is not held back.
    assert client.get(url, REMOTE_ADDR="10.1.1.2").status_code == 200


def test_an_editor_saving_too_fast_gets_429_and_nothing_is_saved(editor_client, settings):
    settings.FANDEX_RATE_SAVE = 2
    series = factories.make_series(summary="First")
    url, data = open_form(editor_client, Series, series)
    for number in range(2):
        url, data = open_form(editor_client, Series, Series.objects.get(pk=series.pk))
        data["summary"] = f"Save {number}"
        assert editor_client.post(url, data).status_code == 302

    url, data = open_form(editor_client, Series, Series.objects.get(pk=series.pk))
    data["summary"] = "One too many"
    refused = editor_client.post(url, data)

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert Series.objects.get(pk=series.pk).summary == "Save 1"


def test_limits_are_off_when_set_to_zero(client, settings):
    settings.FANDEX_RATE_SEARCH = 0
    for _ in range(5):
        assert client.get(reverse("entries:search"), {"q": "x"}).status_code == 200
