"""Three-way merges: two editors changing different lines of the same body both keep
their edits; lines both changed are a conflict the editor resolves in the form, with
both versions shown and nothing lost."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from entries import services
from entries.history.merge import MINE, THEIRS
from entries.models import Change, Series
from tests import factories
from tests.helpers import admin_url, form_data

pytestmark = pytest.mark.django_db

BASE = "Line one.\n\nLine two.\n\nLine three."
CONFLICT = "Someone else saved this page while you were editing it"


def editor(name: str) -> Client:
    client = Client()
    client.force_login(factories.make_editor(name))
    return client


@pytest.fixture
def series():
    series = factories.make_series(title="Metallic Rouge", body=BASE)
    with services.recorded(summary="Created"):
        services.note(series, Change.Action.CREATE)
    return series


def open_form(client, series) -> tuple[str, dict]:
    url = admin_url(Series, "change", series.pk)
    return url, form_data(client.get(url), "series_form")


def saved_body(series) -> str:
    return Series.objects.get(pk=series.pk).body


def test_edits_of_different_lines_are_merged(series):
    alice, bob = editor("alice"), editor("bob")
    url, alice_data = open_form(alice, series)
    _, bob_data = open_form(bob, series)
    alice_data["body"] = BASE.replace("Line one.", "Alice's line one.")
    assert alice.post(url, alice_data).status_code == 302

    bob_data["body"] = BASE.replace("Line three.", "Bob's line three.")
    response = bob.post(url, bob_data, follow=True)

    assert saved_body(series) == "Alice's line one.\n\nLine two.\n\nBob's line three."
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Merged with alice" in message and "Body" in message for message in messages)


def test_a_first_line_and_a_last_line_added_by_two_editors_are_both_kept(series):
    alice, bob = editor("alice"), editor("bob")
    url, alice_data = open_form(alice, series)
    _, bob_data = open_form(bob, series)
    alice_data["body"] = "A new first line.\n\n" + BASE
    assert alice.post(url, alice_data).status_code == 302

    bob_data["body"] = BASE + "\n\nA new last line."
    assert bob.post(url, bob_data).status_code == 302

    assert saved_body(series) == "A new first line.\n\n" + BASE + "\n\nA new last line."


@pytest.mark.parametrize(
    ("alice_body", "bob_body"),
    [
        (BASE.replace("Line two.", "Alice's two."), BASE.replace("Line two.", "Bob's two.")),
        (BASE.replace("\n\nLine two.", ""), BASE.replace("Line two.", "Bob's two.")),
        (BASE + "\n\nAlice's end.", BASE + "\n\nBob's end."),
    ],
    ids=["same-line", "one-deletes-what-the-other-edits", "both-add-at-the-end"],
)
def test_lines_both_changed_are_a_conflict_resolved_in_the_form(series, alice_body, bob_body):
    alice, bob = editor("alice"), editor("bob")
    url, alice_data = open_form(alice, series)
    _, bob_data = open_form(bob, series)
    alice_data["body"] = alice_body
    assert alice.post(url, alice_data).status_code == 302

    bob_data["body"] = bob_body
    refused = bob.post(url, bob_data)

    assert refused.status_code == 200
    assert CONFLICT in refused.content.decode()
    assert saved_body(series) == alice_body  # nothing of Bob's was saved
    shown = form_data(refused, "series_form")["body"]
    assert f"<<<<<<< {MINE}" in shown and f">>>>>>> {THEIRS}" in shown
    for line in {*alice_body.split("\n\n"), *bob_body.split("\n\n")} - set(BASE.split("\n\n")):
        assert line in shown, f"{line!r} is lost"

    # Saving with the markers left in is refused; resolving them saves.
    assert (
        "Resolve the conflict first"
        in bob.post(url, form_data(refused, "series_form")).content.decode()
    )
    resolved = form_data(refused, "series_form")
    resolved["body"] = bob_body
    assert bob.post(url, resolved).status_code == 302
    assert saved_body(series) == bob_body


def test_three_editors_on_three_lines_all_keep_their_edit(series):
    alice, bob, carol = editor("alice"), editor("bob"), editor("carol")
    url, alice_data = open_form(alice, series)
    _, bob_data = open_form(bob, series)
    _, carol_data = open_form(carol, series)

    alice_data["body"] = BASE.replace("Line one.", "One by Alice.")
    bob_data["body"] = BASE.replace("Line two.", "Two by Bob.")
    carol_data["body"] = BASE.replace("Line three.", "Three by Carol.")
    for client, data in ((alice, alice_data), (bob, bob_data), (carol, carol_data)):
        assert client.post(url, data).status_code == 302

    assert saved_body(series) == "One by Alice.\n\nTwo by Bob.\n\nThree by Carol."
    assert Change.objects.filter(entry_pk=series.pk).count() == 4


def test_without_a_recorded_base_the_same_field_stays_a_conflict():
    """An entry nobody recorded yet (made by a script): there is nothing to merge
    against, so both changes to the body are a conflict, as before."""
    series = factories.make_series(body=BASE)
    alice, bob = editor("alice"), editor("bob")
    url, alice_data = open_form(alice, series)
    _, bob_data = open_form(bob, series)
    alice_data["body"] = BASE.replace("Line one.", "Alice's line one.")
    assert alice.post(url, alice_data).status_code == 302
    bob_data["body"] = BASE.replace("Line three.", "Bob's line three.")

    assert CONFLICT in bob.post(url, bob_data).content.decode()
