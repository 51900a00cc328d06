"""History: every admin create, change and delete is a revision with its editor and
edit summary; revert and recover through the admin bring fields, tags, aliases and
inline rows back exactly; public history and diff pages show each revision's own
content; loaddemo records its work once."""

from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
import reversion
from django.core.management import call_command
from django.urls import resolve, reverse
from reversion.errors import RevertError
from reversion.models import Revision, Version

from entries import history, services
from entries.models import (
    Appearance,
    Change,
    Character,
    Entry,
    Episode,
    Series,
    SeriesStudio,
    Staff,
    StaffCredit,
    Studio,
    StudioMember,
    Tag,
    VoiceCredit,
)
from entries.services import note, recorded
from tests import factories, image_corpus
from tests.helpers import add_rows, admin_url, form_data, form_errors, open_form

pytestmark = pytest.mark.django_db

KINDS = [Series, Character, Staff, Studio, Episode]


# --- The world the entries under test refer to ---------------------------------------------


@dataclass
class World:
    series: Series
    other_series: Series
    studio: Studio
    person: Staff
    other_person: Staff
    character: Character


@pytest.fixture
def world(db) -> World:
    return World(
        series=factories.make_series(title="Cowboy Bebop"),
        other_series=factories.make_series(title="Space Dandy"),
        studio=factories.make_studio(title="Sunrise"),
        person=factories.make_staff(title="Yutaka Izubuchi"),
        other_person=factories.make_staff(title="Motonobu Hori"),
        character=factories.make_character(title="Rouge Redstar"),
    )


def row_index(data: dict, prefix: str, field: str, value: Any) -> int:
    """The index of the inline row of ``prefix`` whose ``field`` is ``value``."""
    for index in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if str(data.get(f"{prefix}-{index}-{field}")) == str(value):
            return index
    raise AssertionError(f"no {prefix} row with {field}={value!r}")


# What each kind's form gets on top of the shared fields: (first version, second version)
# of its inline rows, and its inline rows read back for comparison.


def _series_first(data, w: World):
    add_rows(data, "studio_roles", {"studio": w.studio.pk, "role": "animation"})
    add_rows(data, "staff_credits", {"staff": w.person.pk, "role": "supervising_director"})
    add_rows(data, "appearances", {"character": w.character.pk, "role": "main"})
    add_rows(data, "episodes", {"number": "1", "title": "Dawn"})


def _series_second(data, w: World):
    data[f"staff_credits-{row_index(data, 'staff_credits', 'staff', w.person.pk)}-role"] = (
        "director"
    )
    add_rows(data, "staff_credits", {"staff": w.other_person.pk, "role": "series_composition"})
    data[f"appearances-{row_index(data, 'appearances', 'character', w.character.pk)}-DELETE"] = "on"
    add_rows(data, "episodes", {"number": "2", "title": "Dusk"})


def _series_rows(series: Series):
    return (
        sorted(series.studio_roles.values_list("studio__title", "role")),
        sorted(series.staff_credits.values_list("staff__title", "role")),
        sorted(series.appearances.values_list("character__title", "role")),
        sorted(series.episodes.values_list("number", "title")),
    )


def _character_first(data, w: World):
    add_rows(data, "appearances", {"series": w.series.pk, "role": "main"})
    add_rows(data, "voice_credits", {"actor": w.person.pk, "language": "ja"})


def _character_second(data, w: World):
    data[f"appearances-{row_index(data, 'appearances', 'series', w.series.pk)}-role"] = "supporting"
    add_rows(data, "voice_credits", {"actor": w.other_person.pk, "language": "en"})


def _character_rows(character: Character):
    return (
        sorted(character.appearances.values_list("series__title", "role")),
        sorted(character.voice_credits.values_list("actor__title", "language")),
    )


def _staff_first(data, w: World):
    add_rows(data, "credits", {"series": w.series.pk, "role": "script", "note": "episode 3"})
    add_rows(data, "voice_roles", {"character": w.character.pk, "language": "ja"})
    add_rows(data, "memberships", {"studio": w.studio.pk, "position": "founder"})


