"""Every public page renders in a fixed number of queries, whatever the number of rows.

Each test builds a page with 1 and with 50 related rows of every sort it shows
(credits, characters with voice actors, episodes, tags, tagged entries, pages
linking to it, links from it to pages that exist and to pages that do not...)
and pins the same exact count for both. A count that grows with the rows means a
query in a loop, usually a template reaching for something the view did not
fetch. The first request warms Django's content-type cache (taggit looks the
kinds up there), so the pinned figure is what every later request costs.

Every entry in these pages has a main image, and each entry page has ``rows``
gallery pictures: a card's thumbnail is joined to its row, the gallery is one
prefetch, and the thumbnails on a series page's lists are one more query.
"""

import io

import pytest
from django.urls import reverse

from entries import pictures
from entries.models import (
    Change,
    Entry,
    Episode,
    EpisodeCredit,
    GalleryImage,
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    StudioMember,
)
from entries.services import note, recorded
from entries.views.tags import TAG_PAGE_SHOWN
from tests import factories as f
from tests import image_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[1, 50], ids=["1-row", "50-rows"])
def rows(request):
    return request.param


@pytest.fixture
def measure(client, django_assert_num_queries):
    def measure(url: str, expected: int, status: int = 200):
        client.get(url)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == status
        return response

    return measure


def count_links(response, url: str) -> int:
    return response.content.decode().count(f'href="{url}"')


@pytest.fixture
def illustrate():
    """Give every entry made so far a main image, and ``entry`` ``rows`` gallery pictures."""
    stored = [
        pictures.store_upload(io.BytesIO(image_corpus.png(320, 240, colour)))
        for colour in [(200, 30, 40), (30, 40, 200)]
    ]

    def illustrate(entry, rows: int):
        Entry.objects.update(image=stored[0], image_credit="Someone")
        GalleryImage.objects.bulk_create(
            GalleryImage(
                entry=entry, picture=stored[i % 2], caption=f"Caption {i}", position=rows - i
            )
            for i in range(rows)
        )
        return entry

    return illustrate


def assert_pictured(response, rows: int, thumbnails: int = 0):
    """The page shows its main image, its ``rows`` gallery pictures, in order, and
    ``thumbnails`` more beside names in its lists."""
    content = response.content.decode()
    assert content.count('class="infobox__figure"') == 1
    assert content.count('class="gallery__item"') == rows
    # Ordered by position, which runs backwards here.
    assert content.index(f'alt="Caption {rows - 1}"') <= content.index('alt="Caption 0"')
    assert content.count("<picture") == 1 + rows + thumbnails


# --- Builders: one page's worth of rows ----------------------------------------------------


def link_up(entry, rows: int):
    """``rows`` pages linking to ``entry`` (by title, alias or with its kind), and ``rows``
    links from ``entry``'s body, every other one to a page that does not exist.

    The last edit is recorded, by an editor, so the page shows who made it.
    """
    alias = f.alias(entry, f"{entry.title} nickname")
    for i in range(rows):
        name = [entry.title, alias.name, f"{entry.kind}:{entry.title}"][i % 3]
        f.make_character(title=f"Fan {i}", body=f"A fan of [[{name}]].")
    links = []
    for i in range(rows):
        if i % 2:
            links.append(f"[[Missing {i}]]" if i % 4 == 1 else f"[[studio:Missing {i}]]")
        else:
            links.append(f"[[{f.make_staff(title=f'Linked {i}').title}|someone]]")
    with recorded(user=f.make_editor(f"hub-editor-{entry.pk}"), summary="Links"):
        entry.body = "See " + ", ".join(links) + "."
        entry.save()
        note(entry, Change.Action.CHANGE)
    return entry


def assert_linked(response, rows: int):
    """The page shows its ``rows`` linking pages, and its red and blue links."""
    content = response.content.decode()
    assert len(response.context["links_here"].entries) == rows
    assert content.count('class="wikilink new"') == rows // 2
    assert content.count('class="wikilink"') == rows - rows // 2
    assert response.context["last_edit"].editor.startswith("hub-editor-")
    assert 'class="last-edit__editor">hub-editor-' in content


