"""Where a red link leads: for editors, straight to the add form of the one kind the
link names or its page leaves (an episode's body: characters), title filled in;
for readers, the "no such page" page."""

import re

import pytest

from entries.models import Character, Episode, Studio
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def href_of(content: str, label: str) -> str:
    match = re.search(
        rf'<a href="([^"]*)" class="wikilink new"[^>]*>{re.escape(label)}</a>', content
    )
    assert match, f"no red link {label!r}"
    return match.group(1).replace("&amp;", "&")


@pytest.fixture
def episode(db):
    series = factories.make_series(title="Metallic Rouge")
    return factories.make_episode(
        series=series,
        number=1,
        title="Stray Dog",
        body="[[Jean Jaques]] meets [[studio:New Studio]]; see [[episode:The Second Night]].",
    )


def test_in_an_episode_an_editors_bare_red_link_opens_the_character_form(editor_client, episode):
    content = editor_client.get(episode.get_absolute_url()).content.decode()

    url = href_of(content, "Jean Jaques")
    assert url == admin_url(Character, "add") + "?title=Jean+Jaques"
    form = editor_client.get(url)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["title"] == "Jean Jaques"


def test_a_kinded_red_link_opens_the_form_of_its_kind(editor_client, episode):
    content = editor_client.get(episode.get_absolute_url()).content.decode()

    assert href_of(content, "New Studio") == admin_url(Studio, "add") + "?title=New+Studio"


def test_an_episode_link_on_a_series_page_fills_in_the_series(editor_client, episode):
    series = episode.series
    series.body = "Next: [[episode:The Second Night]]."
    series.save()

    for page in (series, episode):
        content = editor_client.get(page.get_absolute_url()).content.decode()
        url = href_of(content, "The Second Night")
        assert url == f"{admin_url(Episode, 'add')}?title=The+Second+Night&series={series.pk}"
        form = editor_client.get(url).context["adminform"].form
        assert form.initial["series"] == str(series.pk)


def test_on_other_pages_a_bare_red_link_keeps_its_choice_of_kinds(editor_client):
    studio = factories.make_studio(title="Bones", body="Founded by [[Masahiko Minami]].")

    content = editor_client.get(studio.get_absolute_url()).content.decode()

    assert href_of(content, "Masahiko Minami") == "/wiki/Masahiko_Minami"


def test_readers_follow_every_red_link_to_no_such_page(client, episode):
    content = client.get(episode.get_absolute_url()).content.decode()

    assert href_of(content, "Jean Jaques") == "/wiki/Jean_Jaques"
    assert href_of(content, "New Studio") == "/wiki/studio:New_Studio"
    missing = client.get("/wiki/studio:New_Studio")
    assert missing.status_code == 404
    assert "/admin/" not in missing.content.decode()