def _staff_second(data, w: World):
    data[f"credits-{row_index(data, 'credits', 'series', w.series.pk)}-role"] = "director"
    add_rows(data, "credits", {"series": w.other_series.pk, "role": "music"})
    data[f"memberships-{row_index(data, 'memberships', 'studio', w.studio.pk)}-DELETE"] = "on"


def _staff_rows(person: Staff):
    return (
        sorted(person.credits.values_list("series__title", "role", "note")),
        sorted(person.voice_roles.values_list("character__title", "language")),
        sorted(person.memberships.values_list("studio__title", "position")),
    )


def _studio_first(data, w: World):
    add_rows(data, "series_roles", {"series": w.series.pk, "role": "animation"})
    add_rows(data, "members", {"person": w.person.pk, "position": "founder"})


def _studio_second(data, w: World):
    data[f"series_roles-{row_index(data, 'series_roles', 'series', w.series.pk)}-role"] = (
        "production"
    )
    add_rows(data, "members", {"person": w.other_person.pk, "position": "president"})


def _studio_rows(studio: Studio):
    return (
        sorted(studio.series_roles.values_list("series__title", "role")),
        sorted(studio.members.values_list("person__title", "position")),
    )


def _episode_first(data, w: World):
    data.update(series=w.series.pk, number="1", runtime_minutes="24")


def _episode_second(data, w: World):
    data.update(number="2", runtime_minutes="")


def _episode_rows(episode: Episode):
    return (episode.series.title, episode.number, episode.runtime_minutes)


CASES = {
    Series: (_series_first, _series_second, _series_rows),
    Character: (_character_first, _character_second, _character_rows),
    Staff: (_staff_first, _staff_second, _staff_rows),
    Studio: (_studio_first, _studio_second, _studio_rows),
    Episode: (_episode_first, _episode_second, _episode_rows),
}

FIRST_BODY = "The first line.\nThe second line.\nThe third line."
SECOND_BODY = (
    "The first line.\nThe second line, rewritten.\nThe third line.\nA new [[Sunrise]] line."
)


def state(model, pk) -> dict:
    """Everything a revision must bring back, read from the database."""
    entry = model.objects.get(pk=pk)
    return {
        "title": entry.title,
        "slug": entry.slug,
        "summary": entry.summary,
        "body": entry.body,
        "body_html": entry.body_html,
        "tags": sorted(entry.tags.names()),
        "aliases": sorted(entry.aliases.values_list("name", "language")),
        "image": (entry.image_id, entry.image and entry.image.original_name, entry.image_credit),
        # In gallery order.
        "gallery": list(entry.gallery.values_list("caption", "picture__original_name", "picture")),
        "rows": CASES[model][2](entry),
    }


def picture_upload(name: str, colour: tuple[int, int, int]):
    return image_corpus.upload(name, image_corpus.png(240, 160, colour))


@dataclass
class Edited:
    """An entry created and then changed through the admin, by ``editor``."""

    model: type[Entry]
    pk: int
    first: dict  # state after the create
    second: dict  # state after the change
    first_revision: Revision
    second_revision: Revision

    @property
    def entry(self) -> Entry:
        return self.model.objects.get(pk=self.pk)


@pytest.fixture(params=KINDS, ids=lambda m: m._meta.model_name)
def edited(request, editor_client, world) -> Edited:
    model = request.param
    first_rows, second_rows, _rows = CASES[model]

    url, data = open_form(editor_client, model)
    data.update(
        title="First title",
        summary="The first summary.",
        body=FIRST_BODY,
        tags="alpha, beta",
        edit_summary="Started the page",
        image_upload=picture_upload("first.png", (1, 0, 0)),
        image_credit="First credit",
    )
    add_rows(
        data, "aliases", {"name": "Old Name", "language": "en"}, {"name": "Kept", "language": "ja"}
    )
    add_rows(
        data,
        "gallery",
        {"caption": "One", "upload": picture_upload("one.png", (0, 1, 0))},
        {"caption": "Two", "upload": picture_upload("two.png", (0, 0, 1))},
    )
    first_rows(data, world)
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    entry = model.objects.get(title="First title")
    first = state(model, entry.pk)

    url, data = open_form(editor_client, model, entry)
    data.update(
        title="Second title",
        summary="The second summary.",
        body=SECOND_BODY,
        tags="beta, gamma",
        edit_summary="Rewrote the second line",
        image_upload=picture_upload("second.png", (2, 0, 0)),
        image_credit="Second credit",
    )
    data[f"aliases-{row_index(data, 'aliases', 'name', 'Old Name')}-DELETE"] = "on"
    data[f"gallery-{row_index(data, 'gallery', 'caption', 'One')}-caption"] = "One, recaptioned"
    data[f"gallery-{row_index(data, 'gallery', 'caption', 'Two')}-DELETE"] = "on"
    add_rows(
        data, "gallery", {"caption": "Three", "upload": picture_upload("three.png", (3, 0, 0))}
    )
    second_rows(data, world)
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    second = state(model, entry.pk)

    first_revision, second_revision = [
        change.revision for change in Change.objects.filter(entry_pk=entry.pk).order_by("pk")
    ]
    return Edited(model, entry.pk, first, second, first_revision, second_revision)


