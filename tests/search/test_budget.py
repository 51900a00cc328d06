"""Search has a budget: queries made to be costly are cut down or stopped, with a
message on the page, never a 500 and never a stalled site."""

import pytest

from entries.search import search
from entries.search import sqlite as sqlite_backend
from entries.search.base import parse_query
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    f.make_series(title="Metallic Rouge", summary="Androids on Mars.")
    f.make_series(title="Mobile Suit Gundam 00")
    f.make_series(title="Eureka Seven")


def test_many_short_words_are_searched_as_the_longest_one(client, catalogue):
    response = client.get("/search/", {"q": "a b c d e f g h i j k l m n o p"})

    assert response.status_code == 200
    page = response.context["results_page"]
    assert page.dropped_words == tuple("bcdefghijklmnop")
    assert "Very short words on their own were left out: b, c, d" in response.content.decode()


def test_short_words_beside_a_long_one_still_count(catalogue):
    assert [r.entry.title for r in search("gundam 00").results] == ["Mobile Suit Gundam 00"]
    assert search("gundam 00").dropped_words == ()


def test_a_search_past_its_budget_is_stopped_with_a_message(
    client, catalogue, settings, monkeypatch
):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's progress handler; PostgreSQL uses a statement timeout")
    settings.FANDEX_SEARCH_BUDGET_MS = 0
    monkeypatch.setattr(sqlite_backend, "PROGRESS_STEPS", 1)

    response = client.get("/search/", {"q": "metallic rouge"})

    assert response.status_code == 200
    assert response.context["results_page"].stopped
    assert "This search took too long and was stopped" in response.content.decode()
    # The connection is usable again at once.
    settings.FANDEX_SEARCH_BUDGET_MS = 1000
    assert search("metallic rouge").total == 1


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_search_past_its_budget_is_stopped_by_the_statement_timeout(
    client, catalogue, settings
):
    """Another connection holds the search table locked, so the search waits past its
    budget: PostgreSQL's statement timeout stops it, the page says so, and the site
    goes on (the connection is usable again at once)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statement timeout; SQLite has its progress handler")
    import psycopg

    from entries.models import SearchDocument

    settings.FANDEX_SEARCH_BUDGET_MS = 100
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as other:
        # Should the timeout not work, the lock goes after 5 s and the test fails
        # instead of hanging.
        other.execute("SET idle_in_transaction_session_timeout = '5s'")
        other.execute(f"LOCK TABLE {SearchDocument._meta.db_table} IN ACCESS EXCLUSIVE MODE")

        response = client.get("/search/", {"q": "metallic rouge"})

        assert response.status_code == 200
        assert response.context["results_page"].stopped
        assert "This search took too long and was stopped" in response.content.decode()
        other.rollback()
    assert search("metallic rouge").total == 1


def test_a_long_phrase_is_not_compared_with_every_name_for_typos(catalogue):
    # Typo matching costs the query's length times each candidate name's: a phrase
    # repeating a word (the hostile benchmark query) counts it once, and a sentence skips it.
    repeated = '"' + " ".join(["rouge"] * 30) + '"'
    assert parse_query(repeated).similar_text == "rouge"
    sentence = (
        "androids on mars rebel against their makers while rouge hunts down the immortal nine"
    )
    assert parse_query(sentence).similar_text == ""
    # Typos in a name-length query are still found.
    assert [r.entry.title for r in search("metalic rouge").results] == ["Metallic Rouge"]
