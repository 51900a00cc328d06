"""No lost edits: an admin change form opened before someone else saved cannot
overwrite that save, for every kind. Different fields are merged; the same field
(or inline rows) is refused with a conflict message, and the editor's input stays
in the form."""

import threading
from html import escape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from reversion.models import Version

from entries.history.conflicts import BASE_SNAPSHOT, BASE_VERSION
from entries.models import (
    Alias,
    Character,
    Entry,
    Episode,
    GalleryImage,
    Picture,
    Series,
    Staff,
    Studio,
)
from tests import factories
from tests.helpers import admin_url, form_data

pytestmark = pytest.mark.django_db

KINDS = [Series, Character, Staff, Studio, Episode]
CONFLICT = "Someone else saved this page while you were editing it"


def make_entry(model):
    fields = {"summary": "The old summary.", "body": "First line.\n\nSecond line.\n"}
    return factories.make_entry(model, tags=["old tag"], **fields)


def open_change_form(client, obj) -> tuple[str, dict]:
    url = admin_url(type(obj), "change", obj.pk)
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, f"{obj._meta.model_name}_form")


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def alice(db):
    user = factories.make_editor("alice")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bob(db):
    user = factories.make_editor("bob")
    client = Client()
    client.force_login(user)
    return client


def kind_id(model):
    return model._meta.model_name


# --- The form carries its base ---------------------------------------------------------------


def test_change_form_carries_the_version_it_was_opened_at(alice):
    character = make_entry(Character)
    _, data = open_change_form(alice, character)
    assert data[BASE_VERSION] == str(character.version)
    assert data[BASE_SNAPSHOT]
    # Hashes, not values: the snapshot does not grow with the text.
    assert len(data[BASE_SNAPSHOT]) < 1200
    assert "Second line" not in data[BASE_SNAPSHOT]


def test_add_form_has_no_base(alice):
    response = alice.get(admin_url(Character, "add"))
    assert response.status_code == 200
    assert BASE_SNAPSHOT not in form_data(response, "character_form")


def test_a_form_saved_twice_in_a_row_by_one_editor_saves(alice):
    """No one else saved: no conflict, and the version goes up by one."""
    character = make_entry(Character)
    url, data = open_change_form(alice, character)
    data["summary"] = "Alice's summary."
    assert alice.post(url, data).status_code == 302
    assert reload(character).summary == "Alice's summary."
    assert reload(character).version == character.version + 1


# --- The same field: refused -------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_second_save_of_the_same_field_is_refused(alice, bob, model):
    entry = make_entry(model)
    url, alice_data = open_change_form(alice, entry)
    _, bob_data = open_change_form(bob, entry)

    alice_data["body"] = "First line.\n\nAlice rewrote the second line.\n"
    assert alice.post(url, alice_data).status_code == 302

    bob_data["body"] = "First line.\n\nBob's second line.\n"
    bob_data["tags"] = "old tag, bob tag"
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    assert "alice" in content
    # What changed: the body, as a diff from Bob's text to the saved one.
    assert "Body" in content
    assert escape("-Bob's second line.") in content
    assert escape("+Alice rewrote the second line.") in content
    # Bob's input is still in the form, tags and body included.
    shown = form_data(response, f"{model._meta.model_name}_form")
    assert shown["body"] == bob_data["body"]
    assert shown["tags"] == "old tag, bob tag"
    # Alice's save stands.
    saved = reload(entry)
    assert saved.body == alice_data["body"].strip()
    assert sorted(saved.tags.names()) == ["old tag"]
    assert saved.version == entry.version + 1


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_resubmitting_after_a_conflict_saves_the_editors_version(alice, bob, model):
    entry = make_entry(model)
    url, alice_data = open_change_form(alice, entry)
    _, bob_data = open_change_form(bob, entry)
    alice_data["summary"] = "Alice's summary."
    assert alice.post(url, alice_data).status_code == 302
    bob_data["summary"] = "Bob's summary."
    refused = bob.post(url, bob_data)
    assert CONFLICT in refused.content.decode()
    assert "Alice&#x27;s summary." in refused.content.decode()

    # Bob has seen the conflict: the same form, sent again, now keeps his text.
    again = form_data(refused, f"{model._meta.model_name}_form")
    assert again[BASE_VERSION] == str(entry.version + 1)
    response = bob.post(url, again)

    assert response.status_code == 302
    saved = reload(entry)
    assert saved.summary == "Bob's summary."
    assert saved.version == entry.version + 2


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_a_stale_form_sent_again_without_rebase_is_still_refused(alice, bob, model):
    """Only the re-rendered form (with the new base) may overwrite, not the old one."""
    entry = make_entry(model)
    url, alice_data = open_change_form(alice, entry)
    _, bob_data = open_change_form(bob, entry)
    alice_data["summary"] = "Alice's summary."
    assert alice.post(url, alice_data).status_code == 302
    bob_data["summary"] = "Bob's summary."
    assert CONFLICT in bob.post(url, bob_data).content.decode()
    assert CONFLICT in bob.post(url, bob_data).content.decode()
    assert reload(entry).summary == "Alice's summary."


