"""Spoiler marks (entries.spoilers): editors mark what an episode reveals, pages keep
it closed for every reader (the browser opens it), and no place that cannot hide
it shows it: summaries and cards, search, share cards and JSON-LD, the feed."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Revision

from entries import search as site_search
from entries import services, spoilers
from entries.markup import render
from entries.models import (
    Appearance,
    Change,
    Character,
    Series,
    SeriesRelation,
    TaggedEntry,
    WikiLink,
)
from entries.services import note, recorded
from tests import factories
from tests.helpers import form_data, form_errors, open_form

pytestmark = pytest.mark.django_db

SECRET = "zanzibarite"  # a word that appears only inside spoilers
PASSAGE = f"Out in the open.\n\n:::spoiler 9\nThe {SECRET} twist, see [[Naomi Orthmann]].\n:::\n"


def spoilers_of(html: str) -> list[str]:
    """The opening tags of the closed spoilers on a page."""
    return re.findall(r"<details class=\"spoiler[^\"]*\"[^>]*>", html)


# --- Marking ----------------------------------------------------------------------------


def test_a_passage_renders_closed_with_its_episode_and_keeps_its_links():
    rendered = render(PASSAGE)
    assert '<details class="spoiler" data-revealed-in="9">' in rendered.html
    assert not re.search(r"<details[^>]*\bopen\b", rendered.html)
    assert 'Revealed in episode 9</span>: <span class="spoiler__show">show' in rendered.html
    assert [link.name for link in rendered.links] == ["Naomi Orthmann"]
    # The passage's words are gone from what search and excerpts read.
    assert SECRET not in spoilers.without_spoilers(rendered.html)
    assert "Out in the open." in spoilers.without_spoilers(rendered.html)


def test_raw_details_in_a_body_stay_text():
    html = render('<details open class="spoiler">x</details>').html
    assert "<details" not in html


def test_links_inside_a_passage_are_recorded():
    series = factories.make_series(body=PASSAGE)
    assert WikiLink.objects.filter(source=series, target_key="naomi orthmann").exists()


def test_names_only_inside_a_passage_stay_off_the_wanted_pages(client):
    factories.make_series(
        title="Open Page",
        body=(
            "Out: [[Open Red Link]].\n\n"
            ":::spoiler 4\nIn: [[Hidden Villain]], [[Open Red Link]].\n:::"
        ),
    )
    wanted = client.get(reverse("entries:wanted-pages")).content.decode()
    assert "Open Red Link" in wanted
    assert "Hidden Villain" not in wanted
    # The page itself still links it, red, inside its closed passage.
    page = client.get(reverse("entries:series-detail", kwargs={"slug": "open-page"}))
    assert 'data-wikilink=":hidden villain"' in page.content.decode()


def test_a_page_linked_only_inside_a_passage_does_not_list_it_under_what_links_here(client):
    target = factories.make_character(title="Hidden Villain")
    factories.make_series(title="Open Mention", body="[[Hidden Villain]] is a name.")
    series = factories.make_series(
        title="Secret Mention", body=":::spoiler 9\n[[Hidden Villain]] is the twin.\n:::"
    )
    here = client.get(target.get_absolute_url()).content.decode()
    assert "Open Mention" in here
    assert "Secret Mention" not in here
    # Taking the mention out of the passage lists the page there, on the next read.
    with recorded(summary="No longer a secret"):
        series.body = "[[Hidden Villain]] is the twin."
        series.save()
        note(series, Change.Action.CHANGE)
    assert "Secret Mention" in client.get(target.get_absolute_url()).content.decode()
    # And putting it back in a passage takes it off again.
    with recorded(summary="A secret again"):
        series.body = ":::spoiler 9\n[[Hidden Villain]] is the twin.\n:::"
        series.save()
        note(series, Change.Action.CHANGE)
    assert "Secret Mention" not in client.get(target.get_absolute_url()).content.decode()
    assert WikiLink.objects.get(source=series).in_spoiler


def test_a_passage_without_a_valid_episode_is_refused_with_a_message():
    series = factories.make_series()
    series.body = ":::spoiler soon\nhidden\n:::"
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert "names the episode that reveals it" in str(error.value.message_dict["body"])
    # Saved anyway (an import, say), it still hides its text from everyone.
    series.save()
    assert '<details class="spoiler">' in series.body_html


def test_a_summary_cannot_hold_a_spoiler(editor_client):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    data["summary"] = f":::spoiler 2\n{SECRET}\n:::"
    response = editor_client.post(url, data)
    form_errors(response)
    assert "cannot hide a spoiler" in response.content.decode()
    series.refresh_from_db()
    assert SECRET not in series.summary


@pytest.mark.parametrize("make", [lambda: factories.make_character(series=factories.make_series())])
def test_the_database_refuses_episode_zero(make):
    character = make()
    appearance = Appearance.objects.get(character=character)
    appearance.revealed_in = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        appearance.save()


def test_the_admin_shows_and_saves_marks(editor_client):
    series = factories.make_series(tags=["androids"])
    character = factories.make_character(series=series)
    url, data = open_form(editor_client, Character, character)
    page = editor_client.get(url).content.decode()
    assert "Revealed in episode" in page
    assert "Tag spoiler marks" in page
    data["appearances-0-revealed_in"] = "3"
    data["tagged_items-0-revealed_in"] = ""
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_data
    assert Appearance.objects.get(character=character).revealed_in == 3

    url, data = open_form(editor_client, Series, series)
    data["tagged_items-0-revealed_in"] = "4"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert TaggedEntry.objects.get(content_object=series).revealed_in == 4


def test_a_person_s_spoiler_tag_must_name_its_series(editor_client):
    person = factories.make_staff(tags=["secret identity"])
    from entries.models import Staff

    url, data = open_form(editor_client, Staff, person)
    data["tagged_items-0-revealed_in"] = "2"
    response = editor_client.post(url, data)
    form_errors(response)
    assert "Name the series whose episode reveals this tag." in response.content.decode()
    assert TaggedEntry.objects.get(content_object=person).revealed_in is None


def test_removing_a_tag_while_its_mark_row_is_on_the_form_does_not_bring_it_back(editor_client):
    series = factories.make_series(tags=["androids", "mars"])
    url, data = open_form(editor_client, Series, series)
    data["tags"] = "mars"
    for index in range(int(data["tagged_items-TOTAL_FORMS"])):
        data[f"tagged_items-{index}-revealed_in"] = "2"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert sorted(series.tags.names()) == ["mars"]


# --- History --------------------------------------------------------------------------------


def test_revert_brings_the_marks_back_and_the_diff_shows_them(editor_client):
    series = factories.make_series()
    character = factories.make_character(series=series, tags=["undercover"])
    other = factories.make_series()
    with recorded(summary="marks"):
        appearance = Appearance.objects.get(character=character)
        appearance.revealed_in = 3
        appearance.save()
        TaggedEntry.objects.filter(content_object=character).update(revealed_in=5)
        note(character, Change.Action.CHANGE)
    marked = Revision.objects.latest("pk")
    with recorded(summary="unmarked"):
        Appearance.objects.filter(character=character).update(revealed_in=None)
        TaggedEntry.objects.filter(content_object=character).update(revealed_in=None)
        character.body = "Edited."
        character.save()
        note(character, Change.Action.CHANGE)

    services.restore_entry(revision=marked, model=Character, pk=character.pk)
    assert Appearance.objects.get(character=character).revealed_in == 3
    assert TaggedEntry.objects.get(content_object=character).revealed_in == 5

    # Editors see the marks with what they mark.
    diff = editor_client.get(character.get_revision_url(marked.pk)).content.decode()
    assert "[spoiler: revealed in episode 3]" in diff
    assert "undercover [spoiler: revealed in episode 5]" in diff
    del other


# --- Pages ------------------------------------------------------------------------------


@pytest.fixture
def marked_world():
    """A series with a spoiler passage, tag, appearance, relation and picture."""
    series = factories.make_series(title="Rouge Saga", body=PASSAGE, tags=["mecha", "androids"])
    TaggedEntry.objects.filter(content_object=series, tag__name="androids").update(revealed_in=2)
    traitor = factories.make_character(title="Secret Traitor", series=series)
    Appearance.objects.filter(character=traitor).update(revealed_in=7)
    sequel = factories.make_series(title="Rouge Saga Zero")
    relation = factories.relate(series, sequel, SeriesRelation.Type.PREQUEL)
    SeriesRelation.objects.filter(pk=relation.pk).update(revealed_in=12)
    actor = factories.make_staff(title="Hidden Voice")
    factories.voice(traitor, actor)
    return series, traitor, sequel


def test_a_series_page_closes_every_mark_and_names_the_series(client, marked_world):
    series, traitor, sequel = marked_world
    html = client.get(series.get_absolute_url()).content.decode()
    assert f'data-spoiler-series="{series.slug}"' in html
    opening = spoilers_of(html)
    assert '<details class="spoiler" data-revealed-in="9">' in opening  # the passage
    assert any('data-revealed-in="2"' in tag and "spoiler--inline" in tag for tag in opening)
    assert (
        f'<details class="spoiler spoiler--cast" data-revealed-in="7" data-series="{series.slug}">'
        in opening
    )
    relation = 'class="spoiler spoiler--inline" data-revealed-in="12"'
    assert f'<details {relation} data-series="{series.slug}">' in opening
    assert not any(" open" in tag for tag in opening)
    # The control is in the page, hidden until the script shows it.
    assert "data-spoiler-progress hidden" in html
    assert 'data-series="rouge-saga"' in html and "Up to episode 1<" in html


def test_a_character_page_closes_its_marked_appearance(client, marked_world):
    series, traitor, _sequel = marked_world
    html = client.get(traitor.get_absolute_url()).content.decode()
    assert f'data-spoiler-series="{series.slug}"' in html
    assert f'data-revealed-in="7" data-series="{series.slug}"' in html


def test_the_page_is_the_same_for_every_reader(client, marked_world, settings):
    settings.FANDEX_PAGE_CACHE = True
    series, *_ = marked_world
    first = client.get(series.get_absolute_url())
    client.cookies["fandex_progress"] = "anything"
    second = client.get(series.get_absolute_url())
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert second["X-Fandex-Cache"] == "hit"


def test_share_cards_json_ld_and_title_leave_marks_out(client, marked_world):
    series, traitor, sequel = marked_world
    html = client.get(series.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    assert SECRET not in head
    assert "androids" not in head and "Secret Traitor" not in head
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert "Secret Traitor" not in json.dumps(data)
    assert "Rouge Saga Zero" not in json.dumps(data)
    character_html = client.get(traitor.get_absolute_url()).content.decode()
    character_data = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', character_html, re.S
    )[1]
    assert "Rouge Saga" not in json.loads(character_data).get(
        "subjectOf", ""
    ) and "subjectOf" not in json.loads(character_data)


def test_cards_tag_pages_and_tag_counts_leave_marked_tags_out(client, marked_world):
    series, *_ = marked_world
    listing = client.get(reverse("entries:series-list")).content.decode()
    assert "mecha" in listing and ">androids<" not in listing
    tag_page = client.get(reverse("entries:tag-detail", args=["androids"])).content.decode()
    assert "Rouge Saga<" not in tag_page
    tags = client.get(reverse("entries:tag-list")).content.decode()
    assert "androids" not in tags
    filtered = client.get(reverse("entries:series-list"), {"tag": "androids"}).content.decode()
    assert "Rouge Saga<" not in filtered


def test_search_neither_finds_nor_shows_marked_text(client, marked_world):
    series, *_ = marked_world
    assert site_search.search(SECRET).total == 0
    assert site_search.search("open", tag="androids").total == 0
    hits = site_search.search("open")
    assert [hit.entry.pk for hit in hits.results] == [series.pk]
    assert SECRET not in str(hits.results[0].snippet)
    page = client.get(reverse("entries:search"), {"q": "Rouge"}).content.decode()
    assert SECRET not in page and ">androids<" not in page
    suggestions = client.get(reverse("entries:search-suggest"), {"q": SECRET}).json()
    assert suggestions["results"] == []


def test_the_feed_never_carries_marked_text(client):
    with recorded(summary="Wrote the plot"):
        series = factories.make_series(body=PASSAGE)
        note(series, Change.Action.CREATE)
    feed = client.get(reverse("entries:recent-feed")).content.decode()
    assert series.title in feed
    assert SECRET not in feed


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_marks_real_reveals():
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    passages = sum(
        entry.body.count(":::spoiler ")
        for entry in [*Series.objects.all(), *Character.objects.all()]
    )
    assert passages >= 3
    assert TaggedEntry.objects.filter(revealed_in__isnull=False).exists()
    # The film set between episodes 22 and 23 waits for episode 22 on the series' pages.
    film = SeriesRelation.objects.get(revealed_in__isnull=False)
    assert (film.source.title, film.type, film.revealed_in) == ("Cowboy Bebop", "side_story", 22)
    bebop = film.source.get_absolute_url()
    html = Client().get(bebop).content.decode()
    relation = 'class="spoiler spoiler--inline" data-revealed-in="22"'
    assert f'<details {relation} data-series="{film.source.slug}">' in spoilers_of(html)
    rouge = Character.objects.get(title="Rouge Redstar")
    assert "undercover" not in client_free_text(rouge)


def client_free_text(entry) -> str:
    """What places that cannot hide show of ``entry``: its summary and search words."""
    from entries.models import SearchDocument

    document = SearchDocument.objects.get(entry=entry)
    return " ".join([entry.summary, document.tags, document.body])


def test_the_api_returns_the_marks_for_clients_to_hide(client, marked_world):
    series, traitor, _sequel = marked_world

    detail = client.get(f"/api/v1/series/{series.slug}/").json()

    tags = {tag["name"]: tag["revealed_in"] for tag in detail["tags"]}
    assert tags == {"mecha": None, "androids": 2}
    cast = {row["character"]["title"]: row["revealed_in"] for row in detail["cast"]}
    assert cast == {"Secret Traitor": 7}
    assert [row["revealed_in"] for row in detail["relations"]] == [12]
    assert 'data-revealed-in="9"' in detail["body_html"]
    character = client.get(f"/api/v1/characters/{traitor.slug}/").json()
    assert [row["revealed_in"] for row in character["appearances"]] == [7]
    # A list narrowed by a tag gives no spoiler tag away, as the site's indexes.
    assert client.get("/api/v1/series/", {"tag": "androids"}).json()["results"] == []
    assert [
        row["title"] for row in client.get("/api/v1/series/", {"tag": "mecha"}).json()["results"]
    ] == ["Rouge Saga"]


def test_the_public_diff_shows_readers_the_marks_but_not_what_they_hide(client):
    series = factories.make_series(title="Rouge Saga")
    character = factories.make_character(title="Secret Traitor", series=series, tags=["turncoat"])
    with recorded(summary="the reveal"):
        TaggedEntry.objects.filter(content_object=character).update(revealed_in=5)
        character.body = f"Out in the open.\n\n:::spoiler 9\nThe {SECRET} twist.\n:::\n"
        character.save()
        note(character, Change.Action.CHANGE)
    revision = Revision.objects.latest("pk")

    diff = client.get(character.get_revision_url(revision.pk)).content.decode()

    assert "Out in the open." in diff
    assert ":::spoiler 9 (its text is hidden here: a spoiler)" in diff
    assert SECRET not in diff
    assert "A spoiler [spoiler: revealed in episode 5]" in diff
    assert "turncoat" not in diff
