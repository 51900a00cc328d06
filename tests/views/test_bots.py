"""Bots are bots: what programs write (the bangumi-data import, the demo load) is
marked as automated, and recent changes, its feed and the home page's "Recently
updated" hide it unless ``?bots=1`` asks for it. Editors feature pages on the
home page, and the demo features Metallic Rouge, which stays first after an
import of newer series."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from entries.models import Change, Entry, Series
from entries.services import note, recorded
from tests import factories
from tests.helpers import (
    SAMPLE,
    form_errors,
    open_form,
    run_import,
    sample_document,
    write_json,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOME = reverse("entries:home")
RECENT = reverse("entries:recent-changes")
FEED = reverse("entries:recent-feed")


def by_editor(entry, user, summary="Fixed a typo"):
    with recorded(user=user, summary=summary):
        entry.save()
        note(entry, Change.Action.CHANGE)


def by_program(entry, summary="Synced"):
    with recorded(summary=summary, automated=True):
        entry.save()
        note(entry, Change.Action.CHANGE)


def new_series_document(tmp_path, count: int = 3):
    """A bangumi-data file with ``count`` TV series that start in 2026, after the demo."""
    document = sample_document()
    template = next(item for item in document["items"] if item["type"] == "tv")
    document["items"] = [
        {
            **template,
            "title": f"新しいアニメ {number}",
            "titleTranslate": {"en": [f"New Show {number}"]},
            "begin": f"2026-{number + 1:02d}-05T15:00:00.000Z",
            "end": "",
            "officialSite": "",
            "sites": [{"site": "anidb", "id": str(900_000 + number)}],
        }
        for number in range(count)
    ]
    return write_json(tmp_path / "new-series.json", document)


@pytest.fixture
def mixed(editor):
    """A page an editor changed, and one only a program changed."""
    edited = factories.make_series(title="Edited By Hand")
    synced = factories.make_series(title="Synced By Script")
    by_editor(edited, editor)
    by_program(synced)
    return {"edited": edited, "synced": synced}


def line_titles(response) -> list[str]:
    return [line.change.title for line in response.context["lines"]]


# --- The write path marks what programs write ------------------------------------------------


def test_a_programs_write_marks_its_changes_and_an_editors_does_not(mixed):
    assert Change.objects.get(entry=mixed["edited"]).automated is False
    assert Change.objects.get(entry=mixed["synced"]).automated is True


def test_a_nested_write_is_automated_as_the_outer_one_is(editor):
    series = factories.make_series(title="Nested")
    with recorded(summary="Outer", automated=True), recorded(user=editor, summary="Inner"):
        series.save()
        note(series, Change.Action.CHANGE)
    assert Change.objects.get(entry=series).automated is True


def test_the_demo_load_and_the_import_are_automated():
    call_command("loaddemo", stdout=io.StringIO())
    run_import(SAMPLE)
    changes = Change.objects.all()
    assert changes.count() > 20
    assert set(changes.values_list("automated", flat=True)) == {True}


# --- Recent changes and its feed --------------------------------------------------------


def test_recent_changes_hide_bots_until_asked(client, mixed):
    response = client.get(RECENT)
    assert line_titles(response) == ["Edited By Hand"]
    content = response.content.decode()
    assert f'href="{RECENT}?bots=1"' in content
    assert "Show changes by bots" in content
    assert "Changes by bots (imports, the demo) are hidden" not in content  # not empty

    response = client.get(RECENT, {"bots": "1"})
    assert line_titles(response) == ["Synced By Script", "Edited By Hand"]
    content = response.content.decode()
    assert content.count('class="recent__bot"') == 1
    assert "Hide changes by bots" in content
    assert f'href="{FEED}?bots=1"' in content
    # The checkbox among the filters says what the page shows.
    assert 'name="bots" value="1" checked' in content


def test_the_bots_toggle_keeps_the_other_filters(client, mixed):
    response = client.get(RECENT, {"kind": "series", "q": "Sync"})
    assert line_titles(response) == []
    content = response.content.decode()
    assert f'href="{RECENT}?kind=series&amp;q=Sync&amp;bots=1"' in content
    response = client.get(RECENT, {"kind": "series", "q": "Sync", "bots": "1"})
    assert line_titles(response) == ["Synced By Script"]


def test_a_list_of_only_bots_changes_says_how_to_see_them(client):
    by_program(factories.make_series(title="Imported"))
    response = client.get(RECENT)
    content = response.content.decode()
    assert line_titles(response) == []
    assert "Changes by bots (imports, the demo) are hidden" in content
    assert f'href="{RECENT}?bots=1"' in content


def test_bots_0_hides_them_and_junk_is_a_normal_page(client, mixed):
    assert line_titles(client.get(RECENT, {"bots": "0"})) == ["Edited By Hand"]
    response = client.get(RECENT, {"bots": "\x00yes" * 100})
    assert response.status_code == 200
    assert client.get(FEED, {"bots": "\x00" * 50}).status_code == 200


def test_the_feed_hides_bots_until_asked(client, mixed):
    def titles(response):
        root = ET.fromstring(response.content)
        return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]

    assert titles(client.get(FEED)) == ["Edited By Hand (series) changed"]
    assert titles(client.get(FEED, {"bots": "1"})) == [
        "Synced By Script (series) changed",
        "Edited By Hand (series) changed",
    ]


def test_the_bots_page_stands_for_recent_changes_itself(client, mixed):
    content = client.get(RECENT, {"bots": "1"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/recent/">' in content


def test_recent_changes_with_bots_costs_what_it_did(client, mixed, django_assert_num_queries):
    for number in range(5):
        by_program(factories.make_series(title=f"More {number}"))
    client.get(RECENT, {"bots": "1"})
    # The count, the page of changes with their revisions, editors and entries.
    with django_assert_num_queries(2):
        response = client.get(RECENT, {"bots": "1"})
    assert len(response.context["lines"]) == 7
    with django_assert_num_queries(2):
        response = client.get(RECENT)
    assert len(response.context["lines"]) == 1


def test_the_bots_variant_is_a_page_of_its_own_in_the_page_cache(client, settings, mixed):
    settings.FANDEX_PAGE_CACHE = True
    assert client.get(RECENT)["X-Fandex-Cache"] == "miss"
    response = client.get(RECENT, {"bots": "1"})
    assert response["X-Fandex-Cache"] == "miss"
    assert "Synced By Script" in response.content.decode()
    hidden = client.get(RECENT)
    assert hidden["X-Fandex-Cache"] == "hit"
    assert "Synced By Script" not in hidden.content.decode()
    assert client.get(RECENT, {"bots": "1"})["X-Fandex-Cache"] == "hit"


# --- Home: recently updated ----------------------------------------------------------------


def recent_titles(response) -> list[str]:
    return [entry.title for entry in response.context["recent"]]


def test_home_recently_updated_hides_pages_a_program_changed_last(client, editor, mixed):
    unrecorded = factories.make_character(title="Never Recorded")
    response = client.get(HOME)
    assert "Synced By Script" not in recent_titles(response)
    assert {"Edited By Hand", "Never Recorded"} <= set(recent_titles(response))
    assert f'href="{HOME}?bots=1"' in response.content.decode()

    shown = client.get(HOME, {"bots": "1"})
    assert recent_titles(shown)[:2] == ["Never Recorded", "Synced By Script"]
    assert "Hide changes by bots" in shown.content.decode()
    # The variant stands for the home page.
    assert '<link rel="canonical" href="http://testserver/">' in shown.content.decode()

    # An editor's change after the program's brings the page back.
    by_editor(mixed["synced"], editor)
    assert recent_titles(client.get(HOME))[0] == "Synced By Script"
    assert unrecorded.pk


def test_home_with_only_bots_changes_offers_to_show_them(client):
    call_command("loaddemo", stdout=io.StringIO())
    response = client.get(HOME)
    assert recent_titles(response) == []
    content = response.content.decode()
    assert "Nothing here yet" in content
    assert f'href="{HOME}?bots=1"' in content
    assert len(recent_titles(client.get(HOME, {"bots": "1"}))) == 12


# --- Featured pages -------------------------------------------------------------------------


def featured_titles(response) -> list[str]:
    return [entry.title for entry in response.context["featured"]]


def test_featured_pages_come_first_in_their_order_then_airing_series(client):
    factories.make_series(title="Airing Now", status=Series.Status.AIRING, year=2026)
    factories.make_series(title="Old Favourite", status=Series.Status.FINISHED, year=1998)
    factories.make_character(title="Rouge Redstar", featured=2)
    factories.make_series(title="Metallic Rouge", year=2024, featured=1)
    response = client.get(HOME)
    assert featured_titles(response) == [
        "Metallic Rouge",
        "Rouge Redstar",
        "Airing Now",
        "Old Favourite",
    ]
    content = response.content.decode()
    # The featured series card still says its format and year; the character's its kind.
    assert "TV · 2024" in content
    assert '<span class="kind kind--character">Character</span>' in content


def test_an_editor_features_a_page_and_its_history_keeps_it(editor_client):
    series = factories.make_series(title="Cowboy Bebop", year=1998)
    factories.make_series(title="Newer", year=2026, status=Series.Status.AIRING)
    url, data = open_form(editor_client, Series, series)
    assert "featured" in data
    data.update(featured="1", _edit_summary="Featured for its anniversary")
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)

    series.refresh_from_db()
    assert series.featured == 1
    change = Change.objects.get(entry=series)
    assert change.automated is False
    assert change.revision.user.username == "editor"
    # The revision holds the featured position, so a revert takes it back too.
    version = change.revision.version_set.get(object_id=str(series.pk), content_type__model="entry")
    assert version.field_dict["featured"] == 1

    editor_client.logout()
    assert featured_titles(editor_client.get(HOME))[0] == "Cowboy Bebop"


def test_a_featured_position_must_be_a_positive_number(editor_client):
    series = factories.make_series(title="Cowboy Bebop")
    url, data = open_form(editor_client, Series, series)
    data.update(featured="-3")
    response = editor_client.post(url, data)
    assert any("greater than or equal to 0" in message for message in form_errors(response))
    series.refresh_from_db()
    assert series.featured is None


def test_the_demo_stays_first_on_home_after_importing_newer_series(client, tmp_path):
    call_command("loaddemo", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "import_bangumi",
        str(new_series_document(tmp_path)),
        "--today",
        "2026-12-01",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "created 3" in out.getvalue()
    assert Series.objects.filter(year=2026, status=Series.Status.AIRING).count() == 3

    response = client.get(HOME)
    featured = featured_titles(response)
    assert featured[0] == "Metallic Rouge"
    # Then what the home page showed before: the airing 2026 series.
    assert featured[1:] == ["New Show 2", "New Show 1", "New Show 0"]
    # Neither the import nor the demo fills "Recently updated".
    assert recent_titles(response) == []
    shown = recent_titles(client.get(HOME, {"bots": "1"}))
    assert set(shown[:3]) == {"New Show 0", "New Show 1", "New Show 2"}


def test_home_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for number in range(6):
        series = factories.make_series(title=f"Show {number}", featured=number + 1)
        by_program(series)
        factories.make_character(title=f"Person {number}", tags=["x"])
    client.get(HOME)
    # Featured and their tags, recently updated and their tags, popular tags.
    with django_assert_num_queries(5):
        response = client.get(HOME)
    assert len(response.context["featured"]) == 4
    with django_assert_num_queries(5):
        response = client.get(HOME, {"bots": "1"})
    assert len(response.context["recent"]) == 12
    assert Entry.objects.count() == 12
