"""Entry pages from cached fragments are never stale.

The page cache is off and the fragment cache on, as after an unrelated edit:
each test reads every page of a small site (so each page's fragments are
stored), changes one entry through one of the write paths (the admin, delete,
revert, recover, tag merge and delete, the importer, the demo loader, a
picture), and reads again every page that shows what changed.
"""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from entries import pictures, services
from entries.models import (
    Alias,
    Change,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    Staff,
    Tag,
)
from entries.signals import entries_changed
from tests import factories as f
from tests import image_corpus
from tests.helpers import SAMPLE, add_rows, open_form, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FANDEX_PAGE_CACHE = False
    settings.FANDEX_FRAGMENT_CACHE = True


@pytest.fixture
def site():
    """A series with a character voiced by a person, two episodes, a studio with a
    predecessor, and a page linking to the character and to a page nobody wrote."""
    studio = f.make_studio(title="Spark Works", predecessor=f.make_studio(title="Old Sparks"))
    series = f.make_series(title="Rouge Saga", year=2024)
    f.studio_role(series, studio)
    character = f.make_character(title="Ruby Dawn", series=series, body="Voiced by [[Aki Voice]].")
    actor = f.make_staff(title="Aki Voice")
    f.voice(character, actor)
    first = f.make_episode(series=series, number=1, title="The Start")
    second = f.make_episode(series=series, number=2, title="The Middle")
    linker = f.make_staff(title="Link Keeper", body="A fan of [[Ruby Dawn]] and [[Nobody Yet]].")
    entries = {
        "studio": studio,
        "old_studio": studio.predecessor,
        "series": series,
        "character": character,
        "actor": actor,
        "first": first,
        "second": second,
        "linker": linker,
    }
    return type("Site", (), entries)


@pytest.fixture
def reader():
    return Client()


