"""A tag's page lists its entries a page at a time, by title."""

import pytest
from django.urls import reverse

from entries.views import tags
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(monkeypatch):
    monkeypatch.setattr(tags, "TAG_PAGE_SHOWN", 2)
    for title in ["Charlie", "Alpha", "Bravo"]:
        f.make_series(title=title, tags=["shared"])
    return reverse("entries:tag-detail", kwargs={"slug": "shared"})


def test_the_first_page_shows_the_first_titles_and_a_next_link(client, tagged):
    content = client.get(tagged).content.decode()
    assert "Pages 1 to 2 by title" in content
    assert "Alpha" in content and "Bravo" in content and "Charlie" not in content
    assert 'rel="next" href="?page=2"' in content


def test_the_last_page_shows_the_rest_and_a_previous_link(client, tagged):
    content = client.get(tagged + "?page=2").content.decode()
    assert "Pages 3 to 3 by title" in content
    assert "Charlie" in content and "Alpha" not in content
    assert 'rel="prev" href="?page=1"' in content
    assert 'rel="next"' not in content


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "99999999"])
def test_a_page_the_tag_does_not_have_is_not_found(client, tagged, page):
    assert client.get(tagged, {"page": page}).status_code == 404


def test_a_tag_on_one_page_has_no_page_links(client):
    f.make_series(title="Only", tags=["rare"])
    content = client.get(reverse("entries:tag-detail", kwargs={"slug": "rare"})).content.decode()
    assert "1 page" in content
    assert 'aria-label="Pages with this tag"' not in content


def titles_on(client, url) -> list[str]:
    """The titles a page of the tag lists (its sections per kind run together), by title."""
    groups = client.get(url).context["groups"]
    return sorted(entry.title for group in groups for entry in group.entries)


def test_pages_follow_renames_marks_and_a_tag_carried_by_every_kind(client, tagged):
    """The page is cut from the tag's taggings in title order (a copy of each title
    the database keeps): a renamed entry moves, a spoiler-marked use leaves."""
    f.make_character(title="Able", tags=["shared"])
    assert titles_on(client, tagged) == ["Able", "Alpha"]

    delta = f.make_series(title="Delta", tags=["shared"])
    delta.title = "Aardvark"
    delta.save()
    assert titles_on(client, tagged) == ["Aardvark", "Able"]
    assert titles_on(client, tagged + "?page=2") == ["Alpha", "Bravo"]

    delta.tagged_items.update(revealed_in=3)
    assert titles_on(client, tagged) == ["Able", "Alpha"]
    assert titles_on(client, tagged + "?page=2") == ["Bravo", "Charlie"]
    assert client.get(tagged + "?page=3").status_code == 404


def test_taggings_loaded_before_their_entry_sort_by_its_title(client, tagged):
    """As a restore may load them (foreign keys are checked at commit): the rows of a
    tag's page that name an entry inserted after them still sort by its title."""
    from django.db import transaction

    from entries.models import Entry, Tag, TaggedEntry

    shared = Tag.objects.get(slug="shared")
    later = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    with transaction.atomic():
        TaggedEntry.objects.create(content_object_id=later, tag=shared)
        f.make_series(pk=later, title="Aaron", slug="aaron")
    assert titles_on(client, tagged) == ["Aaron", "Alpha"]
