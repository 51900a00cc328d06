"""Cards are rendered once and kept by everything they show (``entry_card``): after
any change to what a card shows, readers see the change, on the tag pages and the
home page alike, whatever wrote it (most writes here go straight to the rows)."""

import pytest
from django.urls import reverse

from entries import pictures
from entries.models import Entry, Series, Staff, Tag, TaggedEntry
from tests import factories, image_corpus

pytestmark = pytest.mark.django_db

TAG_PAGE = reverse("entries:tag-detail", kwargs={"slug": "androids"})


def card_of(client, url: str, title: str) -> str:
    """The HTML of the card titled ``title`` on the page at ``url``."""
    content = client.get(url).content.decode()
    start = content.rindex('<article class="card', 0, content.index(f">{title}</a>"))
    return content[start : content.index("</article>", start)]


@pytest.fixture
def series(client):
    """A series whose card has been rendered (and kept) once already."""
    series = factories.make_series(
        title="Metallic Rouge", summary="Androids on Mars.", tags=["androids", "mecha"]
    )
    assert "Androids on Mars." in card_of(client, TAG_PAGE, "Metallic Rouge")
    return series


def test_a_card_follows_edits_of_its_own_fields(client, series):
    Series.objects.filter(pk=series.pk).update(
        summary="Rouge hunts the Nea.", native_title="メタリックルージュ"
    )
    card = card_of(client, TAG_PAGE, "Metallic Rouge")
    assert "Rouge hunts the Nea." in card and "Androids on Mars." not in card
    assert "メタリックルージュ" in card

    Entry.objects.filter(pk=series.pk).update(title="Metallic Rouge (TV)", slug="rouge-tv")
    card = card_of(client, TAG_PAGE, "Metallic Rouge (TV)")
    assert 'href="/series/rouge-tv/"' in card


def test_a_card_follows_its_tags_their_names_and_marks(client, series):
    Tag.objects.filter(name="mecha").update(name="Giant robots", slug="giant-robots")
    assert 'href="/tags/giant-robots/"' in card_of(client, TAG_PAGE, "Metallic Rouge")

    TaggedEntry.objects.filter(tag__name="Giant robots").update(revealed_in=4)
    assert "Giant robots" not in card_of(client, TAG_PAGE, "Metallic Rouge")

    series.tags.add("space")
    assert 'href="/tags/space/"' in card_of(client, TAG_PAGE, "Metallic Rouge")


def test_a_card_follows_its_picture_and_its_facts(client, series, media_root):
    picture = pictures.store_upload(image_corpus.upload("rouge.png", image_corpus.png(300, 400)))
    Entry.objects.filter(pk=series.pk).update(image=picture)
    assert "card--image" in card_of(client, TAG_PAGE, "Metallic Rouge")

    person = factories.make_staff(
        title="Yutaka Izubuchi", occupations="Director", tags=["androids"]
    )
    # The staff index's cards are Staff rows, which say what the person does.
    staff_index = reverse("entries:staff-list")
    assert "Director" in card_of(client, staff_index, "Yutaka Izubuchi")
    Staff.objects.filter(pk=person.pk).update(occupations="Mechanical designer")
    card = card_of(client, staff_index, "Yutaka Izubuchi")
    assert "Mechanical designer" in card and "Director" not in card


def test_an_episode_card_follows_its_series(client, series):
    factories.make_episode(series=series, number=3, title="Ghost Station", tags=["androids"])
    assert "Metallic Rouge, episode 3" in card_of(client, TAG_PAGE, "Ghost Station")

    Entry.objects.filter(pk=series.pk).update(title="Rouge", slug="rouge")
    card = card_of(client, TAG_PAGE, "Ghost Station")
    assert "Rouge, episode 3" in card and "Metallic" not in card
    assert 'href="/series/rouge/episodes/3/"' in card


def test_the_same_entry_on_the_home_page_gets_its_own_card(client, series):
    """Home cards name their kind and a featured series its format and year."""
    Series.objects.filter(pk=series.pk).update(year=2024, featured=1)
    home = card_of(client, reverse("entries:home"), "Metallic Rouge")
    assert '<span class="kind kind--series">Series</span>' in home and "2024" in home
    tag_page = card_of(client, TAG_PAGE, "Metallic Rouge")
    assert "kind--series" not in tag_page

    Series.objects.filter(pk=series.pk).update(year=2025)
    assert "2025" in card_of(client, reverse("entries:home"), "Metallic Rouge")
