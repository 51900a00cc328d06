"""Tags that stay clean (suggestions, reuse whatever the letter case, unused tags
removed through the one write path) and the edit summary beside every set of save
buttons."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision

from entries.models import Series, Studio, Tag
from tests import factories
from tests.helpers import admin_url, open_form

pytestmark = pytest.mark.django_db

SUGGEST = {"app_label": "entries", "model_name": "entry", "field_name": "tags"}


def suggestions(client, term: str) -> list[str]:
    response = client.get(reverse("admin:autocomplete"), {**SUGGEST, "term": term})
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


# --- Reuse and suggestions --------------------------------------------------------------


def test_typing_a_tag_in_another_case_reuses_the_existing_tag(editor_client):
    factories.make_series(title="Metallic Rouge", tags=["Mecha"])
    studio = factories.make_studio(title="Bones")
    url, data = open_form(editor_client, Studio, studio)
    data["tags"] = "mecha, MECHA, Android"

    assert editor_client.post(url, data).status_code == 302

    assert sorted(studio.tags.names()) == ["Android", "Mecha"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Android", "Mecha"]


def test_the_tag_field_asks_the_admin_for_suggestions(editor_client):
    studio = factories.make_studio()

    content = editor_client.get(admin_url(Studio, "change", studio.pk)).content.decode()

    assert 'class="tag-editor" data-suggest-url="/admin/autocomplete/?app_label=entries' in content
    # Without the script it is the plain comma-separated box.
    assert '<input type="text" name="tags"' in content


def test_suggestions_put_the_name_itself_first_then_names_starting_with_it(editor_client):
    for name in ["Giant mecha", "Mecha pilots", "Mecha", "Android"]:
        Tag.objects.create(name=name)

    assert suggestions(editor_client, "mecha") == ["Mecha", "Mecha pilots", "Giant mecha"]
    assert suggestions(editor_client, "zzz") == []


def test_readers_get_no_suggestions(client):
    Tag.objects.create(name="Mecha")

    response = client.get(reverse("admin:autocomplete"), {**SUGGEST, "term": "me"})

    assert response.status_code == 302
    assert "Mecha" not in response.content.decode()


def test_the_tags_changelist_search_still_sorts_by_name(editor_client):
    for name in ["Mecha pilots", "Mecha", "Giant mecha"]:
        Tag.objects.create(name=name)

    response = editor_client.get(admin_url(Tag, "changelist"), {"q": "mecha"})

    names = [tag.name for tag in response.context["cl"].result_list]
    assert names == ["Giant mecha", "Mecha", "Mecha pilots"]


# --- Unused tags ------------------------------------------------------------------------


@pytest.fixture
def tags(db):
    factories.make_series(title="Metallic Rouge", tags=["Mecha"])
    Tag.objects.create(name="Mechaa")
    Tag.objects.create(name="Typo")


def test_prune_tags_deletes_the_tags_no_entry_carries(tags):
    out = io.StringIO()

    call_command("prune_tags", stdout=out)

    assert list(Tag.objects.values_list("name", flat=True)) == ["Mecha"]
    assert "Mechaa" in out.getvalue() and "Deleted 2 unused tags." in out.getvalue()
    assert Series.objects.get().tags.names()[0] == "Mecha"


def test_prune_tags_dry_run_deletes_nothing(tags):
    out = io.StringIO()

    call_command("prune_tags", "--dry-run", stdout=out)

    assert Tag.objects.count() == 3
    assert "Would delete 2 unused tags." in out.getvalue()


def test_prune_tags_with_nothing_to_do_says_so(db):
    factories.make_series(tags=["Mecha"])
    out = io.StringIO()

    call_command("prune_tags", stdout=out)

    assert "Deleted 0 unused tags." in out.getvalue()
    assert Tag.objects.count() == 1


def test_the_admin_action_deletes_the_selected_unused_tags_and_keeps_used_ones(senior_client, tags):
    selected = Tag.objects.filter(name__in=["Mecha", "Mechaa"])
    revisions = Revision.objects.count()

    response = senior_client.post(
        admin_url(Tag, "changelist"),
        {"action": "delete_unused_tags", "_selected_action": [t.pk for t in selected]},
        follow=True,
    )

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Mecha", "Typo"]
    content = response.content.decode()
    assert "Deleted the unused tags “Mechaa”." in content
    assert "1 of the selected tags are in use and were kept." in content
    # No entry carried it: no entry's history changes.
    assert Revision.objects.count() == revisions


def test_editors_who_may_not_delete_tags_have_no_such_action(editor_client, tags):
    response = editor_client.get(admin_url(Tag, "changelist"))

    assert "delete_unused_tags" not in response.content.decode()
    response = editor_client.post(
        admin_url(Tag, "changelist"),
        {"action": "delete_unused_tags", "_selected_action": [Tag.objects.get(name="Typo").pk]},
    )
    assert Tag.objects.filter(name="Typo").exists()


def test_the_changelist_filters_unused_tags(editor_client, tags):
    response = editor_client.get(admin_url(Tag, "changelist"), {"in_use": "no"})

    names = sorted(tag.name for tag in response.context["cl"].result_list)
    assert names == ["Mechaa", "Typo"]


# --- The edit summary beside every set of save buttons ----------------------------------


def test_the_series_form_has_a_summary_box_beside_both_sets_of_save_buttons(editor_client):
    series = factories.make_series()

    content = editor_client.get(admin_url(Series, "change", series.pk)).content.decode()

    boxes = [i for i in range(len(content)) if content.startswith('name="edit_summary"', i)]
    assert len(boxes) == 2
    saves = [i for i in range(len(content)) if content.startswith('name="_save"', i)]
    assert boxes[0] < saves[0] < content.index('id="episodes-group"') < boxes[1] < saves[1]
    assert 'id="id_edit_summary_top"' in content and 'id="id_edit_summary"' in content


@pytest.mark.parametrize(
    ("top", "bottom", "comment"),
    [
        ("Fixed the dates", "", "Fixed the dates"),
        ("", "Fixed the dates", "Fixed the dates"),
        ("Fixed the dates", "Fixed the dates", "Fixed the dates"),
        ("Fixed the dates", "and the title", "Fixed the dates; and the title"),
    ],
)
def test_a_summary_typed_in_either_box_is_kept(editor_client, top, bottom, comment):
    series = factories.make_series(title="Metallic Rouge")
    url, data = open_form(editor_client, Series, series)
    data.update(title="Metallic Rouge (TV)", edit_summary=[top, bottom])

    assert editor_client.post(url, data).status_code == 302

    assert Revision.objects.order_by("pk").last().comment == comment