def test_the_same_change_made_twice_is_not_a_conflict(alice, bob):
    series = make_entry(Series)
    url, alice_data = open_change_form(alice, series)
    _, bob_data = open_change_form(bob, series)
    alice_data["summary"] = "The agreed summary."
    bob_data["summary"] = "The agreed summary."
    assert alice.post(url, alice_data).status_code == 302
    assert bob.post(url, bob_data).status_code == 302
    assert reload(series).summary == "The agreed summary."


def test_changed_inline_rows_are_a_conflict(alice, bob):
    character = make_entry(Character)
    url, alice_data = open_change_form(alice, character)
    _, bob_data = open_change_form(bob, character)
    # Alice adds an alias; Bob, who did not see it, changes the summary.
    alice_data["aliases-TOTAL_FORMS"] = str(int(alice_data["aliases-TOTAL_FORMS"]) + 1)
    index = int(alice_data["aliases-TOTAL_FORMS"]) - 1
    alice_data[f"aliases-{index}-name"] = "Alice's alias"
    alice_data[f"aliases-{index}-language"] = "en"
    assert alice.post(url, alice_data).status_code == 302
    assert Alias.objects.filter(entry=character, name="Alice's alias").exists()

    bob_data["summary"] = "Bob's summary."
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    assert "Aliases" in content
    assert "Alice&#x27;s alias" in content
    assert reload(character).summary == "The old summary."


def test_conflict_message_escapes_the_saved_values(alice, bob):
    studio = make_entry(Studio)
    url, alice_data = open_change_form(alice, studio)
    _, bob_data = open_change_form(bob, studio)
    alice_data["summary"] = "<script>alert('x')</script>"
    assert alice.post(url, alice_data).status_code == 302
    bob_data["summary"] = "Bob's summary."
    content = bob.post(url, bob_data).content.decode()
    assert CONFLICT in content
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


# --- Different fields: merged -------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_edits_of_different_fields_are_merged(alice, bob, model):
    entry = make_entry(model)
    url, alice_data = open_change_form(alice, entry)
    _, bob_data = open_change_form(bob, entry)

    alice_data["summary"] = "Alice's summary."
    alice_data["tags"] = "old tag, alice tag"
    assert alice.post(url, alice_data).status_code == 302

    bob_data["body"] = "Bob's body."
    response = bob.post(url, bob_data)

    assert response.status_code == 302
    saved = reload(entry)
    assert saved.summary == "Alice's summary."
    assert saved.body == "Bob's body."
    assert sorted(saved.tags.names()) == ["alice tag", "old tag"]
    assert saved.version == entry.version + 2
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(
        note.startswith("Merged with alice’s edit of") and "Summary, Tags" in note for note in notes
    ), notes


def test_merge_keeps_fields_the_form_does_not_show(alice, bob):
    """The page's rendered HTML and version come from the saved row, not the stale form."""
    staff = make_entry(Staff)
    url, alice_data = open_change_form(alice, staff)
    _, bob_data = open_change_form(bob, staff)
    alice_data["body"] = "Alice's [[body]]."
    assert alice.post(url, alice_data).status_code == 302
    bob_data["occupations"] = "director"
    assert bob.post(url, bob_data).status_code == 302
    saved = reload(staff)
    assert saved.occupations == "director"
    assert "Alice" in saved.body_html
    assert saved.version == staff.version + 2


# --- Revert -------------------------------------------------------------------------------------