def read(reader, entry) -> str:
    response = reader.get(Entry.objects.get(pk=entry.pk).specific.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def warm(reader, site) -> None:
    """Read every page twice: the second read comes from the fragments."""
    for name, entry in vars(site).items():
        if not name.startswith("_"):
            assert read(reader, entry) == read(reader, entry)


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """``write(entry, change)``: run ``change()`` and save ``entry`` as one write of the
    write path, committed (so that its announcement runs)."""

    def write(entry, change=lambda: None):
        with (
            django_capture_on_commit_callbacks(execute=True),
            services.recorded(summary="Test edit"),
        ):
            change()
            entry.save()
            services.note(entry, Change.Action.CHANGE)

    return write


def test_a_reader_gets_the_same_page_from_the_fragments(reader, site):
    for entry in (site.series, site.character, site.actor, site.studio, site.first):
        assert read(reader, entry) == read(reader, entry)


def test_renaming_a_voice_actor_in_the_admin_reaches_the_series_two_steps_away(
    reader, site, editor_client, django_capture_on_commit_callbacks
):
    warm(reader, site)
    url, data = open_form(editor_client, Staff, site.actor)
    data["title"] = "Aki Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302

    assert "Aki Renamed" in read(reader, site.series)  # "Voiced by" on the cast list
    character = read(reader, site.character)
    assert "Aki Renamed" in character
    # Its body links to the old name, which no page answers to now.
    assert 'class="wikilink new"' in character


def test_renaming_a_series_reaches_its_episodes_and_the_voice_actor(reader, site, write):
    warm(reader, site)
    site.series.title = "Rouge Saga Reborn"
    write(site.series)

    for entry in (site.first, site.second, site.character, site.actor, site.studio):
        assert "Rouge Saga Reborn" in read(reader, entry), entry.title


def test_renaming_an_episode_reaches_the_series_and_its_neighbour(reader, site, write):
    warm(reader, site)
    site.first.title = "A New Start"
    write(site.first)

    assert "A New Start" in read(reader, site.series)
    assert "A New Start" in read(reader, site.second)  # the previous-episode link


def test_an_alias_turns_a_red_link_blue_and_back(reader, site, write):
    warm(reader, site)
    assert 'href="/wiki/Nobody_Yet"' in read(reader, site.linker)
    assert 'class="wikilink new"' in read(reader, site.linker)

    write(site.character, lambda: f.alias(site.character, "Nobody Yet"))
    assert 'class="wikilink new"' not in read(reader, site.linker)

    write(site.character, lambda: Alias.objects.filter(name="Nobody Yet").delete())
    assert 'class="wikilink new"' in read(reader, site.linker)


def test_what_links_here_follows_links_added_renamed_and_removed(reader, site, write):
    warm(reader, site)
    assert "Link Keeper" not in read(reader, site.series)

    site.linker.body = "A fan of [[Rouge Saga]]."
    write(site.linker)
    assert "Link Keeper" in read(reader, site.series)
    # The character is no longer linked from it.
    assert "Link Keeper" not in read(reader, site.character)

    site.linker.title = "Link Holder"
    write(site.linker)
    assert "Link Holder" in read(reader, site.series)

    site.linker.body = "No links."
    write(site.linker)
    assert "Link Holder" not in read(reader, site.series)


def test_pages_showing_joins_an_episode_to_its_characters_and_staff(site):
    f.in_episode(site.first, site.character)
    f.episode_credit(site.first, site.linker)

    entries, _tags = services.pages_showing([site.first.pk])
    assert {site.character.pk, site.linker.pk, site.series.pk} <= entries
    # Each credited page shows the episode (its list of episodes).
    for entry in (site.character, site.linker):
        assert site.first.pk in services.pages_showing([entry.pk])[0], entry.title
    # And no more: the series' other episode does not show the person.
    assert site.second.pk not in services.pages_showing([site.linker.pk])[0]


def test_crediting_a_character_on_the_episode_form_reaches_both_pages(
    reader, site, editor_client, django_capture_on_commit_callbacks
):
    warm(reader, site)
    assert "Ruby Dawn" not in read(reader, site.first)
    assert "The Start" not in read(reader, site.character)

    url, data = open_form(editor_client, Episode, site.first)
    add_rows(data, "cast", {"character": site.character.pk})
    add_rows(data, "staff_credits", {"staff": site.actor.pk, "role": "script"})
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302

    episode = read(reader, site.first)
    assert 'id="characters-heading"' in episode and "Ruby Dawn" in episode
    assert 'id="staff-heading"' in episode and "Aki Voice" in episode
    assert "The Start" in read(reader, site.character)
    assert "The Start" in read(reader, site.actor)


def test_a_credit_removed_from_the_person_s_form_leaves_the_episode_page(
    reader, site, editor_client, django_capture_on_commit_callbacks
):
    f.episode_credit(site.first, site.linker, EpisodeCredit.Role.STORYBOARD)
    f.in_episode(site.second, site.character)
    warm(reader, site)
    assert "Link Keeper" in read(reader, site.first)

    url, data = open_form(editor_client, Staff, site.linker)
    data["episode_credits-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302

    assert not EpisodeCredit.objects.exists()
    assert "Link Keeper" not in read(reader, site.first)


def test_renaming_a_credited_character_or_its_mark_reaches_the_episode(
    reader, site, write, editor_client, django_capture_on_commit_callbacks
):
    f.in_episode(site.second, site.character)
    warm(reader, site)

    site.character.title = "Ruby Dusk"
    write(site.character)
    assert "Ruby Dusk" in read(reader, site.second)

    # A mark on its part in the series now hides it on the episode page too.
    write(site.character, lambda: site.character.appearances.update(revealed_in=5))
    assert 'data-revealed-in="5"' in read(reader, site.second)

    # Taken off the episode on the character's own form.
    url, data = open_form(editor_client, Character, site.character)
    data["episode_appearances-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302
    assert not EpisodeAppearance.objects.exists()
    assert "Ruby Dusk" not in read(reader, site.second)


def test_a_studio_leaves_its_old_predecessors_page(reader, site, write):
    warm(reader, site)
    assert "Spark Works" in read(reader, site.old_studio)

    site.studio.predecessor = None
    write(site.studio)

    assert "Spark Works" not in read(reader, site.old_studio)


def test_delete_then_recover(reader, site, django_capture_on_commit_callbacks):
    warm(reader, site)
    pk = site.character.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_entries(entries=[site.character])

    assert "Ruby Dawn" not in read(reader, site.series)
    assert "Ruby Dawn" not in read(reader, site.actor)
    assert 'class="wikilink new"' in read(reader, site.linker)

    deletion = Change.objects.get(entry_pk=pk, action=Change.Action.DELETE).revision
    with django_capture_on_commit_callbacks(execute=True):
        services.restore_entry(revision=deletion, model=Character, pk=pk)

    assert "Ruby Dawn" in read(reader, site.series)
    assert "Ruby Dawn" in read(reader, site.actor)
    linker = read(reader, site.linker)
    assert linker.count('class="wikilink new"') == 1  # only Nobody Yet


def test_revert(reader, site, write, django_capture_on_commit_callbacks):
    write(site.character)  # a first revision to go back to
    site.character.title = "Ruby Dusk"
    write(site.character)
    warm(reader, site)
    assert "Ruby Dusk" in read(reader, site.series)

    first = Change.objects.filter(entry_pk=site.character.pk).order_by("pk").first().revision
    with django_capture_on_commit_callbacks(execute=True):
        services.restore_entry(revision=first, model=Character, pk=site.character.pk)

    assert "Ruby Dawn" in read(reader, site.series)
    assert "Ruby Dusk" not in read(reader, site.actor)


def test_tag_merge_and_delete(reader, site, django_capture_on_commit_callbacks):
    site.character.tags.add("scarlet")
    warm(reader, site)
    assert "scarlet" in read(reader, site.character)

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_tags(tags=Tag.objects.filter(name="scarlet"), into_name="crimson")
    assert "crimson" in read(reader, site.character)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_tags(tags=Tag.objects.filter(name="crimson"))
    assert "crimson" not in read(reader, site.character)


def test_an_import_turns_links_to_its_series_blue(
    reader, site, write, django_capture_on_commit_callbacks
):
    site.linker.body = "Before [[メタリックルージュ]] there was nothing."
    write(site.linker)
    warm(reader, site)
    assert 'class="wikilink new"' in read(reader, site.linker)

    with django_capture_on_commit_callbacks(execute=True):
        run_import(SAMPLE)

    assert 'class="wikilink new"' not in read(reader, site.linker)


def test_the_demo_load_turns_links_to_its_pages_blue(
    reader, site, write, django_capture_on_commit_callbacks
):
    site.linker.body = "Watch [[Metallic Rouge]]."
    write(site.linker)
    warm(reader, site)
    assert 'class="wikilink new"' in read(reader, site.linker)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddemo", stdout=io.StringIO())

    assert 'class="wikilink new"' not in read(reader, site.linker)


def test_a_new_picture_reaches_the_thumbnails_on_other_pages(reader, site, write):
    warm(reader, site)
    before = read(reader, site.series).count("<picture")

    picture = pictures.store_upload(io.BytesIO(image_corpus.png(320, 240, (200, 30, 40))))
    site.character.image = picture
    write(site.character)

    assert read(reader, site.series).count("<picture") == before + 1


def test_a_write_that_names_nothing_drops_every_fragment(
    reader, site, django_capture_on_commit_callbacks
):
    """A restore from a backup replaces every row and names no entry."""
    warm(reader, site)
    Entry.objects.filter(pk=site.actor.pk).update(title="Aki Restored")

    entries_changed.send(sender=Entry, changed=frozenset(), entries=frozenset(), tags=frozenset())

    assert "Aki Restored" in read(reader, site.series)
