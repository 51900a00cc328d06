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