def revision_form(client, edited: Edited, revision: Revision):
    """GET the admin's revert form for ``revision``: its URL and what it would submit."""
    version = Version.objects.get(
        revision=revision, content_type__model=edited.model._meta.model_name
    )
    url = admin_url(edited.model, "revision", edited.pk, version.pk)
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, f"{edited.model._meta.model_name}_form"), response


# --- Revisions recorded by the admin ---------------------------------------------------------


def test_every_kind_in_the_admin_records_both_revisions(edited, editor):
    assert edited.first["tags"] == ["alpha", "beta"]
    assert edited.second["tags"] == ["beta", "gamma"]
    assert edited.first["rows"] != edited.second["rows"]
    assert edited.second["aliases"] == [("Kept", "ja")]
    assert edited.first["image"][1:] == ("first.png", "First credit")
    assert edited.second["image"][1:] == ("second.png", "Second credit")
    assert [row[:2] for row in edited.first["gallery"]] == [("One", "one.png"), ("Two", "two.png")]
    assert [row[:2] for row in edited.second["gallery"]] == [
        ("One, recaptioned", "one.png"),
        ("Three", "three.png"),
    ]

    changes = list(Change.objects.filter(entry_pk=edited.pk).order_by("pk"))
    assert [change.action for change in changes] == ["create", "change"]
    assert [change.revision.comment for change in changes] == [
        "Started the page",
        "Rewrote the second line",
    ]
    assert {change.revision.user for change in changes} == {editor}
    assert [change.title for change in changes] == ["First title", "Second title"]
    assert changes[1].version == edited.entry.version


def test_the_admin_history_lists_the_revisions(edited, editor_client):
    response = editor_client.get(admin_url(edited.model, "history", edited.pk))

    content = response.content.decode()
    assert response.status_code == 200
    # Newest first.
    assert content.index("Rewrote the second line") < content.index("Started the page")


def test_public_history_shows_both_revisions(edited, client):
    entry = edited.entry
    response = client.get(entry.get_history_url())

    assert response.status_code == 200
    revisions = [change for change, _url in response.context["revisions"]]
    assert [change.revision for change in revisions] == [
        edited.second_revision,
        edited.first_revision,
    ]
    content = response.content.decode()
    assert "Rewrote the second line" in content
    assert "Started the page" in content
    assert "editor" in content
    for revision in (edited.first_revision, edited.second_revision):
        assert entry.get_revision_url(revision.pk) in content


