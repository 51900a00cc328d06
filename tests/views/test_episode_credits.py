"""Per-episode credits (EpisodeAppearance, EpisodeCredit): the rules the database
keeps, editing them in the admin, the episode page that lists them, the character
and staff pages that list their episodes, their spoiler marks and their history."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from reversion.models import Revision

from entries import services
from entries.models import (
    Change,
    Character,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    Staff,
)
from entries.services import note, recorded
from tests import factories as f
from tests.helpers import add_rows, form_errors, open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Metallic Rouge's first two episodes, two of its characters (Naomi's part in the
    series marked as revealed in episode 3) and a person with two roles on episode 1."""
    series = f.make_series(title="Metallic Rouge", year=2024, episode_count=13)
    first = f.make_episode(series=series, number=1, title="Crimson Is the Sound of Dawn")
    second = f.make_episode(series=series, number=2, title="Silver Night")
    rouge = f.make_character(title="Rouge Redstar", series=series)
    naomi = f.make_character(title="Naomi Orthmann")
    series.appearances.create(character=naomi, revealed_in=3)
    person = f.make_staff(title="Motonobu Hori")
    return type(
        "World",
        (),
        {
            "series": series,
            "first": first,
            "second": second,
            "rouge": rouge,
            "naomi": naomi,
            "person": person,
        },
    )


def spoilers_of(html: str) -> list[str]:
    return re.findall(r"<details class=\"spoiler[^\"]*\"[^>]*>", html)