def test_a_revert_is_not_checked_but_makes_open_forms_stale(alice, bob):
    character = make_entry(Character)
    url, data = open_change_form(alice, character)
    data["summary"] = "Second summary."
    assert alice.post(url, data).status_code == 302
    _, data = open_change_form(alice, character)
    data["summary"] = "Third summary."
    assert alice.post(url, data).status_code == 302
    _, bob_data = open_change_form(bob, character)

    # Alice reverts to the second summary: the revert form carries no base.
    versions = Version.objects.get_for_object(reload(character)).order_by("pk")
    revert_url = admin_url(Character, "revision", character.pk, versions.first().pk)
    response = alice.get(revert_url)
    assert response.status_code == 200
    revert_data = form_data(response, "character_form")
    assert BASE_SNAPSHOT not in revert_data
    assert alice.post(revert_url, revert_data).status_code == 302
    assert reload(character).summary == "Second summary."

    bob_data["summary"] = "Bob's summary."
    response = bob.post(url, bob_data)
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert reload(character).summary == "Second summary."


# --- Bad base ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        {BASE_SNAPSHOT: "not-a-signed-snapshot"},
        {BASE_VERSION: "abc"},
        {BASE_VERSION: "-1"},
        {BASE_SNAPSHOT: ""},
        {BASE_VERSION: "", BASE_SNAPSHOT: ""},
    ],
    ids=["forged-snapshot", "version-not-a-number", "version-mismatch", "no-snapshot", "none"],
)
def test_a_tampered_base_is_a_form_error(alice, tamper):
    episode = make_entry(Episode)
    url, data = open_change_form(alice, episode)
    data["summary"] = "Changed through a tampered form."
    data.update(tamper)

    response = alice.post(url, data)

    assert response.status_code == 200
    assert "cannot be checked against edits made since" in response.content.decode()
    saved = reload(episode)
    assert saved.summary == "The old summary."
    assert saved.version == episode.version


def test_a_snapshot_of_another_entry_is_refused(alice):
    first, second = make_entry(Character), make_entry(Character)
    url, data = open_change_form(alice, first)
    _, other = open_change_form(alice, second)
    data[BASE_SNAPSHOT] = other[BASE_SNAPSHOT]
    data["summary"] = "Changed."
    response = alice.post(url, data)
    assert response.status_code == 200
    assert reload(first).summary == "The old summary."


def test_an_entry_deleted_while_editing_is_a_form_error(alice, bob):
    character = make_entry(Character)
    url, data = open_change_form(bob, character)
    # Deleted after Bob's request found the entry, before his form is checked.
    from entries.history import conflicts

    original = conflicts.ConflictCheckFormMixin._check_for_conflicts

    def delete_first(form, cleaned_data):
        Entry.objects.filter(pk=character.pk).delete()
        return original(form, cleaned_data)

    conflicts.ConflictCheckFormMixin._check_for_conflicts = delete_first
    try:
        data["summary"] = "Bob's summary."
        response = bob.post(url, data)
    finally:
        conflicts.ConflictCheckFormMixin._check_for_conflicts = original
    assert response.status_code == 200
    assert "deleted this page while you were editing it" in response.content.decode()