def test_each_diff_shows_its_own_tags(edited, editor_client):
    entry = edited.entry

    first = editor_client.get(entry.get_revision_url(edited.first_revision.pk))
    second = editor_client.get(entry.get_revision_url(edited.second_revision.pk))

    assert first.status_code == second.status_code == 200
    first_lists = {item.label: item for item in first.context["comparison"].lists}
    assert [(i.text, i.state) for i in first_lists["Tags"].items] == [
        ("alpha", "added"),
        ("beta", "added"),
    ]
    assert "gamma" not in first.content.decode()
    second_lists = {item.label: item for item in second.context["comparison"].lists}
    assert [(i.text, i.state) for i in second_lists["Tags"].items] == [
        ("alpha", "removed"),
        ("beta", "kept"),
        ("gamma", "added"),
    ]
    assert [(i.text, i.state) for i in second_lists["Aliases"].items] == [
        ("Kept (Japanese)", "kept"),
        ("Old Name (English)", "removed"),
    ]
    # Pictures by the names they were uploaded under (editors see those), not by ids.
    assert [(i.text, i.state) for i in first_lists["Gallery"].items] == [
        ("one.png (240 × 160): “One”", "added"),
        ("two.png (240 × 160): “Two”", "added"),
    ]
    assert [(i.text, i.state) for i in second_lists["Gallery"].items] == [
        ("one.png (240 × 160): “One”", "removed"),
        ("two.png (240 × 160): “Two”", "removed"),
        ("one.png (240 × 160): “One, recaptioned”", "added"),
        ("three.png (240 × 160): “Three”", "added"),
    ]
    fields = {f.label: (f.old, f.new) for f in second.context["comparison"].fields}
    assert fields["Title"] == ("First title", "Second title")
    assert fields["Summary"] == ("The first summary.", "The second summary.")
    assert fields["Main image"] == ("first.png (240 × 160)", "second.png (240 × 160)")
    assert fields["Main image credit"] == ("First credit", "Second credit")
    body = [(line.kind, line.text) for line in second.context["comparison"].body]
    assert ("removed", "The second line.") in body
    assert ("added", "The second line, rewritten.") in body
    assert ("added", "A new [[Sunrise]] line.") in body
    assert ("context", "The first line.") in body


def test_revert_through_the_admin_brings_everything_back(edited, editor_client, editor):
    version_before = edited.entry.version
    url, data, response = revision_form(editor_client, edited, edited.first_revision)
    # The form shows the old revision; showing it changed nothing.
    assert response.context["adminform"].form.initial["title"] == "First title"
    assert state(edited.model, edited.pk) == edited.second

    data["edit_summary"] = "Back to the start"
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert state(edited.model, edited.pk) == edited.first
    entry = edited.entry
    assert entry.version > version_before
    change = Change.objects.filter(entry_pk=edited.pk).latest("pk")
    assert change.action == Change.Action.REVERT
    assert change.revision.user == editor
    assert change.revision.comment.startswith("Reverted to the revision of ")
    assert change.revision.comment.endswith(": Back to the start")
    assert change.version == entry.version
    # The body was rendered again, and its links recorded again.
    assert not entry.outgoing_links.exists()


def test_reverting_to_the_latest_revision_changes_nothing_of_the_page(edited, editor_client):
    url, data, _response = revision_form(editor_client, edited, edited.second_revision)

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert state(edited.model, edited.pk) == edited.second


