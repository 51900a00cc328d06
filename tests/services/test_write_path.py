"""The one write path: every write records history and, once it commits, sends one
``entries_changed`` signal naming every page that shows what changed."""

import gzip
import json
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from reversion.models import Version

from entries import services
from entries.models import Change, Character, Entry, Series, StreamingPlatform, Studio, Tag
from entries.signals import entries_changed
from tests import factories
from tests.helpers import admin_url, form_data, open_form

pytestmark = pytest.mark.django_db


class Signals(list):
    """The signals sent by the writes inside ``committed()``, as each commit sends them
    (a test runs in one transaction that never commits)."""

    def __init__(self, capture):
        super().__init__()
        self._capture = capture

    @contextmanager
    def committed(self):
        with self._capture(execute=True):
            yield


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    received = Signals(django_capture_on_commit_callbacks)

    def receiver(sender, **kwargs):
        received.append(kwargs)

    entries_changed.connect(receiver)
    yield received
    entries_changed.disconnect(receiver)


@pytest.fixture
def neighbourhood(db):
    """A series with a studio, a character, an episode, a tag and a page linking to it."""
    series = factories.make_series(title="Metallic Rouge", tags=["androids"])
    studio = factories.make_studio(title="Bones")
    factories.studio_role(series, studio)
    character = factories.make_character(series=series, title="Rouge Redstar")
    episode = factories.make_episode(series=series, number=1)
    fan_page = factories.make_staff(title="Someone", body="Directed [[Metallic Rouge]].")
    unrelated = factories.make_series(title="Unrelated")
    return {
        "series": series,
        "studio": studio,
        "character": character,
        "episode": episode,
        "fan_page": fan_page,
        "unrelated": unrelated,
        "tag": Tag.objects.get(name="androids"),
    }


def only_signal(announced) -> dict:
    assert len(announced) == 1, f"{len(announced)} signals were sent"
    return announced[0]


def test_an_admin_save_names_the_entry_and_every_page_that_shows_it(
    editor_client, neighbourhood, announced
):
    series = neighbourhood["series"]
    url, data = open_form(editor_client, Series, series)
    data["summary"] = "A new summary."

    with announced.committed():
        response = editor_client.post(url, data)

    assert response.status_code == 302
    signal = only_signal(announced)
    assert signal["changed"] == {series.pk}
    shown_on = {neighbourhood[name].pk for name in ("studio", "character", "episode", "fan_page")}
    assert shown_on | {series.pk} <= signal["entries"]
    assert neighbourhood["unrelated"].pk not in signal["entries"]
    assert neighbourhood["tag"].pk in signal["tags"]


def test_creating_a_page_names_the_pages_whose_red_links_turn_blue(editor_client, announced):
    linking = factories.make_character(body="Made by [[Studio Nue]].")
    url, data = open_form(editor_client, Studio)
    data.update({"title": "Studio Nue", "slug": ""})

    with announced.committed():
        response = editor_client.post(url, data)

    assert response.status_code == 302
    created = Entry.objects.get(title="Studio Nue")
    signal = only_signal(announced)
    assert signal["changed"] == {created.pk}
    assert linking.pk in signal["entries"]


def test_an_admin_delete_names_what_showed_the_deleted_entry(
    senior_client, neighbourhood, announced
):
    character = neighbourhood["character"]

    with announced.committed():
        response = senior_client.post(admin_url(Character, "delete", character.pk), {"post": "yes"})

    assert response.status_code == 302
    signal = only_signal(announced)
    assert signal["changed"] == {character.pk}
    assert neighbourhood["series"].pk in signal["entries"]


