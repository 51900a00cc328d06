"""The public pages as a reader sees them: status, content, and where the links go."""

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse
from django.views.defaults import server_error

from entries.models import (
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    StudioMember,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


class LinkParser(HTMLParser):
    """Collects every ``<a href>`` with its text, and every tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.elements: list[tuple[str, dict]] = []
        self._href = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None


def parse(response) -> LinkParser:
    parser = LinkParser()
    parser.feed(response.content.decode())
    return parser


def links_to(response, url: str) -> list[str]:
    """The texts of the links on the page that point at ``url``."""
    return [text for text, href in parse(response).links if href == url]


def text_of(response) -> str:
    """The page's visible text with tags (and what scripts hold) removed and spaces collapsed."""
    content = re.sub(r"<script\b[^>]*>.*?</script>", " ", response.content.decode(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return " ".join(text.split())


@pytest.fixture
def world():
    """Metallic Rouge with its studios, people, characters, episodes and relations."""
    sunrise = f.make_studio(title="Sunrise", founded_year=1972)
    bones = f.make_studio(
        title="Bones",
        founded_year=1998,
        headquarters="Suginami, Tokyo",
        predecessor=sunrise,
        tags=["studio"],
    )
    rouge_series = f.make_series(
        title="Metallic Rouge",
        native_title="メタリックルージュ",
        format="tv",
        status="finished",
        source="original",
        season="winter",
        year=2024,
        start_date=dt.date(2024, 1, 10),
        end_date=dt.date(2024, 3, 27),
        premiere="Fuji TV's +Ultra",
        official_site="https://metallicrouge.jp/",
        mal_id=54722,
        body="An android hunts the **Immortal Nine**.",
        tags=["mecha", "androids"],
    )
    f.alias(rouge_series, "Metaric Rūju", "ja-Latn")
    f.studio_role(rouge_series, bones, SeriesStudio.Role.ANIMATION)
    f.studio_role(rouge_series, bones, SeriesStudio.Role.PRODUCTION)
    platform = StreamingPlatform.objects.create(
        name="Crunchyroll", slug="crunchyroll", website="https://www.crunchyroll.com/"
    )
    Streaming.objects.create(series=rouge_series, platform=platform)

    izubuchi = f.make_staff(title="Yutaka Izubuchi", occupations="director, writer")
    f.credit(rouge_series, izubuchi, StaffCredit.Role.SERIES_COMPOSITION)
    f.credit(rouge_series, izubuchi, StaffCredit.Role.SUPERVISING_DIRECTOR)
    fujiwara = f.make_staff(title="Motoo Fujiwara", occupations="director")
    f.credit(rouge_series, fujiwara, StaffCredit.Role.DIRECTOR)
    f.member(bones, fujiwara, StudioMember.Position.FOUNDER)

    rouge = f.make_character(title="Rouge Redstar", series=rouge_series, tags=["androids"])
    naomi = f.make_character(title="Naomi Orthmann", series=rouge_series, role="supporting")
    kusunoki = f.make_staff(title="Tomori Kusunoki", occupations="voice actress")
    f.voice(rouge, kusunoki, "ja")
    harris = f.make_staff(title="Jill Harris", occupations="voice actress")
    f.voice(rouge, harris, "en")

    episodes = [
        f.make_episode(
            series=rouge_series,
            number=number,
            title=title,
            air_date=dt.date(2024, 1, 10) + dt.timedelta(weeks=number - 1),
            runtime_minutes=24,
        )
        for number, title in [(1, "Eve of Departure"), (2, "Neo Ghetto"), (3, "Bad Day")]
    ]
    sequel = f.make_series(title="Metallic Rouge 2", year=2026)
    f.relate(rouge_series, sequel, SeriesRelation.Type.SEQUEL)
    chibi = f.make_series(title="Rouge Chibi", year=2024)
    # Recorded on the other series: "Metallic Rouge is the parent story of Rouge Chibi".
    f.relate(chibi, rouge_series, SeriesRelation.Type.PARENT_STORY)
    older = f.make_series(title="Heroic Age", year=2007)
    f.credit(older, izubuchi, StaffCredit.Role.SCRIPT)
    f.studio_role(older, bones)
    return {
        "series": rouge_series,
        "bones": bones,
        "sunrise": sunrise,
        "izubuchi": izubuchi,
        "fujiwara": fujiwara,
        "rouge": rouge,
        "naomi": naomi,
        "kusunoki": kusunoki,
        "harris": harris,
        "episodes": episodes,
        "sequel": sequel,
        "chibi": chibi,
        "older": older,
    }


# --- Home --------------------------------------------------------------------------------


def test_home_shows_search_featured_recent_and_popular_tags(client, world):
    world["bones"].save()  # recently updated
    response = client.get(reverse("entries:home"))
    assert response.status_code == 200
    page = parse(response)

    search_forms = [attrs for tag, attrs in page.elements if tag == "form"]
    assert all(form["action"] == reverse("entries:search") for form in search_forms)
    assert any(
        tag == "input" and attrs.get("name") == "q" and attrs.get("type") == "search"
        for tag, attrs in page.elements
    )

    featured = response.context["featured"]
    assert world["series"].pk in [entry.pk for entry in featured]
    assert links_to(response, world["series"].get_absolute_url())

    # Recently updated: every kind, each with its kind label and link.
    recent = list(response.context["recent"])
    assert {entry.kind for entry in recent} >= {"series", "character", "staff", "studio"}
    assert recent[0].updated_at >= recent[-1].updated_at
    episode = world["episodes"][-1]
    assert links_to(response, episode.get_absolute_url()) == [episode.title]
    text = text_of(response)
    for label in ("Series", "Character", "Staff", "Studio", "Episode"):
        assert f">{label}</span>" in response.content.decode()
    assert "Metallic Rouge, episode 3" in text

    # Popular tags, most used first, with their counts.
    tags = response.context["popular_tags"]
    assert [tag.name for tag in tags][:1] == ["androids"]
    assert tags[0].count == 2
    assert links_to(response, reverse("entries:tag-detail", kwargs={"slug": "mecha"}))


def test_cards_of_mixed_kinds_show_their_tags(client, world):
    # Cards of every kind, side by side, each show their own tags.
    response = client.get(reverse("entries:home"))
    rouge = next(e for e in response.context["recent"] if e.pk == world["rouge"].pk)
    assert [tag.name for tag in rouge.tags.all()] == ["androids"]
    androids = reverse("entries:tag-detail", kwargs={"slug": "androids"})
    assert len(links_to(response, androids)) >= 2  # the character card, and the popular tags


def test_home_with_no_entries(client):
    response = client.get(reverse("entries:home"))
    assert response.status_code == 200
    assert "Nothing here yet" in text_of(response)


def test_every_page_has_an_icon_and_favicon_ico_finds_it(client):
    response = client.get(reverse("entries:home"))
    parser = LinkParser()
    parser.feed(response.content.decode())
    icons = [attrs["href"] for tag, attrs in parser.elements if attrs.get("rel") == "icon"]
    assert icons == [static("favicon.svg")]
    assert finders.find("favicon.svg")

    # The admin's pages name no icon, so browsers ask for /favicon.ico there.
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301
    assert favicon["Location"] == static("favicon.svg")


# --- Indexes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("entries:series-list", "series"),
        ("entries:character-list", "rouge"),
        ("entries:staff-list", "izubuchi"),
        ("entries:studio-list", "bones"),
    ],
)
def test_index_lists_entries_of_its_kind(client, world, url_name, key):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["paginator"].count >= 1
    entry = world[key]
    assert links_to(response, entry.get_absolute_url()) == [entry.title]
    kinds = {item.kind for item in response.context["entries"]}
    assert kinds == {entry.kind}


@override_settings(FANDEX_PAGE_SIZE=2)
def test_index_is_paginated_by_the_page_size_setting(client):
    for number in range(5):
        f.make_staff(title=f"Person {number}")
    response = client.get(reverse("entries:staff-list"))
    assert [s.title for s in response.context["entries"]] == ["Person 0", "Person 1"]
    assert response.context["paginator"].num_pages == 3
    assert "5 staff, page 1 of 3" in text_of(response)
    assert links_to(response, "?page=2")

    last = client.get(reverse("entries:staff-list"), {"page": 3})
    assert [s.title for s in last.context["entries"]] == ["Person 4"]
    assert links_to(last, "?page=2")


def test_series_index_filters_by_tag(client, world):
    response = client.get(reverse("entries:series-list"), {"tag": "mecha"})
    assert list(response.context["entries"]) == [world["series"]]
    assert "1 series tagged mecha" in text_of(response)


def test_series_index_filters_by_year(client, world):
    response = client.get(reverse("entries:series-list"), {"year": "2024"})
    assert {s.title for s in response.context["entries"]} == {"Metallic Rouge", "Rouge Chibi"}
    # The year select offers every year a series has, newest first, with its count
    # among the series matching the other filters (none here).
    years = next(facet for facet in response.context["facets"] if facet.name == "year")
    assert [(option.value, option.count) for option in years.options] == [
        ("2026", 1),
        ("2024", 2),
        ("2007", 1),
    ]
    assert '<option value="2024" selected>2024 (2)</option>' in response.content.decode()


def test_series_index_finds_a_name_or_alias(client, world):
    by_alias = client.get(reverse("entries:series-list"), {"q": "rūju"})
    assert list(by_alias.context["entries"]) == [world["series"]]
    by_title = client.get(reverse("entries:series-list"), {"q": "chibi"})
    assert list(by_title.context["entries"]) == [world["chibi"]]


def test_series_index_offers_the_tags_of_series(client, world):
    response = client.get(reverse("entries:series-list"))
    tags = response.context["tag_facet"]
    assert sorted(option.label for option in tags.options) == ["androids", "mecha"]
    assert '<option value="mecha">mecha (1)</option>' in response.content.decode()


@override_settings(FANDEX_PAGE_SIZE=2)
def test_series_filters_survive_pagination(client):
    for number in range(5):
        f.make_series(title=f"Robot {number}", year=2020, tags=["mecha"])
    f.make_series(title="Robot 9", year=2021, tags=["mecha"])
    response = client.get(reverse("entries:series-list"), {"tag": "mecha", "year": "2020"})
    assert response.context["paginator"].count == 5
    next_links = [href for text, href in parse(response).links if text.startswith("Next")]
    assert next_links == ["?tag=mecha&year=2020&page=2"]

    second = client.get(reverse("entries:series-list") + next_links[0])
    assert [s.title for s in second.context["entries"]] == ["Robot 2", "Robot 3"]
    filters = second.context["filters"]
    assert (filters["q"], filters["tag"], filters["year"]) == ("", ["mecha"], 2020)


# --- Entry pages -----------------------------------------------------------------------------


def test_series_page_infobox(client, world):
    series = world["series"]
    response = client.get(series.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "<h1" in response.content.decode() and series.title in text
    for fact in [
        "Native title メタリックルージュ",
        "Metaric Rūju · Japanese (romaji)",
        "Format TV",
        "Status Finished",
        "Source Original",
        "Season Winter 2024",
        "Aired 10 Jan 2024 – 27 Mar 2024",
        "Premiere Fuji TV's +Ultra",
    ]:
        assert fact in text
    assert links_to(response, "https://metallicrouge.jp/")
    assert links_to(response, "https://myanimelist.net/anime/54722") == ["MyAnimeList"]
    assert links_to(response, "https://www.crunchyroll.com/") == ["Crunchyroll"]


def test_series_page_links_studios_with_roles(client, world):
    response = client.get(world["series"].get_absolute_url())
    assert links_to(response, world["bones"].get_absolute_url()) == ["Bones"]
    assert "Bones (animation, production)" in text_of(response)


def test_series_page_lists_each_person_once_with_all_roles(client, world):
    response = client.get(world["series"].get_absolute_url())
    izubuchi = world["izubuchi"]
    assert links_to(response, izubuchi.get_absolute_url()) == ["Yutaka Izubuchi"]
    text = text_of(response)
    assert "Yutaka Izubuchi Supervising director, Series composition" in text
    # The director comes first: people are ordered by their most prominent role.
    assert text.index("Motoo Fujiwara") < text.index("Yutaka Izubuchi")


def test_series_page_lists_characters_by_role_with_voice_actors(client, world):
    response = client.get(world["series"].get_absolute_url())
    text = text_of(response)
    assert text.index("Main characters") < text.index("Rouge Redstar")
    assert text.index("Rouge Redstar") < text.index("Supporting characters")
    assert text.index("Supporting characters") < text.index("Naomi Orthmann")
    assert links_to(response, world["rouge"].get_absolute_url()) == ["Rouge Redstar"]
    assert links_to(response, world["kusunoki"].get_absolute_url()) == ["Tomori Kusunoki"]
    assert links_to(response, world["harris"].get_absolute_url()) == ["Jill Harris"]
    assert "Jill Harris English" in text and "Tomori Kusunoki Japanese" in text


def test_series_page_lists_episodes(client, world):
    response = client.get(world["series"].get_absolute_url())
    for episode in world["episodes"]:
        url = reverse(
            "entries:episode-detail", kwargs={"slug": "metallic-rouge", "number": episode.number}
        )
        assert links_to(response, url) == [episode.title]
    assert "1 Eve of Departure 10 Jan 2024 24 min" in text_of(response)


def test_series_page_lists_related_series_both_ways(client, world):
    response = client.get(world["series"].get_absolute_url())
    text = text_of(response)
    # Recorded on this series: "Metallic Rouge 2 is a sequel of Metallic Rouge".
    assert "Sequel Metallic Rouge 2 (2026)" in text
    # Recorded on Rouge Chibi as its parent story: from here, Chibi is a side story.
    assert "Side story Rouge Chibi (2024)" in text
    assert links_to(response, world["sequel"].get_absolute_url()) == ["Metallic Rouge 2"]
    assert links_to(response, world["chibi"].get_absolute_url()) == ["Rouge Chibi"]
    related = [(str(item.label), item.series) for item in response.context["related"]]
    assert related == [("Sequel", world["sequel"]), ("Side story", world["chibi"])]

    chibi = client.get(world["chibi"].get_absolute_url())
    assert "Parent story Metallic Rouge (2024)" in text_of(chibi)
    sequel = client.get(world["sequel"].get_absolute_url())
    assert "Prequel Metallic Rouge (2024)" in text_of(sequel)


def test_a_relation_recorded_both_ways_is_listed_once(client, world):
    f.relate(world["sequel"], world["series"], SeriesRelation.Type.PREQUEL)
    response = client.get(world["series"].get_absolute_url())
    assert links_to(response, world["sequel"].get_absolute_url()) == ["Metallic Rouge 2"]


def test_series_page_links_tags(client, world):
    response = client.get(world["series"].get_absolute_url())
    for slug in ("mecha", "androids"):
        assert links_to(response, reverse("entries:tag-detail", kwargs={"slug": slug})) == [slug]


def test_series_page_renders_body_html(client, world):
    response = client.get(world["series"].get_absolute_url())
    assert "<strong>Immortal Nine</strong>" in response.content.decode()


def test_staff_page_lists_credits_by_year_and_voice_roles(client, world):
    izubuchi = world["izubuchi"]
    response = client.get(izubuchi.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Occupation Director, writer" in text
    assert "2007 Heroic Age Script" in text
    assert "2024 Metallic Rouge Supervising director, Series composition" in text
    assert text.index("Heroic Age") < text.index("Metallic Rouge")
    assert links_to(response, world["series"].get_absolute_url()) == ["Metallic Rouge"]
    assert links_to(response, world["older"].get_absolute_url()) == ["Heroic Age"]

    voice = client.get(world["kusunoki"].get_absolute_url())
    assert links_to(voice, world["rouge"].get_absolute_url()) == ["Rouge Redstar"]
    assert links_to(voice, world["series"].get_absolute_url()) == ["Metallic Rouge"]
    assert "Rouge Redstar Japanese in Metallic Rouge" in text_of(voice)


def test_staff_page_shows_studio_positions(client, world):
    response = client.get(world["fujiwara"].get_absolute_url())
    assert links_to(response, world["bones"].get_absolute_url()) == ["Bones"]
    assert "Bones (founder)" in text_of(response)


def test_studio_page_lists_works_by_year_people_and_lineage(client, world):
    bones = world["bones"]
    successor = f.make_studio(title="Bones Film", predecessor=bones)
    owner = f.make_studio(title="Bandai Namco")
    bones.parent = owner
    bones.save()
    response = client.get(bones.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Founded 1998" in text and "Headquarters Suginami, Tokyo" in text
    assert "2007 Heroic Age TV Animation" in text
    assert "2024 Metallic Rouge TV Animation, Production" in text
    assert text.index("Heroic Age") < text.index("Metallic Rouge")
    assert "Founded by Motoo Fujiwara" in text
    assert "Motoo Fujiwara Founder" in text
    assert links_to(response, world["fujiwara"].get_absolute_url()) == ["Motoo Fujiwara"] * 2
    assert links_to(response, world["sunrise"].get_absolute_url()) == ["Sunrise"]
    assert links_to(response, successor.get_absolute_url()) == ["Bones Film"]
    assert links_to(response, owner.get_absolute_url()) == ["Bandai Namco"]

    sunrise = client.get(world["sunrise"].get_absolute_url())
    assert links_to(sunrise, bones.get_absolute_url()) == ["Bones"]
    assert "Successors Bones" in text_of(sunrise)


def test_character_page_lists_appearances_and_voice_actors(client, world):
    response = client.get(world["rouge"].get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Appears in Metallic Rouge (2024) Main" in text
    assert "Jill Harris (English)" in text and "Tomori Kusunoki (Japanese)" in text
    assert links_to(response, world["series"].get_absolute_url()) == ["Metallic Rouge"]
    assert links_to(response, world["kusunoki"].get_absolute_url()) == ["Tomori Kusunoki"]


def test_episode_page_links_its_series_and_neighbours(client, world):
    first, second, third = world["episodes"]
    response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    assert response.context["entry"] == second
    text = text_of(response)
    assert "Episode 2" in text and "Aired 17 January 2024" in text and "Runtime 24 min" in text
    assert links_to(response, world["series"].get_absolute_url())
    assert links_to(response, first.get_absolute_url()) == ["← Episode 1 Eve of Departure"]
    assert links_to(response, third.get_absolute_url()) == ["Episode 3 → Bad Day"]

    edge = client.get(first.get_absolute_url())
    assert edge.context["previous"] is None
    assert edge.context["next"] == second


def test_episode_page_is_found_by_series_and_number(client, world):
    other = f.make_series(title="Other")
    f.make_episode(series=other, number=2, title="Someone else's second")
    url = reverse("entries:episode-detail", kwargs={"slug": other.slug, "number": 2})
    response = client.get(url)
    assert response.context["entry"].title == "Someone else's second"
    missing = reverse("entries:episode-detail", kwargs={"slug": other.slug, "number": 3})
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    "url_name", ["series-detail", "character-detail", "staff-detail", "studio-detail"]
)
def test_unknown_slug_is_a_styled_404(client, url_name):
    response = client.get(reverse(f"entries:{url_name}", kwargs={"slug": "no-such-page"}))
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert links_to(response, reverse("entries:series-list"))


def test_a_slug_of_another_kind_is_not_found(client, world):
    url = reverse("entries:character-detail", kwargs={"slug": world["series"].slug})
    assert client.get(url).status_code == 404


# --- Sanitization ------------------------------------------------------------------------


def test_entry_body_cannot_inject_script(client):
    series = f.make_series(
        title="Hostile",
        body=(
            "<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            '<a href="javascript:alert(1)" onclick="alert(2)">raw link</a>\n\n'
            "[markdown link](javascript:alert(3)) and <javascript:alert(4)>\n\n"
            "[ok](https://example.com/)"
        ),
    )
    response = client.get(series.get_absolute_url())
    assert response.status_code == 200
    page = parse(response)
    # The only scripts are the site's own search box and the page's schema.org data
    # (data, which browsers do not run), never one from the body.
    assert not [tag for tag, attrs in page.elements if tag in {"img", "iframe"}]
    scripts = [
        (attrs.get("src"), attrs.get("type")) for tag, attrs in page.elements if tag == "script"
    ]
    # The site's own scripts (search box and its list, spoiler hiding) and the
    # schema.org data.
    assert scripts == [
        (static("js/listbox.js"), None),
        (static("js/search.js"), None),
        (None, "application/ld+json"),
        (static("js/spoilers.js"), None),
    ]
    assert not [
        (tag, name) for tag, attrs in page.elements for name in attrs if name.startswith("on")
    ]
    hrefs = [href or "" for text, href in page.links]
    assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")]
    assert "https://example.com/" in hrefs


# --- Tags ------------------------------------------------------------------------------------


def test_tag_index_lists_tags_with_counts(client, world):
    response = client.get(reverse("entries:tag-list"))
    assert response.status_code == 200
    counts = {tag.name: tag.count for tag in response.context["tags"]}
    assert counts == {"androids": 2, "mecha": 1, "studio": 1}
    assert [tag.name for tag in response.context["tags"]] == ["androids", "mecha", "studio"]
    assert links_to(response, reverse("entries:tag-detail", kwargs={"slug": "mecha"})) == [
        "mecha 1"
    ]


def test_tag_index_by_count(client, world):
    f.make_staff(tags=["studio"])
    f.make_character(tags=["studio"])
    response = client.get(reverse("entries:tag-list"), {"order": "count"})
    assert [tag.name for tag in response.context["tags"]] == ["studio", "androids", "mecha"]


def test_tag_page_lists_every_kind_grouped(client, world):
    tagged = {
        "series": world["series"],
        "character": world["rouge"],
        "staff": world["izubuchi"],
        "studio": world["bones"],
        "episode": world["episodes"][0],
    }
    for entry in tagged.values():
        entry.tags.add("shared")
    response = client.get(reverse("entries:tag-detail", kwargs={"slug": "shared"}))
    assert response.status_code == 200
    assert "Tagged “shared”" in response.content.decode()
    groups = response.context["groups"]
    assert [group.label for group in groups] == [
        "Series",
        "Characters",
        "Staff",
        "Studios",
        "Episodes",
    ]
    for group in groups:
        assert [entry.pk for entry in group.entries] == [tagged[group.kind].pk]
    for entry in tagged.values():
        assert links_to(response, entry.get_absolute_url())
    # An episode's card links to its page under its series.
    assert links_to(response, "/series/metallic-rouge/episodes/1/") == ["Eve of Departure"]


def test_japanese_tag_has_a_page(client):
    series = f.make_series(title="Robot story", tags=["ロボット"])
    url = reverse("entries:tag-detail", kwargs={"slug": "robotto"})
    response = client.get(url)
    assert response.status_code == 200
    assert links_to(response, series.get_absolute_url()) == ["Robot story"]
    assert links_to(client.get(reverse("entries:tag-list")), url)


def test_unknown_tag_is_a_404(client):
    assert client.get(reverse("entries:tag-detail", kwargs={"slug": "nope"})).status_code == 404


# --- /wiki/<name> ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/wiki/Rouge_Redstar",
        "/wiki/Rouge%20Redstar",
        "/wiki/rouge_redstar",
        "/wiki/ROUGE  REDSTAR",
        "/wiki/character:Rouge_Redstar",
    ],
)
def test_wiki_redirects_a_title(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == world["rouge"].get_absolute_url()


def test_wiki_redirects_an_alias_and_a_native_title(client, world):
    alias = client.get("/wiki/Metaric_Rūju")
    assert alias.status_code == 302
    assert alias["Location"] == world["series"].get_absolute_url()
    native = client.get(reverse("entries:wiki", kwargs={"name": "メタリックルージュ"}))
    assert native["Location"] == world["series"].get_absolute_url()


def test_wiki_redirects_to_an_episode(client, world):
    response = client.get("/wiki/Neo_Ghetto")
    assert response["Location"] == "/series/metallic-rouge/episodes/2/"


def test_wiki_disambiguates_a_shared_name(client, world):
    dog = f.make_character(title="Bones", summary="A dog.")
    response = client.get("/wiki/Bones")
    assert response.status_code == 200
    assert "may refer to" in text_of(response)
    assert links_to(response, world["bones"].get_absolute_url()) == ["Bones"]
    assert links_to(response, dog.get_absolute_url()) == ["Bones"]
    assert [group.label for group in response.context["groups"]] == ["Characters", "Studios"]

    # A kind prefix picks one of them.
    studio = client.get("/wiki/studio:Bones")
    assert studio.status_code == 302
    assert studio["Location"] == world["bones"].get_absolute_url()
    assert client.get("/wiki/Studios:bones")["Location"] == world["bones"].get_absolute_url()


def test_wiki_name_with_a_colon_that_is_not_a_kind(client):
    series = f.make_series(title="Re:Zero")
    assert client.get("/wiki/Re:Zero")["Location"] == series.get_absolute_url()


def test_wiki_unknown_name_is_a_friendly_404_with_suggestions(client, world):
    response = client.get("/wiki/Rouge")
    assert response.status_code == 404
    text = text_of(response)
    assert "No page called “Rouge”" in text
    assert links_to(response, world["rouge"].get_absolute_url()) == ["Rouge Redstar"]
    assert links_to(response, world["chibi"].get_absolute_url()) == ["Rouge Chibi"]
    for name in ("series-list", "character-list", "staff-list", "studio-list", "tag-list"):
        assert links_to(response, reverse(f"entries:{name}"))


def test_wiki_kind_prefix_that_matches_nothing(client, world):
    response = client.get("/wiki/staff:Bones")
    assert response.status_code == 404
    assert links_to(response, world["bones"].get_absolute_url()) == ["Bones"]


# --- Error pages ----------------------------------------------------------------------------


def test_404_page_uses_the_site_layout(client):
    response = client.get("/no/such/address/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert links_to(response, reverse("entries:home"))


def test_500_page_is_plain(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_only_unescaped_output_is_the_body(client, world):
    # Titles are escaped, never trusted.
    character = f.make_character(title="<b>Bold</b> & co")
    response = client.get(character.get_absolute_url())
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in response.content.decode()
    assert "<b>Bold</b>" not in response.content.decode()