def test_delete_and_recover_through_the_admin(edited, senior_client, senior_editor):
    model = edited.model
    response = senior_client.post(admin_url(model, "delete", edited.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=edited.pk).exists()

    deletion = Change.objects.get(entry_pk=edited.pk, action=Change.Action.DELETE)
    assert deletion.entry is None
    assert deletion.revision.user == senior_editor
    assert deletion.title == "Second title"
    recover_list = senior_client.get(admin_url(model, "recoverlist"))
    assert "Second title" in recover_list.content.decode()

    (version,) = Version.objects.get_deleted(model).filter(object_id=str(edited.pk))
    url = admin_url(model, "recover", version.pk)
    response = senior_client.get(url)
    assert response.status_code == 200
    assert not Entry.objects.filter(pk=edited.pk).exists()  # showing it recovered nothing
    response = senior_client.post(url, form_data(response, f"{model._meta.model_name}_form"))

    assert response.status_code == 302, form_errors(response)
    assert state(model, edited.pk) == edited.second
    recovery = Change.objects.filter(entry_pk=edited.pk).latest("pk")
    assert recovery.action == Change.Action.RECOVER
    assert recovery.revision.comment.startswith("Recovered from the revision of ")
    assert not Version.objects.get_deleted(model).filter(object_id=str(edited.pk)).exists()


# --- The admin forms -------------------------------------------------------------------------


def test_edit_summary_sits_above_the_bottom_save_buttons(editor_client):
    series = factories.make_series()

    response = editor_client.get(admin_url(Series, "change", series.pk))

    content = response.content.decode()
    assert 'name="edit_summary"' in content
    assert content.rindex('name="edit_summary"') > content.index('id="episodes-group"')
    assert content.rindex('name="edit_summary"') < content.rindex('name="_save"')


def test_without_a_summary_the_change_message_is_the_comment(editor_client):
    character = factories.make_character(title="Rouge")

    url, data = open_form(editor_client, Character, character)
    data["summary"] = "Changed."
    editor_client.post(url, data)

    change = Change.objects.get(entry_pk=character.pk)
    assert change.revision.comment == "Changed Summary."


def test_a_summary_longer_than_255_characters_is_refused(editor_client):
    character = factories.make_character(title="Rouge")

    url, data = open_form(editor_client, Character, character)
    data.update(title="Renamed", edit_summary="x" * 256)
    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "at most 255 characters" in response.content.decode()
    character.refresh_from_db()
    assert character.title == "Rouge"
    assert not Change.objects.exists()


def test_episodes_added_on_the_series_form_get_their_own_history(editor_client, client):
    url, data = open_form(editor_client, Series)
    data.update(title="Metallic Rouge", edit_summary="New series")
    add_rows(data, "episodes", {"number": "1", "title": "Dawn"})
    editor_client.post(url, data)

    episode = Episode.objects.get()
    change = Change.objects.get(entry_pk=episode.pk)
    assert change.action == Change.Action.CREATE
    assert change.revision.comment == "New series"
    response = client.get(episode.get_history_url())
    assert [c.pk for c, _url in response.context["revisions"]] == [change.pk]


def test_bulk_delete_records_every_entry(senior_client, senior_editor):
    first = factories.make_studio(title="Bones")
    second = factories.make_studio(title="Sunrise")

    response = senior_client.post(
        admin_url(Studio, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Studio.objects.exists()
    deletions = Change.objects.filter(action=Change.Action.DELETE)
    assert sorted(deletions.values_list("title", flat=True)) == ["Bones", "Sunrise"]
    assert deletions.values("revision").distinct().count() == 1
    assert deletions[0].revision.user == senior_editor
    recover_list = senior_client.get(admin_url(Studio, "recoverlist")).content.decode()
    assert "Bones" in recover_list
    assert "Sunrise" in recover_list


def test_deleting_a_series_records_its_episodes_and_recovering_brings_them_back(
    senior_client,
):
    series = factories.make_series(title="Metallic Rouge", tags=["mecha"])
    factories.make_episode(series=series, number=1, title="Dawn", tags=["premiere"])

    senior_client.post(admin_url(Series, "delete", series.pk), {"post": "yes"})

    assert set(Change.objects.values_list("title", "action")) == {
        ("Metallic Rouge", "delete"),
        ("Dawn", "delete"),
    }
    version = Version.objects.get_deleted(Series).get()
    url = admin_url(Series, "recover", version.pk)
    response = senior_client.post(url, form_data(senior_client.get(url), "series_form"))

    assert response.status_code == 302, form_errors(response)
    episode = Episode.objects.get()
    assert (episode.series_id, episode.title) == (series.pk, "Dawn")
    assert list(episode.tags.names()) == ["premiere"]
    assert Change.objects.get(entry_pk=episode.pk, action="recover")


def test_an_unknown_or_foreign_version_is_a_404(editor_client):
    series = factories.make_series()
    character = factories.make_character()
    with recorded():
        note(character, Change.Action.CREATE)
    character_version = Version.objects.get_for_object(character).get()

    for url in [
        admin_url(Series, "revision", series.pk, 999999),
        admin_url(Series, "revision", series.pk, character_version.pk),
        admin_url(Series, "recover", 999999),
        admin_url(Series, "recover", character_version.pk),
    ]:
        assert editor_client.get(url).status_code == 404, url


# --- What restoring must not do -----------------------------------------------------------


def _two_revisions(entry: Entry, change):
    """A revision of ``entry``, then ``change(entry)`` in a second one; returns the first."""
    with recorded(summary="one"):
        note(entry, Change.Action.CREATE)
    first = Change.objects.get(entry_pk=entry.pk).revision
    with recorded(summary="two"):
        change(entry)
        note(entry, Change.Action.CHANGE)
    return first


def test_revert_never_takes_a_tag_off_other_entries(db):
    series = factories.make_series(tags=["old"])
    other = factories.make_series(tags=["shared"])

    def retag(entry):
        entry.tags.set(["shared"])

    first = _two_revisions(series, retag)
    services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert list(series.tags.names()) == ["old"]
    assert list(other.tags.names()) == ["shared"]
    assert Tag.objects.filter(name="shared").exists()


def test_revert_keeps_a_tag_renamed_since(db):
    series = factories.make_series(tags=["sci-fi"])
    first = _two_revisions(series, lambda entry: entry.tags.set(["mecha"]))
    Tag.objects.filter(name="sci-fi").update(name="science fiction")

    services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert list(series.tags.names()) == ["science fiction"]


def test_revert_brings_back_a_tag_deleted_since(db):
    series = factories.make_series(tags=["sci-fi"])
    first = _two_revisions(series, lambda entry: entry.tags.set(["mecha"]))
    Tag.objects.filter(name="sci-fi").delete()

    services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert list(series.tags.names()) == ["sci-fi"]


def test_revert_uses_the_tag_that_took_the_name_of_a_deleted_one(db):
    series = factories.make_series(tags=["sci-fi"])
    first = _two_revisions(series, lambda entry: entry.tags.set(["mecha"]))
    Tag.objects.filter(name="sci-fi").delete()
    replacement = Tag.objects.create(name="sci-fi", slug="sci-fi-new")

    services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert list(series.tags.all()) == [replacement]


def test_reverting_an_episode_leaves_its_series_alone(editor_client):
    series = factories.make_series(title="Metallic Rouge")
    url, data = open_form(editor_client, Series, series)
    add_rows(data, "episodes", {"number": "1", "title": "Dawn"})
    editor_client.post(url, data)
    episode = Episode.objects.get()
    first = Change.objects.get(entry_pk=episode.pk).revision
    url, data = open_form(editor_client, Series, series)
    data.update(title="Renamed series", **{"episodes-0-title": "Renamed episode"})
    editor_client.post(url, data)

    services.restore_entry(revision=first, model=Episode, pk=episode.pk)

    episode.refresh_from_db()
    series.refresh_from_db()
    assert episode.title == "Dawn"
    assert series.title == "Renamed series"


def test_reverting_a_series_deletes_episodes_added_since(db):
    series = factories.make_series()
    factories.make_episode(series=series, number=1, title="Dawn")

    def add_episode(entry):
        factories.make_episode(series=entry, number=2, title="Dusk")

    first = _two_revisions(series, add_episode)
    untouched_version = Episode.objects.get(number=1).version

    services.restore_entry(revision=first, model=Series, pk=series.pk)

    assert list(series.episodes.values_list("title", flat=True)) == ["Dawn"]
    # The episode the revision holds unchanged was not written back.
    assert Episode.objects.get(number=1).version == untouched_version
    assert Change.objects.filter(title="Dusk", action="delete").exists()


def test_revert_leaves_out_credits_of_pages_deleted_since(db):
    character = factories.make_character()
    series = factories.make_series()
    Appearance.objects.create(series=series, character=character)
    first = _two_revisions(character, lambda entry: entry.save())
    series.delete()

    services.restore_entry(revision=first, model=Character, pk=character.pk)

    assert not character.appearances.exists()


def test_an_episode_of_a_deleted_series_cannot_be_recovered_alone(db):
    series = factories.make_series()
    episode = factories.make_episode(series=series, title="Dawn")
    services.delete_entries(entries=[series])
    revision = Change.objects.get(entry_pk=episode.pk).revision

    with pytest.raises(RevertError, match="its series was deleted since"):
        services.restore_entry(revision=revision, model=Episode, pk=episode.pk)

    assert not Entry.objects.exists()


def test_a_revert_that_clashes_is_an_error_and_changes_nothing(edited, editor_client):
    entry = edited.entry
    # Another page of the kind has taken the address the first revision had.
    entry.slug = "moved"
    entry.save()
    taken = {
        Series: lambda: factories.make_series(slug=edited.first["slug"]),
        Character: lambda: factories.make_character(slug=edited.first["slug"]),
        Staff: lambda: factories.make_staff(slug=edited.first["slug"]),
        Studio: lambda: factories.make_studio(slug=edited.first["slug"]),
        Episode: lambda: factories.make_episode(slug=edited.first["slug"]),
    }
    taken[edited.model]()
    before = state(edited.model, edited.pk)
    version = Version.objects.get(
        revision=edited.first_revision, content_type__model=edited.model._meta.model_name
    )
    url = admin_url(edited.model, "revision", edited.pk, version.pk)

    response = editor_client.get(url, follow=True)

    assert response.redirect_chain[-1][0] == admin_url(edited.model, "changelist")
    assert "cannot be put back" in response.content.decode()
    assert state(edited.model, edited.pk) == before


def test_reversion_follows_the_inlines_the_registry_declares():
    for model, inlines in history.INLINES.items():
        follow = reversion.revisions._get_options(model).follow
        followed = {model._meta.get_field(name).related_model for name in follow}
        assert followed == {Entry, *(inline.model for inline in inlines)}, model


# --- Public pages ---------------------------------------------------------------------------


@pytest.fixture
def recorded_series(db):
    series = factories.make_series(title="Metallic Rouge", body="Hello <script>alert(1)</script>")
    with recorded(summary="First"):
        note(series, Change.Action.CREATE)
    return series


def test_history_urls_both_ways(recorded_series):
    episode = factories.make_episode(series=recorded_series, number=3)
    url = reverse("entries:episode-history", kwargs={"slug": recorded_series.slug, "number": 3})
    assert url == f"/series/{recorded_series.slug}/episodes/3/history/" == episode.get_history_url()
    assert resolve(url).url_name == "episode-history"
    url = reverse("entries:series-revision", kwargs={"slug": "metallic-rouge", "revision_id": 7})
    assert url == "/series/metallic-rouge/history/7/"
    assert resolve(url).kwargs == {"slug": "metallic-rouge", "revision_id": 7}
    for kind, prefix in [("character", "characters"), ("staff", "staff"), ("studio", "studios")]:
        assert reverse(f"entries:{kind}-history", kwargs={"slug": "x"}) == f"/{prefix}/x/history/"


def test_diff_escapes_the_body(recorded_series, client):
    revision = Change.objects.get().revision

    response = client.get(recorded_series.get_revision_url(revision.pk))

    content = response.content.decode()
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content


def test_bad_revision_addresses_are_404s(recorded_series, client):
    other = factories.make_series(title="Other")
    with recorded():
        note(other, Change.Action.CREATE)
    other_revision = Change.objects.get(entry_pk=other.pk).revision_id
    base = recorded_series.get_history_url()

    for url in [
        f"{base}999999/",
        f"{base}{other_revision}/",
        f"{base}abc/",
        f"{base}-1/",
        f"{base}99999999999999999999999/",
        "/series/no-such-series/history/",
        f"/series/no-such-series/history/{other_revision}/",
        f"/series/{recorded_series.slug}/episodes/1/history/",
        f"/series/{recorded_series.slug}/episodes/99999999/history/",
        f"/characters/{recorded_series.slug}/history/",
        f"/series/{'x' * 300}/history/",
    ]:
        assert client.get(url).status_code == 404, url


def test_history_of_a_page_with_no_revisions(client):
    series = factories.make_series(title="Unrecorded")

    response = client.get(series.get_history_url())

    assert response.status_code == 200
    assert "No revisions of this page are recorded yet." in response.content.decode()


def test_history_is_paginated(client, settings):
    settings.FANDEX_PAGE_SIZE = 2
    series = factories.make_series()
    for number in range(3):
        with recorded(summary=f"Edit {number}"):
            series.save()
            note(series, Change.Action.CHANGE)

    first = client.get(series.get_history_url())
    second = client.get(series.get_history_url(), {"page": 2})

    assert [c.revision.comment for c, _url in first.context["revisions"]] == ["Edit 2", "Edit 1"]
    assert [c.revision.comment for c, _url in second.context["revisions"]] == ["Edit 0"]
    assert client.get(series.get_history_url(), {"page": 3}).status_code == 404


def test_the_first_revision_diffs_against_nothing(recorded_series, client):
    revision = Change.objects.get().revision

    response = client.get(recorded_series.get_revision_url(revision.pk))

    assert response.context["diff"].previous is None
    fields = {f.label: (f.old, f.new) for f in response.context["comparison"].fields}
    assert fields["Title"] == ("", "Metallic Rouge")
    assert "The first revision of the page" in response.content.decode()


def test_inline_rows_read_as_lines(client, world):
    series = world.series
    SeriesStudio.objects.create(series=series, studio=world.studio, role="animation")
    StaffCredit.objects.create(
        series=series, staff=world.person, role="supervising_director", note="all episodes"
    )
    with recorded():
        note(series, Change.Action.CREATE)
    revision = Change.objects.get(entry_pk=series.pk).revision

    response = client.get(series.get_revision_url(revision.pk))

    lists = {
        item.label: [i.text for i in item.items] for item in response.context["comparison"].lists
    }
    assert lists["Studios"] == ["Sunrise — Animation"]
    assert lists["Staff"] == ["Yutaka Izubuchi — Supervising director (all episodes)"]


def _series_with_revisions(count: int) -> Series:
    studio = factories.make_studio()
    series = factories.make_series(tags=["mecha", "space"])
    SeriesStudio.objects.create(series=series, studio=studio)
    factories.make_episode(series=series, number=1)
    for number in range(count):
        with recorded(summary=f"Edit {number}"):
            series.body = f"Line {number}"
            series.save()
            note(series, Change.Action.CHANGE)
    return series


@pytest.mark.parametrize("count", [1, 30])
def test_history_page_queries_do_not_grow(client, django_assert_num_queries, count):
    series = _series_with_revisions(count)
    url = series.get_history_url()

    # The series, the count of its revisions, and one page of them with their editors.
    with django_assert_num_queries(3):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_diff_page_queries_do_not_grow(client, django_assert_num_queries, count):
    series = _series_with_revisions(count)
    latest = Change.objects.filter(entry_pk=series.pk).latest("pk").revision_id
    url = series.get_revision_url(latest)

    # The series; the change, the one before and the one after; both revisions'
    # versions; the titles of the entries their rows point at.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["comparison"].body


# --- loaddemo -----------------------------------------------------------------------------


def loaddemo() -> str:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def test_loaddemo_records_history_once(db):
    loaddemo()

    revisions = Revision.objects.all()
    assert revisions.count() == Entry.objects.count()
    assert set(revisions.values_list("comment", flat=True)) == {"Demo content"}
    assert not revisions.filter(user__isnull=False).exists()
    changes = Change.objects.all()
    assert sorted(changes.values_list("entry_pk", flat=True)) == sorted(
        Entry.objects.values_list("pk", flat=True)
    )
    assert set(changes.values_list("action", flat=True)) == {"create"}
    # Each revision holds the entry's final state: its tags and inline rows.
    rouge = Series.objects.get(title="Metallic Rouge")
    change = Change.objects.get(entry_pk=rouge.pk)
    held = {version.object_repr for version in change.revision.version_set.all()}
    assert {"mecha", "tokusatsu", "METALLIC ROUGE"} <= held

    loaddemo()

    assert Revision.objects.count() == Entry.objects.count()


def test_loaddemo_records_only_what_it_changed(db):
    loaddemo()
    rouge = Series.objects.get(title="Metallic Rouge")
    rouge.summary = "Vandalised."
    rouge.save()
    VoiceCredit.objects.filter(character__title="Naomi Orthmann").delete()
    StudioMember.objects.filter(position="president").delete()
    before = Revision.objects.count()

    loaddemo()

    new = Change.objects.filter(revision__pk__gt=Revision.objects.order_by("pk")[before - 1].pk)
    assert sorted(new.values_list("title", "action")) == [
        ("Bones", "change"),
        ("Masahiko Minami", "change"),
        ("Metallic Rouge", "change"),
        ("Naomi Orthmann", "change"),
        ("Tomoyo Kurosawa", "change"),
    ]