def test_revert_and_recover_in_the_admin_announce(senior_client, neighbourhood, announced):
    studio = neighbourhood["studio"]
    with services.recorded(summary="First"):
        services.note(studio, Change.Action.CHANGE)
    first = Version.objects.get_for_object(studio).first()
    studio.title = "Studio Bones"
    with services.recorded(summary="Second"):
        studio.save()
        services.note(studio, Change.Action.CHANGE)

    url = admin_url(Studio, "revision", studio.pk, first.pk)
    data = form_data(senior_client.get(url), "studio_form")
    with announced.committed():
        response = senior_client.post(url, data)
    assert response.status_code == 302
    assert only_signal(announced)["changed"] == {studio.pk}
    assert neighbourhood["series"].pk in announced[0]["entries"]

    senior_client.post(admin_url(Studio, "delete", studio.pk), {"post": "yes"})
    (deleted,) = Version.objects.get_deleted(Studio).filter(object_id=str(studio.pk))
    url = admin_url(Studio, "recover", deleted.pk)
    data = form_data(senior_client.get(url), "studio_form")
    announced.clear()
    with announced.committed():
        response = senior_client.post(url, data)
    assert response.status_code == 302
    assert only_signal(announced)["changed"] == {studio.pk}


def test_restore_entry_outside_the_admin_announces(neighbourhood, announced):
    series = neighbourhood["series"]
    with services.recorded(summary="First"):
        services.note(series, Change.Action.CHANGE)
    first = Change.objects.get(entry_pk=series.pk).revision

    with announced.committed():
        services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert only_signal(announced)["changed"] == {series.pk}


def test_a_tag_merge_names_the_retagged_entries_and_both_tags(editor_client, announced):
    series = factories.make_series(tags=["sci-fi"])
    character = factories.make_character(tags=["science fiction"])
    old_tags = set(Tag.objects.values_list("pk", flat=True))

    with announced.committed():
        merged = services.merge_tags(tags=Tag.objects.all(), into_name="Science fiction")

    signal = only_signal(announced)
    assert signal["changed"] == {series.pk, character.pk}
    assert signal["tags"] >= old_tags | {merged.pk}


def test_a_write_that_fails_announces_nothing(neighbourhood, announced):
    series = neighbourhood["series"]
    with announced.committed(), pytest.raises(RuntimeError), services.recorded(summary="Doomed"):
        series.title = "Never saved"
        series.save()
        services.note(series, Change.Action.CHANGE)
        raise RuntimeError("the write fails")

    assert announced == []
    assert Series.objects.get(pk=series.pk).title == "Metallic Rouge"


def test_the_import_announces_every_series_it_wrote(tmp_path, announced):
    item = {
        "title": "メタリックルージュ",
        "titleTranslate": {"en": ["Metallic Rouge"]},
        "type": "tv",
        "lang": "ja",
        "officialSite": "",
        "begin": "2024-01-10T15:00:00.000Z",
        "end": "",
        "sites": [],
    }
    path = tmp_path / "data.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"siteMeta": {}, "items": [item]}).encode()))

    with announced.committed():
        call_command("import_bangumi", str(path), stdout=StringIO(), stderr=StringIO())

    (series,) = Series.objects.all()
    assert only_signal(announced)["changed"] == {series.pk}


def test_loading_the_demo_announces_every_entry(announced):
    with announced.committed():
        call_command("loaddemo", stdout=StringIO())

    # One write per page (the demo's history has a revision each).
    written = set().union(*(signal["changed"] for signal in announced))
    assert written == set(Entry.objects.values_list("pk", flat=True))


def test_renaming_a_tag_in_the_admin_names_the_pages_that_show_it(editor_client, announced):
    series = factories.make_series(tags=["androids"])
    tag = Tag.objects.get(name="androids")
    url, data = open_form(editor_client, Tag, tag)
    data["name"] = "Androids"

    with announced.committed():
        assert editor_client.post(url, data).status_code == 302

    signal = only_signal(announced)
    assert series.pk in signal["entries"]
    assert tag.pk in signal["tags"]


def test_deleting_a_streaming_platform_names_the_series_that_listed_it(editor_client, announced):
    platform = factories.make_platform(name="Disney+", slug="disney-plus")
    series = factories.make_series()
    series.streaming.create(platform=platform)

    with announced.committed():
        response = editor_client.post(
            admin_url(StreamingPlatform, "delete", platform.pk), {"post": "yes"}
        )

    assert response.status_code == 302
    assert series.pk in only_signal(announced)["entries"]