# --- 20 at once, on PostgreSQL --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_saves_one_wins_and_nineteen_see_the_conflict():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time")
    count = 20
    character = make_entry(Character)
    clients = []
    for number in range(count):
        client = Client()
        client.force_login(factories.make_editor(f"editor{number}"))
        clients.append(client)
    url, data = open_change_form(clients[0], character)
    bodies = [f"Body written by editor {number}." for number in range(count)]
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def save(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[number].post(url, {**data, "body": bodies[number]})
            results[number] = (response.status_code, response.content.decode())
        except Exception as error:  # noqa: BLE001 - reported below, with its thread
            results[number] = ("exception", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(result is not None for result in results), results
    assert not [result for result in results if result[0] not in (200, 302)], results
    winners = [number for number, result in enumerate(results) if result[0] == 302]
    refused = [result for result in results if result[0] == 200]
    assert len(winners) == 1
    assert len(refused) == count - 1
    assert all(CONFLICT in content for _, content in refused)
    saved = reload(character)
    assert saved.body == bodies[winners[0]]
    assert saved.version == character.version + 1


# --- Pictures ------------------------------------------------------------------------------------


def _png(colour, name):
    from tests.image_corpus import png, upload

    return upload(name, png(colour=colour))


def _files(media_root) -> set[str]:
    from tests.helpers import files_under

    return set(files_under(media_root))


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_two_editors_changing_the_main_image(alice, bob, media_root, model):
    entry = make_entry(model)
    url, alice_data = open_change_form(alice, entry)
    _, bob_data = open_change_form(bob, entry)
    alice_data["image_upload"] = _png((1, 0, 0), "alice.png")
    assert alice.post(url, alice_data).status_code == 302
    alices = reload(entry).image
    stored = _files(media_root)

    bob_data["image_upload"] = _png((0, 0, 1), "bob.png")
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    # What changed: the main image, by the name Alice's file had.
    assert "Main image" in content
    assert "alice.png" in content
    # Nothing of Bob's: no picture, no file.
    assert reload(entry).image == alices
    assert list(Picture.objects.values_list("original_name", flat=True)) == ["alice.png"]
    assert _files(media_root) == stored


def test_removing_an_image_someone_else_replaced_is_a_conflict(alice, bob, media_root):
    from entries import pictures

    first = pictures.store_upload(_png((5, 5, 5), "first.png"))
    series = factories.make_series(image=first)
    url, alice_data = open_change_form(alice, series)
    _, bob_data = open_change_form(bob, series)
    alice_data["image_upload"] = _png((6, 6, 6), "second.png")
    assert alice.post(url, alice_data).status_code == 302

    bob_data["image_remove"] = "on"
    response = bob.post(url, bob_data)

    assert CONFLICT in response.content.decode()
    assert reload(series).image.original_name == "second.png"


def test_two_editors_changing_the_same_gallery_row(alice, bob, media_root):
    from entries import pictures

    series = make_entry(Series)
    row = GalleryImage.objects.create(
        entry=series, picture=pictures.store_upload(_png((3, 3, 3), "old.png")), caption="Old"
    )
    url, alice_data = open_change_form(alice, series)
    _, bob_data = open_change_form(bob, series)
    alice_data["gallery-0-upload"] = _png((4, 4, 4), "alice.png")
    assert alice.post(url, alice_data).status_code == 302
    stored = _files(media_root)

    bob_data["gallery-0-upload"] = _png((0, 4, 0), "bob.png")
    bob_data["gallery-0-caption"] = "Bob's caption"
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert CONFLICT in content
    assert "Gallery" in content
    row.refresh_from_db()
    assert (row.picture.original_name, row.caption) == ("alice.png", "Old")
    assert not Picture.objects.filter(original_name="bob.png").exists()
    assert _files(media_root) == stored


def test_a_gallery_caption_changed_by_someone_else_is_a_conflict(alice, bob, media_root):
    from entries import pictures

    series = make_entry(Series)
    picture = pictures.store_upload(_png((3, 3, 3), "old.png"))
    row = GalleryImage.objects.create(entry=series, picture=picture, caption="Old")
    url, alice_data = open_change_form(alice, series)
    _, bob_data = open_change_form(bob, series)
    alice_data["gallery-0-caption"] = "Alice's caption"
    assert alice.post(url, alice_data).status_code == 302

    bob_data["gallery-0-caption"] = "Bob's caption"
    bob_data["image_upload"] = _png((9, 0, 9), "bob.png")
    response = bob.post(url, bob_data)

    assert CONFLICT in response.content.decode()
    row.refresh_from_db()
    assert row.caption == "Alice's caption"
    assert Picture.objects.count() == 1
    assert _files(media_root) == set(picture.storage_names())


def test_an_image_and_a_summary_changed_by_two_editors_are_merged(alice, bob, media_root):
    character = make_entry(Character)
    url, alice_data = open_change_form(alice, character)
    _, bob_data = open_change_form(bob, character)
    alice_data["image_upload"] = _png((7, 0, 0), "portrait.png")
    alice_data["image_credit"] = "Alice"
    assert alice.post(url, alice_data).status_code == 302

    bob_data["summary"] = "Bob's summary."
    response = bob.post(url, bob_data)

    assert response.status_code == 302
    saved = reload(character)
    assert saved.summary == "Bob's summary."
    assert (saved.image.original_name, saved.image_credit) == ("portrait.png", "Alice")
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    merged = [note for note in notes if note.startswith("Merged with alice’s edit of")]
    assert len(merged) == 1, notes
    assert sorted(merged[0].split(": ", 1)[1].rstrip(".").split(", ")) == [
        "Main image",
        "Main image credit",
    ]


def test_a_summary_and_an_image_changed_by_two_editors_are_merged(alice, bob, media_root):
    studio = make_entry(Studio)
    url, alice_data = open_change_form(alice, studio)
    _, bob_data = open_change_form(bob, studio)
    alice_data["summary"] = "Alice's summary."
    assert alice.post(url, alice_data).status_code == 302

    bob_data["image_upload"] = _png((0, 7, 0), "logo.png")
    response = bob.post(url, bob_data)

    assert response.status_code == 302
    saved = reload(studio)
    assert saved.summary == "Alice's summary."
    assert saved.image.original_name == "logo.png"
    assert _files(media_root) == set(saved.image.storage_names())