def section(html: str, heading_id: str) -> str:
    """The ``<section>`` whose heading has the id ``heading_id``."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>.*?</section>', html, re.DOTALL
    )
    assert match, f"no section {heading_id}"
    return match[0]


# --- The rules -------------------------------------------------------------------------------


def test_a_character_is_in_an_episode_once(world):
    f.in_episode(world.first, world.rouge)
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeAppearance.objects.create(episode=world.first, character=world.rouge)
    # In another episode it is a row of its own.
    f.in_episode(world.second, world.rouge)


def test_a_person_has_each_role_on_an_episode_once(world):
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.STORYBOARD)
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.EPISODE_DIRECTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeCredit.objects.create(
            episode=world.first, staff=world.person, role=EpisodeCredit.Role.STORYBOARD
        )


def test_the_database_refuses_episode_zero_as_a_mark(world):
    row = f.in_episode(world.first, world.rouge)
    row.revealed_in = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "revealed_in" in error.value.message_dict


def test_a_role_that_is_no_choice_is_refused_with_a_message(world):
    credit = EpisodeCredit(episode=world.first, staff=world.person, role="catering")
    with pytest.raises(ValidationError) as error:
        credit.full_clean()
    assert "is not a valid choice" in str(error.value.message_dict["role"])


def test_notes_lose_their_control_characters(world):
    row = f.in_episode(world.first, world.rouge, note="flash\x00back")
    row.refresh_from_db()
    assert row.note == "flashback"


def test_a_row_is_hidden_until_the_later_of_its_mark_and_the_series_mark(world):
    f.in_episode(world.first, world.rouge)
    f.in_episode(world.first, world.naomi)
    f.in_episode(world.second, world.rouge, revealed_in=2)
    f.in_episode(world.second, world.naomi, revealed_in=5)
    reveals = {
        (row.episode.number, row.character.title): row.reveal
        for row in EpisodeAppearance.objects.with_series_mark().select_related(
            "episode", "character"
        )
    }
    assert reveals == {
        (1, "Rouge Redstar"): None,
        (1, "Naomi Orthmann"): 3,  # her part in the series
        (2, "Rouge Redstar"): 2,
        (2, "Naomi Orthmann"): 5,  # later than the series' mark
    }


# --- The admin -------------------------------------------------------------------------------


def test_an_editor_credits_characters_and_staff_on_the_episode_form(editor_client, world):
    url, data = open_form(editor_client, Episode, world.first)
    page = editor_client.get(url).content.decode()
    assert "Characters in this episode" in page and "Revealed in episode" in page
    add_rows(
        data,
        "cast",
        {"character": world.rouge.pk, "note": "opening scene"},
        {"character": world.naomi.pk, "revealed_in": "1"},
    )
    add_rows(
        data,
        "staff_credits",
        {"staff": world.person.pk, "role": "storyboard"},
        {"staff": world.person.pk, "role": "episode_director", "note": "Part B"},
    )
    data["edit_summary"] = "Who is in it and who made it"

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    cast = {row.character: (row.note, row.revealed_in) for row in world.first.cast.all()}
    assert cast == {world.rouge: ("opening scene", None), world.naomi: ("", 1)}
    assert sorted(world.first.staff_credits.values_list("role", "note")) == [
        ("episode_director", "Part B"),
        ("storyboard", ""),
    ]
    # One revision of the episode holds them, with the editor's summary.
    change = Change.objects.filter(entry_pk=world.first.pk).latest("pk")
    assert change.revision.comment == "Who is in it and who made it"
    held = change.revision.version_set.filter(content_type__model="episodeappearance").count()
    assert held == 2


def test_the_episode_form_refuses_a_character_twice_and_episode_zero(editor_client, world):
    url, data = open_form(editor_client, Episode, world.first)
    twice = dict(data)
    add_rows(twice, "cast", {"character": world.rouge.pk}, {"character": world.rouge.pk})
    messages = form_errors(editor_client.post(url, twice))
    assert any("Please correct the duplicate data for character" in m for m in messages)

    zero = dict(data)
    add_rows(zero, "cast", {"character": world.rouge.pk, "revealed_in": "0"})
    messages = form_errors(editor_client.post(url, zero))
    assert any("greater than or equal to 1" in m for m in messages)
    assert not EpisodeAppearance.objects.exists()


def test_a_character_s_and_a_person_s_forms_add_their_episodes(editor_client, world):
    url, data = open_form(editor_client, Character, world.rouge)
    add_rows(data, "episode_appearances", {"episode": world.second.pk, "note": "flashback"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert [(row.episode, row.note) for row in world.rouge.episode_appearances.all()] == [
        (world.second, "flashback")
    ]
    # The form names the chosen episode with its series: titles repeat across series.
    page = editor_client.get(url).content.decode()
    assert "Metallic Rouge 2: Silver Night</option>" in page

    url, data = open_form(editor_client, Staff, world.person)
    add_rows(data, "episode_credits", {"episode": world.first.pk, "role": "script"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert list(world.person.episode_credits.values_list("episode", "role")) == [
        (world.first.pk, "script")
    ]


# --- Pages -----------------------------------------------------------------------------------


def test_the_episode_page_lists_its_characters_and_each_person_once(client, world):
    f.in_episode(world.first, world.rouge, note="opening scene")
    writer = f.make_staff(title="Yutaka Izubuchi")
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.STORYBOARD)
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.EPISODE_DIRECTOR)
    f.episode_credit(world.first, writer, EpisodeCredit.Role.SCRIPT, note="with Bones")

    html = client.get(world.first.get_absolute_url()).content.decode()

    characters = section(html, "characters-heading")
    assert "Characters in this episode" in characters
    assert f'href="{world.rouge.get_absolute_url()}">Rouge Redstar</a>' in characters
    assert "opening scene" in characters
    staff = section(html, "staff-heading")
    # One row a person, every role, the most prominent first.
    assert staff.count('class="credits__row"') == 2
    assert staff.index("Motonobu Hori") < staff.index("Yutaka Izubuchi")
    assert "Episode director, Storyboard" in staff
    assert 'Script <span class="muted">(with Bones)</span>' in staff
    assert f'href="{writer.get_absolute_url()}"' in staff


def test_an_episode_without_credits_has_neither_section(client, world):
    html = client.get(world.second.get_absolute_url()).content.decode()
    assert 'id="characters-heading"' not in html and 'id="staff-heading"' not in html


def test_marked_characters_are_closed_on_the_episode_page(client, world):
    f.in_episode(world.first, world.rouge)
    f.in_episode(world.first, world.naomi)  # her part in the series is marked 3
    surprise = f.make_character(title="Jean Jaques Mignot", series=world.series)
    f.in_episode(world.first, surprise, revealed_in=1)

    html = client.get(world.first.get_absolute_url()).content.decode()

    opening = spoilers_of(section(html, "characters-heading"))
    slug = world.series.slug
    assert opening == [
        f'<details class="spoiler spoiler--cast" data-revealed-in="1" data-series="{slug}">',
        f'<details class="spoiler spoiler--cast" data-revealed-in="3" data-series="{slug}">',
    ]
    # Each mark closes around its own row: Rouge's is open content.
    rows = re.findall(r'<li class="cast__item">.*?</li>', section(html, "characters-heading"), re.S)
    assert [("Rouge Redstar" in row, "<details" in row) for row in rows] == [
        (False, True),  # Jean Jaques Mignot
        (False, True),  # Naomi Orthmann
        (True, False),
    ]
    # The reader's control offers the episode's series, which the marks count in.
    assert f'data-spoiler-series="{slug}"' in html


def test_the_character_page_lists_its_episodes_under_their_series(client, world):
    other = f.make_series(title="Another Show", year=2020)
    elsewhere = f.make_episode(series=other, number=4, title="Guest Spot")
    f.in_episode(world.second, world.rouge, revealed_in=2)
    f.in_episode(world.first, world.rouge, note="opening scene")
    f.in_episode(elsewhere, world.rouge)

    html = client.get(world.rouge.get_absolute_url()).content.decode()

    episodes = section(html, "episodes-heading")
    # By series (year, then title), in episode order.
    assert episodes.index("Another Show") < episodes.index("Metallic Rouge")
    assert episodes.index("Crimson Is the Sound of Dawn") < episodes.index("Silver Night")
    assert f'href="{world.first.get_absolute_url()}"' in episodes
    assert f'href="{elsewhere.get_absolute_url()}"' in episodes
    assert "(opening scene)" in episodes
    assert spoilers_of(episodes) == [
        '<details class="spoiler spoiler--inline" data-revealed-in="2" '
        f'data-series="{world.series.slug}">'
    ]
    # The other series is offered on the reader's control too, after the character's own.
    assert f'data-series="{other.slug}"' in html


def test_a_character_whose_part_is_marked_has_its_episodes_closed_as_one(client, world):
    f.in_episode(world.first, world.naomi)
    f.in_episode(world.second, world.naomi, revealed_in=5)

    html = client.get(world.naomi.get_absolute_url()).content.decode()

    opening = spoilers_of(section(html, "episodes-heading"))
    slug = world.series.slug
    # The series' group under its mark, and the row marked later under its own.
    assert opening == [
        f'<details class="spoiler spoiler--cast" data-revealed-in="3" data-series="{slug}">',
        f'<details class="spoiler spoiler--inline" data-revealed-in="5" data-series="{slug}">',
    ]


def test_the_staff_page_lists_the_episodes_with_every_role(client, world):
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.STORYBOARD)
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.EPISODE_DIRECTOR)
    f.episode_credit(world.second, world.person, EpisodeCredit.Role.SCRIPT)

    html = client.get(world.person.get_absolute_url()).content.decode()

    episodes = section(html, "episode-credits-heading")
    assert episodes.count(f'href="{world.series.get_absolute_url()}"') == 1
    assert episodes.count('class="episode-credits__number"') == 2
    first = episodes[episodes.index("Crimson") : episodes.index("Silver Night")]
    assert first.index("Episode director") < first.index("Storyboard")
    assert 'class="role">Script</span>' in episodes


# --- History ---------------------------------------------------------------------------------


def test_a_revert_brings_back_the_cast_and_the_diff_names_them(editor_client, world):
    f.in_episode(world.first, world.naomi, revealed_in=1)
    f.episode_credit(world.first, world.person, EpisodeCredit.Role.STORYBOARD)
    with recorded(summary="credited"):
        note(world.first, Change.Action.CHANGE)
    credited = Revision.objects.latest("pk")
    with recorded(summary="removed"):
        EpisodeAppearance.objects.all().delete()
        EpisodeCredit.objects.all().delete()
        note(world.first, Change.Action.CHANGE)

    services.restore_entry(revision=credited, model=Episode, pk=world.first.pk)

    assert [(row.character, row.revealed_in) for row in world.first.cast.all()] == [
        (world.naomi, 1)
    ]
    assert world.first.staff_credits.get().staff == world.person
    diff = editor_client.get(world.first.get_revision_url(credited.pk)).content.decode()
    assert "Naomi Orthmann [spoiler: revealed in episode 1]" in diff
    assert "Motonobu Hori — Storyboard" in diff
