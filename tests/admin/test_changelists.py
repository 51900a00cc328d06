"""The kinds' changelists as editors page, search and filter them: every page holds
the rows Django's own order puts there, from either end of the list, and a search
finds titles, native titles, aliases and slugs, each entry once
(``entries.admin.changelists``)."""

import pytest

from entries.models import Character, Series, Tag
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

PER_PAGE = 50


def shown(response) -> list:
    return list(response.context["cl"].result_list)


def every_page(client, model, params: dict) -> tuple[list, list]:
    """The rows of each page of a changelist, in order, and the whole list in the
    order the changelist sorts it (its queryset, unpaged)."""
    first = client.get(admin_url(model, "changelist"), params)
    pages = first.context["cl"].paginator.num_pages
    rows = shown(first)
    for number in range(2, pages + 1):
        rows += shown(client.get(admin_url(model, "changelist"), {**params, "p": number}))
    return rows, list(first.context["cl"].queryset)


@pytest.fixture
def characters(db):
    """130 characters (three pages) whose titles come in no order, some of them the
    same title (the changelist then orders by id), and series beside them."""
    made = []
    for n in range(130):
        title = "Same Name" if n % 10 == 0 else f"Character {(n * 37) % 130:03d}"
        made.append(factories.make_character(title=title, tags=["odd"] if n % 2 else []))
    factories.make_series(title="A Series Among Them")
    return made


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"o": "-2"},  # by title, Z to A (column 2: after the checkbox and the thumbnail)
        {"o": "6"},  # by last change
    ],
    ids=["by title", "by title descending", "by last change"],
)
def test_every_page_holds_its_part_of_the_list(editor_client, characters, params):
    rows, whole = every_page(editor_client, Character, params)

    assert len(whole) == len(characters)
    # The last page (past the middle) is fetched from the end: the same rows, in order.
    assert rows == whole
    assert [len(rows[i : i + PER_PAGE]) for i in range(0, len(rows), PER_PAGE)] == [50, 50, 30]


def test_pages_of_a_filtered_list(editor_client, characters):
    odd = Tag.objects.get(name="odd")
    rows, whole = every_page(editor_client, Character, {"tags__id__exact": odd.pk})

    assert len(whole) == 65
    assert rows == whole
    assert all("odd" in [tag.name for tag in row.tags.all()] for row in rows)


def test_the_title_sorted_list_is_by_title_then_newest(editor_client, characters):
    rows, _ = every_page(editor_client, Character, {})

    same = [row for row in rows if row.title == "Same Name"]
    assert [row.pk for row in same] == sorted((row.pk for row in same), reverse=True)
    titles = [row.title for row in rows]
    assert titles == sorted(titles)


@pytest.fixture
def rouge(db):
    rouge = factories.make_character(title="Rouge Redstar", native_title="ルージュ・レッドスター")
    factories.alias(rouge, "Rouge the Android")
    factories.alias(rouge, "Rouge of Neo")
    factories.make_character(title="Noir", native_title="ノワール")
    factories.make_series(title="Rouge Redstar Chronicles")
    return rouge


@pytest.mark.parametrize(
    "query",
    [
        "redstar",  # part of the title, any letter case
        "ROUGE RED",  # every term, each somewhere in a name
        '"rouge red"',  # quoted: that text
        "レッドスター",  # part of the native title
        "android",  # part of an alias
        "ＲＯＵＧＥ",  # full-width letters, as the names are kept (NFKC)
        "Rouge-Redstar",  # the slug, whole
        "dst",  # three letters inside a word
        "ds",  # shorter than the name index's trigrams
    ],
)
def test_search_finds_the_entry_once_by_any_of_its_names(editor_client, rouge, query):
    response = editor_client.get(admin_url(Character, "changelist"), {"q": query})

    assert shown(response) == [rouge]
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("query", ["rouge noir", '"red rouge"', "rouge-red", "zzz"])
def test_search_leaves_out_entries_without_every_term(editor_client, rouge, query):
    response = editor_client.get(admin_url(Character, "changelist"), {"q": query})

    assert shown(response) == []
    assert response.context["cl"].result_count == 0
    assert "0 results" in response.content.decode()


def test_a_search_matching_many_pages(editor_client):
    for n in range(60):
        factories.make_series(title=f"Gundam {n:02d}")
    factories.make_series(title="Macross")

    rows, whole = every_page(editor_client, Series, {"q": "gundam"})

    assert len(whole) == 60
    assert rows == whole
    assert [row.title for row in rows] == [f"Gundam {n:02d}" for n in range(60)]


def test_the_tag_filter_offers_the_tags_of_the_kind_only(editor_client):
    factories.make_character(tags=["android"])
    factories.make_series(tags=["mecha", "android"])
    Tag.objects.create(name="unused", slug="unused")

    response = editor_client.get(admin_url(Character, "changelist"))

    (tags,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "tags"]
    assert [name for _, name in tags.lookup_choices] == ["android"]
    response = editor_client.get(admin_url(Series, "changelist"))
    (tags,) = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "tags"]
    assert [name for _, name in tags.lookup_choices] == ["android", "mecha"]


@pytest.mark.parametrize("query", ["\x00", "ro\x00uge", '"', "''"])
def test_a_search_with_nothing_to_look_for_lists_everything(editor_client, rouge, query):
    response = editor_client.get(admin_url(Character, "changelist"), {"q": query})

    assert response.status_code == 200
    assert rouge in shown(response)


@pytest.mark.parametrize("query", ["%", "_", "\\", "x" * 300])
def test_pattern_characters_are_searched_as_themselves(editor_client, rouge, query):
    factories.make_character(title="100% Pure_Hearted \\ Hero")

    response = editor_client.get(admin_url(Character, "changelist"), {"q": query})

    assert response.status_code == 200
    assert rouge not in shown(response)