def build_series(rows: int):
    series = f.make_series(
        title="Hub", year=2024, official_site="https://example.com/", mal_id=1, tags=[]
    )
    series.tags.add(*[f"tag-{i}" for i in range(rows)])
    for i in range(rows):
        f.alias(series, f"Hub alias {i}")
        f.studio_role(series, f.make_studio(title=f"Studio {i}"), SeriesStudio.Role.ANIMATION)
        person = f.make_staff(title=f"Person {i}")
        f.credit(series, person, StaffCredit.Role.DIRECTOR)
        f.credit(series, person, StaffCredit.Role.SCRIPT)
        character = f.make_character(title=f"Character {i}", series=series)
        f.voice(character, f.make_staff(title=f"Voice {i}"))
        f.make_episode(series=series, number=i + 1)
        f.relate(series, f.make_series(title=f"Sequel {i}"), SeriesRelation.Type.SEQUEL)
        f.relate(f.make_series(title=f"Origin {i}"), series, SeriesRelation.Type.SIDE_STORY)
        platform = StreamingPlatform.objects.create(name=f"Stream {i}", slug=f"stream-{i}")
        Streaming.objects.create(series=series, platform=platform)
    return link_up(series, rows)


def build_staff(rows: int):
    person = f.make_staff(title="Busy Person", occupations="director, voice actor")
    person.tags.add(*[f"tag-{i}" for i in range(rows)])
    for i in range(rows):
        f.alias(person, f"Busy alias {i}")
        series = f.make_series(title=f"Work {i}", year=2000 + i % 20)
        f.credit(series, person, StaffCredit.Role.DIRECTOR)
        f.credit(series, person, StaffCredit.Role.SCRIPT)
        f.voice(f.make_character(title=f"Role {i}", series=series), person)
        f.member(f.make_studio(title=f"Studio {i}"), person, StudioMember.Position.FOUNDER)
        episode = f.make_episode(series=series, number=1, title=f"Work {i} opener")
        f.episode_credit(episode, person, EpisodeCredit.Role.STORYBOARD)
        f.episode_credit(episode, person, EpisodeCredit.Role.EPISODE_DIRECTOR)
    return link_up(person, rows)


def build_studio(rows: int):
    studio = f.make_studio(
        title="Big Studio",
        predecessor=f.make_studio(title="Old Studio"),
        parent=f.make_studio(title="Holding"),
    )
    studio.tags.add(*[f"tag-{i}" for i in range(rows)])
    for i in range(rows):
        f.alias(studio, f"Big alias {i}")
        series = f.make_series(title=f"Work {i}", year=2000 + i % 20)
        f.studio_role(series, studio, SeriesStudio.Role.ANIMATION)
        f.studio_role(series, studio, SeriesStudio.Role.PRODUCTION)
        f.member(studio, f.make_staff(title=f"Founder {i}"), StudioMember.Position.FOUNDER)
        f.make_studio(title=f"Spin-off studio {i}", predecessor=studio)
        f.make_studio(title=f"Subsidiary {i}", parent=studio)
    return link_up(studio, rows)


def build_character(rows: int):
    character = f.make_character(title="Famous Character")
    character.tags.add(*[f"tag-{i}" for i in range(rows)])
    for i in range(rows):
        f.alias(character, f"Famous alias {i}")
        series = f.make_series(title=f"Appearance {i}", year=2000 + i % 20)
        series.appearances.create(character=character, role="main")
        f.voice(character, f.make_staff(title=f"Voice {i}"), "ja" if i % 2 else "en")
        episode = f.make_episode(series=series, number=2, title=f"Appearance {i} second")
        f.in_episode(episode, character, revealed_in=2 if i % 2 else None)
    return link_up(character, rows)


