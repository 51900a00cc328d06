"""Recent changes (/recent/) and its Atom feed (/recent/feed/)."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from reversion.models import Revision

from entries.models import Change, Entry
from entries.services import note, recorded
from entries.views import recent as recent_views
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RECENT = reverse("entries:recent-changes")
FEED = reverse("entries:recent-feed")


def record(entry, *, user=None, action=Change.Action.CHANGE, summary="", ago=None) -> Change:
    """Save (or delete) ``entry`` in a revision by ``user``; ``ago`` sets its time."""
    pk = entry.pk
    with recorded(user=user, summary=summary):
        if action == Change.Action.DELETE:
            # A revision keeps only rows that exist when it is written: delete after.
            note(entry, action)
        else:
            entry.save()
            note(entry, action)
    if action == Change.Action.DELETE:
        entry.delete()
    change = Change.objects.filter(entry_pk=pk).latest("pk")
    if ago is not None:
        Revision.objects.filter(pk=change.revision_id).update(date_created=timezone.now() - ago)
    return Change.objects.select_related("revision").get(pk=change.pk)


@pytest.fixture
def alice(db):
    return factories.make_editor("alice")


@pytest.fixture
def bob(db):
    return factories.make_editor("bob")


def test_urls_both_ways():
    assert RECENT == "/recent/"
    assert FEED == "/recent/feed/"
    assert resolve("/recent/").view_name == "entries:recent-changes"
    assert resolve("/recent/feed/").view_name == "entries:recent-feed"


def test_every_page_links_to_recent_changes_and_its_feed(client):
    content = client.get(reverse("entries:home")).content.decode()
    assert f'href="{RECENT}"' in content
    alternate = (
        '<link rel="alternate" type="application/atom+xml" title="Fandex: recent changes" '
        f'href="{FEED}">'
    )
    assert alternate in content


def test_lists_changes_of_every_kind_newest_first(client, alice, bob):
    series = factories.make_series(title="Metallic Rouge")
    episode = factories.make_episode(series=series, title="The Girl Who Wanted")
    studio = factories.make_studio(title="Bones")
    record(series, user=alice, action="create", summary="New series", ago=timedelta(hours=3))
    record(episode, user=bob, summary="Synopsis of episode 1", ago=timedelta(hours=2))
    record(studio, user=alice, summary="Founders", ago=timedelta(hours=1))

    response = client.get(RECENT)

    assert response.status_code == 200
    content = response.content.decode()
    lines = response.context["lines"]
    expected = ["Bones", "The Girl Who Wanted", "Metallic Rouge"]
    assert [line.change.title for line in lines] == expected
    assert (
        content.index("Bones")
        < content.index("The Girl Who Wanted")
        < content.index("Metallic Rouge")
    )
    # Title links to the entry (an episode through its series), editor, action, summary.
    assert f'href="{episode.get_absolute_url()}">The Girl Who Wanted</a>' in content
    assert f'href="{studio.get_absolute_url()}">Bones</a>' in content
    assert ">alice</a>" in content and ">bob</a>" in content
    assert "Synopsis of episode 1" in content
    assert "created" in content and "changed" in content
    assert 'class="kind kind--episode"' in content


def test_links_each_change_to_its_diff(client, alice):
    character = factories.make_character(title="Rouge Redstar")
    change = record(character, user=alice, summary="Voice actors")
    content = client.get(RECENT).content.decode()
    url = character.get_revision_url(change.revision_id)
    assert f'class="recent__diff" href="{url}"' in content


def test_a_lines_diff_link_is_its_revision_below_the_entry(alice):
    character = factories.make_character(title="Rouge Redstar")
    change = record(character, user=alice)
    [line] = recent_views.change_lines(Change.objects.filter(pk=change.pk))
    url = line.diff_url
    assert isinstance(url, str)
    if url:
        assert url.startswith(character.get_absolute_url())
    assert url == character.get_revision_url(change.revision_id)


def test_a_deleted_entry_is_plain_text(client, alice):
    character = factories.make_character(title="Naomi Orthmann")
    record(character, user=alice, summary="Duplicate page", action=Change.Action.DELETE)

    content = client.get(RECENT).content.decode()

    assert '<span class="recent__title recent__title--gone">Naomi Orthmann</span>' in content
    assert "deleted" in content
    assert "Duplicate page" in content
    assert 'href="/characters/naomi-orthmann/' not in content


def test_a_recovered_entry_is_linked_again(client, alice):
    """Rows written before a deletion lose their link; the entry, back, is found by id."""
    character = factories.make_character(title="Jean Jaures")
    change = record(character, user=alice, summary="Before the deletion")
    Change.objects.filter(pk=change.pk).update(entry=None)

    content = client.get(RECENT).content.decode()

    assert f'href="{character.get_absolute_url()}">Jean Jaures</a>' in content


def test_filters_by_kind_editor_and_summary(client, alice, bob):
    series = factories.make_series(title="Metallic Rouge")
    person = factories.make_staff(title="Motoo Fujiwara")
    record(series, user=alice, summary="Fix the air date")
    record(person, user=bob, summary="Add credits")
    record(series, user=bob, summary="Tags")

    def summaries(query):
        response = client.get(RECENT, query)
        assert response.status_code == 200
        return [line.change.revision.comment for line in response.context["lines"]]

    assert summaries({"kind": "series"}) == ["Tags", "Fix the air date"]
    assert summaries({"kind": "staff"}) == ["Add credits"]
    assert summaries({"editor": "bob"}) == ["Tags", "Add credits"]
    assert summaries({"q": "AIR DATE"}) == ["Fix the air date"]
    assert summaries({"kind": "series", "editor": "bob"}) == ["Tags"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "robots"}, "“robots” is not a kind of page. The kind filter was left out."),
        ({"q": "x" * 500}, "The summary filter was left out."),
        ({"editor": "e" * 500}, "The editor filter was left out."),
        ({"editor": "bad\x00name"}, "The editor filter was left out."),
    ],
    ids=["unknown-kind", "long-summary", "long-editor", "null-character"],
)
def test_bad_filters_give_a_message_never_a_500(client, alice, query, message):
    record(factories.make_series(), user=alice, summary="Something")
    response = client.get(RECENT, query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_invalid_filter_is_left_out(client, alice):
    record(factories.make_series(), user=alice, summary="Something")
    response = client.get(RECENT, {"kind": "robots"})
    assert len(response.context["lines"]) == 1


def test_is_paginated(client, alice):
    character = factories.make_character()
    for number in range(recent_views.RECENT_PAGE_SIZE + 1):
        record(character, user=alice, summary=f"Edit {number}")
    first = client.get(RECENT)
    assert len(first.context["lines"]) == recent_views.RECENT_PAGE_SIZE
    assert "Edit 50" in first.content.decode()
    second = client.get(RECENT, {"page": 2})
    assert [line.change.revision.comment for line in second.context["lines"]] == ["Edit 0"]
    assert client.get(RECENT, {"page": "abc"}).status_code == 404
    assert client.get(RECENT, {"page": 99}).status_code == 404


def make_changes(count: int, user) -> None:
    """``count`` changes over every kind, a deleted entry among them."""
    series = factories.make_series()
    makers = [
        lambda: series,
        lambda: factories.make_episode(series=series),
        factories.make_character,
        factories.make_staff,
        factories.make_studio,
    ]
    for number in range(count - 1):
        record(makers[number % len(makers)](), user=user, summary=f"Edit {number}")
    record(factories.make_character(), user=user, action=Change.Action.DELETE)


@pytest.mark.parametrize("count", [1, 50])
def test_recent_changes_take_a_fixed_number_of_queries(
    client, alice, django_assert_num_queries, count
):
    make_changes(count, alice)
    # A count, the page of changes with editors and entries, and whether the
    # entries of deleted rows came back since (asked once for all of them).
    with django_assert_num_queries(3):
        response = client.get(RECENT)
    assert len(response.context["lines"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_feed_takes_a_fixed_number_of_queries(client, alice, django_assert_num_queries, count):
    make_changes(count, alice)
    with django_assert_num_queries(2):
        response = client.get(FEED)
    assert response.status_code == 200


# --- The feed ---------------------------------------------------------------------------------


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def test_feed_is_atom_with_the_latest_changes(client, alice, bob):
    character = factories.make_character(title="Rouge Redstar")
    older = record(character, user=alice, summary="First <b>draft</b>", ago=timedelta(hours=2))
    newer = record(character, user=bob, summary="Voice actors", ago=timedelta(hours=1))

    root = parse_feed(client.get(FEED))

    assert root.findtext(f"{ATOM}title") == "Fandex: recent changes"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(FEED)
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(RECENT)
    assert root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries] == ["bob", "alice"]
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Rouge Redstar (character) changed"
    assert first.findtext(f"{ATOM}summary") == "Voice actors"
    # The summary is HTML: the editor's "<b>" is text, escaped once.
    assert entries[1].findtext(f"{ATOM}summary") == "First &lt;b&gt;draft&lt;/b&gt;"
    link = first.find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/characters/rouge-redstar/")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == 2
    assert ids[0].endswith(f"change-{newer.pk}") and ids[1].endswith(f"change-{older.pk}")
    assert (
        entries[0]
        .findtext(f"{ATOM}updated")
        .startswith(newer.revision.date_created.strftime("%Y-%m-%dT%H:%M"))
    )


def test_feed_holds_the_latest_fifty(client, alice):
    character = factories.make_character()
    for number in range(55):
        record(character, user=alice, summary=f"Edit {number}")
    entries = parse_feed(client.get(FEED)).findall(f"{ATOM}entry")
    assert len(entries) == recent_views.FEED_SIZE
    assert entries[0].findtext(f"{ATOM}summary") == "Edit 54"
    assert entries[-1].findtext(f"{ATOM}summary") == "Edit 5"


def test_feed_of_a_deleted_entry_links_to_recent_changes(client, alice):
    character = factories.make_character(title="Gone")
    record(character, user=alice, action=Change.Action.DELETE)
    entry = parse_feed(client.get(FEED)).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Gone (character) deleted"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{RECENT}"


def test_feed_takes_the_page_filters_and_ignores_bad_ones(client, alice, bob):
    record(factories.make_series(), user=alice, summary="Series edit")
    record(factories.make_studio(), user=bob, summary="Studio edit")
    filtered = parse_feed(client.get(FEED, {"kind": "studio"})).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}summary") for entry in filtered] == ["Studio edit"]
    bad = parse_feed(client.get(FEED, {"kind": "robots", "q": "x" * 500}))
    assert len(bad.findall(f"{ATOM}entry")) == 2


def test_feed_with_no_changes_is_still_atom(client):
    root = parse_feed(client.get(FEED))
    assert root.findall(f"{ATOM}entry") == []


def test_changes_without_an_editor_say_so(client):
    series = factories.make_series()
    record(series, user=None, summary="Imported")
    content = client.get(RECENT).content.decode()
    assert "a maintenance script" in content
    entry = parse_feed(client.get(FEED)).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author") is None


def test_entry_kinds_are_all_filterable(client, alice):
    for kind in Entry.Kind.values:
        assert client.get(RECENT, {"kind": kind}).status_code == 200


def test_editors_are_told_that_nobody_has_that_name(editor_client, alice):
    record(factories.make_series(), user=alice, summary="Something")
    response = editor_client.get(RECENT, {"editor": "nobody"})
    assert response.status_code == 200
    assert "No editor is called “nobody”." in response.content.decode()


def test_readers_cannot_tell_an_account_from_no_account(client, alice):
    """/recent/?editor= must not confirm which account names exist."""
    record(factories.make_series(), user=alice, summary="Something")
    quiet = factories.make_editor(username="zq-hana")

    unknown = client.get(RECENT, {"editor": "nobody"}).content.decode()
    existing = client.get(RECENT, {"editor": quiet.username}).content.decode()

    assert "No editor is called" not in unknown
    assert unknown.replace("nobody", "NAME") == existing.replace(quiet.username, "NAME")