def build_episode(rows: int):
    series = f.make_series(title="Long Runner")
    for number in range(1, rows + 2):
        f.make_episode(series=series, number=number)
    episode = Episode.objects.get(series=series, number=max(1, rows // 2))
    episode.tags.add(*[f"tag-{i}" for i in range(rows)])
    for i in range(rows):
        f.alias(episode, f"Episode alias {i}")
        # Every other character's part in the series is a spoiler, which its row follows.
        character = f.make_character(title=f"Guest {i}")
        series.appearances.create(character=character, revealed_in=3 if i % 2 else None)
        f.in_episode(episode, character, note="cameo")
        person = f.make_staff(title=f"Crew {i}")
        f.episode_credit(episode, person, EpisodeCredit.Role.SCRIPT)
        f.episode_credit(episode, person, EpisodeCredit.Role.STORYBOARD)
    return link_up(episode, rows)


def build_catalogue(rows: int):
    """``rows`` entries of every kind, tagged "shared" and each series with a tag of its own."""
    home = f.make_series(title="Home Series", year=2020, tags=["shared"])
    for i in range(rows):
        f.make_series(title=f"Series {i}", year=2020, tags=["shared", f"own-{i}"])
        f.make_character(title=f"Character {i}", tags=["shared"])
        f.make_staff(title=f"Person {i}", occupations="director", tags=["shared"])
        f.make_studio(title=f"Studio {i}", founded_year=1990, tags=["shared"])
        f.make_episode(series=home, number=i + 1, tags=["shared"])
    return home


# --- Entry pages -------------------------------------------------------------------------------


def test_series_page(rows, measure, illustrate):
    series = illustrate(build_series(rows), rows)
    # Series (with its image), then prefetches: tags, aliases, studio roles, staff
    # credits and appearances (each with the person's or character's image), their
    # voice credits, episodes (with their images), relations from and to, streaming,
    # gallery; then its links and whether they resolve, the pages linking here, the
    # last edit.
    response = measure(series.get_absolute_url(), 14)
    assert_linked(response, rows)
    # Thumbnails beside each person, character and episode.
    assert_pictured(response, rows, thumbnails=3 * rows)
    assert len(response.context["staff"]) == rows
    assert len(response.context["related"]) == 2 * rows
    assert count_links(response, f"/series/{series.slug}/episodes/{rows}/") == 1
    assert response.content.decode().count("Voiced by") == rows


def test_staff_page(rows, measure, illustrate):
    person = illustrate(build_staff(rows), rows)
    # Person (with image), tags, aliases, credits, voice roles, their appearances,
    # memberships, episode credits (with their episodes and series), gallery; links,
    # pages linking here, last edit.
    response = measure(person.get_absolute_url(), 12)
    assert_linked(response, rows)
    assert_pictured(response, rows)
    assert len(response.context["works"]) == rows
    assert response.content.decode().count('class="muted">in <a href=') == rows
    episode_credits = response.context["episode_credits"]
    assert len(episode_credits) == rows
    assert episode_credits[0].episodes[0].roles == ["Episode director", "Storyboard"]
    assert count_links(response, "/series/work-0/episodes/1/") == 1


def test_studio_page(rows, measure, illustrate):
    studio = illustrate(build_studio(rows), rows)
    # Studio (with image, predecessor and parent), tags, aliases, works, members,
    # successors, subsidiaries, gallery; links, pages linking here, last edit.
    response = measure(studio.get_absolute_url(), 11)
    assert_linked(response, rows)
    assert_pictured(response, rows)
    assert len(response.context["works"]) == rows
    assert len(response.context["founders"]) == rows


def test_character_page(rows, measure, illustrate):
    character = illustrate(build_character(rows), rows)
    # Character (with image), tags, aliases, appearances, voice credits, episode
    # appearances (with their episodes, series and the series' marks), gallery;
    # links, pages linking here, last edit.
    response = measure(character.get_absolute_url(), 10)
    assert_linked(response, rows)
    assert_pictured(response, rows)
    content = response.content.decode()
    assert content.count('class="role"') == rows
    assert len(response.context["episodes"]) == rows
    assert content.count('class="episode-credits__number"') == rows
    assert content.count('class="spoiler spoiler--inline" data-revealed-in="2"') == rows // 2


def test_episode_page(rows, measure, illustrate):
    episode = illustrate(build_episode(rows), rows)
    # Episode (with image and series), tags, aliases, its characters (with their
    # images and marks in the series) and staff (with images), gallery, previous and
    # next episode; links, pages linking here, last edit.
    response = measure(episode.get_absolute_url(), 11)
    assert_linked(response, rows)
    # Thumbnails beside each character and person.
    assert_pictured(response, rows, thumbnails=2 * rows)
    assert response.context["next"] is not None
    content = response.content.decode()
    assert content.count('class="cast__item"') == rows
    assert content.count('class="spoiler spoiler--cast" data-revealed-in="3"') == rows // 2
    assert [len(person.roles) for person in response.context["staff"]] == [2] * rows


def test_series_page_for_an_editor(rows, client, editor, django_assert_num_queries, illustrate):
    series = illustrate(build_series(rows), rows)
    client.force_login(editor)
    client.get(series.get_absolute_url())
    # The anonymous figure, then the session, the user, and the user's and groups'
    # permissions (for "Edit this page" and the red links' add forms).
    with django_assert_num_queries(14 + 4):
        response = client.get(series.get_absolute_url())
    assert response.context["edit_url"] == reverse("admin:entries_series_change", args=[series.pk])
    assert response.content.decode().count(reverse("admin:entries_studio_add")) == (rows + 1) // 4


# --- Home, indexes and tags --------------------------------------------------------------------


def assert_cards_pictured(response, cards: int):
    """Each of the ``cards`` cards shows its main image."""
    content = response.content.decode()
    assert content.count('class="card card--image"') == cards
    assert content.count('class="card__image"') == cards


def test_home(rows, measure, illustrate):
    illustrate(build_catalogue(rows), 0)
    # Featured series and their tags, recent entries and their tags, popular tags;
    # the cards' images come with their rows.
    response = measure(reverse("entries:home"), 5)
    assert len(response.context["recent"]) == min(12, 5 * rows + 1)
    assert_cards_pictured(response, len(response.context["featured"]) + min(12, 5 * rows + 1))


@pytest.mark.parametrize(
    ("url_name", "queries"),
    [
        # Count for the paginator, the page of entries, their tags, the tag facet.
        ("character-list", 4),
        ("staff-list", 4),
        ("studio-list", 4),
        # The same, and the format, season, year and status facets.
        ("series-list", 8),
    ],
)
def test_index(rows, measure, url_name, queries, illustrate):
    illustrate(build_catalogue(rows), 0)
    response = measure(reverse(f"entries:{url_name}"), queries)
    expected = rows + 1 if url_name == "series-list" else rows
    assert len(response.context["entries"]) == min(24, expected)
    assert_cards_pictured(response, min(24, expected))


def test_series_index_with_filters(rows, measure, illustrate):
    illustrate(build_catalogue(rows), 0)
    url = reverse("entries:series-list") + "?tag=shared&year=2020&q=series&page=1"
    # The name search; count, page of series, their tags; five facets.
    response = measure(url, 9)
    assert len(response.context["entries"]) == min(24, rows + 1)
    assert_cards_pictured(response, min(24, rows + 1))


def test_tag_index(rows, measure):
    build_catalogue(rows)
    # Count for the paginator, the page of tags with their counts.
    response = measure(reverse("entries:tag-list") + "?order=count", 2)
    assert len(response.context["tags"]) == min(24, rows + 1)


def test_tag_page(rows, measure, illustrate):
    illustrate(build_catalogue(rows), 0)
    # The tag, the tagged entries of every kind (with their images), their tags.
    response = measure(reverse("entries:tag-detail", kwargs={"slug": "shared"}), 3)
    # The first page of them (views.tags.TAG_PAGE_SHOWN), by title.
    shown = min(TAG_PAGE_SHOWN, 5 * rows + 1)
    assert sum(len(group.entries) for group in response.context["groups"]) == shown
    assert_cards_pictured(response, shown)
    assert count_links(response, "/series/home-series/episodes/1/") == 1


def test_wiki_redirect(rows, measure):
    build_catalogue(rows)
    f.alias(f.make_character(title="Somebody"), "Nickname")
    response = measure(reverse("entries:wiki", kwargs={"name": "Nickname"}), 1, status=302)
    assert response["Location"] == "/characters/somebody/"


def test_wiki_disambiguation(rows, measure):
    for i in range(rows + 1):
        f.make_episode(title="Echo", number=1, series=f.make_series(title=f"Show {i}"))
    response = measure(reverse("entries:wiki", kwargs={"name": "Echo"}), 1)
    assert count_links(response, "/series/show-0/episodes/1/") == 1


def test_wiki_no_such_page(rows, measure):
    build_catalogue(rows)
    # The exact match (none), then the similar names.
    response = measure(reverse("entries:wiki", kwargs={"name": "Person"}), 2, status=404)
    assert len(response.context["suggestions"]) == min(10, rows)


# --- Wanted pages ----------------------------------------------------------------------------


def test_wanted_pages(rows, measure):
    # ``rows`` missing names, each linked from ``rows`` pages; and links that resolve.
    missing = " ".join(f"[[Nobody {i}]]" for i in range(rows))
    for i in range(rows):
        f.make_staff(title=f"Somebody {i}")
        f.make_series(title=f"Linker {i}", body=f"{missing} [[Somebody {i}]]")
    # Count for the paginator, the page of names, their first linking pages.
    response = measure(reverse("entries:wanted-pages"), 3)
    items = response.context["items"]
    assert len(items) == min(24, rows)
    assert {item.pages for item in items} == {rows}
    assert {len(item.sources) for item in items} == {min(10, rows)}
    assert count_links(response, "/series/linker-0/") == len(items)
    assert "Somebody" not in response.content.decode()
