"""Entry pages carry a share card: Open Graph and Twitter tags with the title, the
summary, the main image's 1280 px rendition and its size, the site and the type."""

import io

import pytest

from entries import pictures
from entries.models import Series
from tests import factories as f
from tests import image_corpus

from .helpers import head_of

pytestmark = pytest.mark.django_db

HOST = "fandex.example"


@pytest.fixture
def key_visual():
    return pictures.store_upload(io.BytesIO(image_corpus.png(1600, 900)))


def card_of(client, entry):
    response = client.get(entry.get_absolute_url(), headers={"host": HOST})
    assert response.status_code == 200
    return head_of(response)


def test_a_series_card_has_its_title_summary_and_1280_px_image(client, key_visual):
    series = f.make_series(
        title="Metallic Rouge",
        summary="Androids on Mars.   A hunt for nine renegades.",
        image=key_visual,
    )
    head = card_of(client, series)
    url = f"http://{HOST}{series.get_absolute_url()}"
    rendition = next(r for r in key_visual.renditions if r["width"] == 1280)
    image_url = f"http://{HOST}{key_visual.url(rendition['fallback'])}"
    assert head.one("og:site_name") == "Fandex"
    assert head.one("og:type") == "video.tv_show"
    assert head.one("og:title") == "Metallic Rouge"
    assert head.one("og:url") == url
    assert head.one("og:description") == "Androids on Mars. A hunt for nine renegades."
    assert head.one("og:image") == image_url
    assert image_url.endswith(".jpg")
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1280", "720")
    assert head.one("og:image:type") == "image/jpeg"
    assert head.one("og:image:alt") == "Metallic Rouge"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:title") == "Metallic Rouge"
    assert head.one("twitter:description") == head.one("og:description")
    assert head.one("twitter:image") == image_url
    assert head.one("twitter:image:alt") == "Metallic Rouge"
    assert head.canonical == [url]


def test_a_small_image_gives_its_largest_rendition_and_its_size(client):
    small = pictures.store_upload(io.BytesIO(image_corpus.png(500, 400)))
    person = f.make_staff(title="Someone", image=small)
    head = card_of(client, person)
    largest = small.renditions[-1]
    assert head.one("og:image") == f"http://{HOST}{small.url(largest['fallback'])}"
    assert head.one("og:image:width") == str(largest["width"])
    assert head.one("og:image:height") == str(largest["height"])


def test_without_an_image_the_card_is_a_summary(client):
    studio = f.make_studio(title="Bones", summary="")
    head = card_of(client, studio)
    assert head.one("twitter:card") == "summary"
    assert "og:image" not in head.meta
    assert "og:description" not in head.meta
    assert head.one("og:type") == "website"


def test_a_long_summary_is_cut_at_a_word(client):
    series = f.make_series(title="Wordy", summary="word " * 100)
    description = card_of(client, series).one("og:description")
    assert len(description) <= 200
    assert description.endswith("word…")


@pytest.mark.parametrize(
    ("make", "og_type"),
    [
        (lambda: f.make_series(format=Series.Format.TV), "video.tv_show"),
        (lambda: f.make_series(format=Series.Format.OVA), "video.tv_show"),
        (lambda: f.make_series(format=Series.Format.MOVIE), "video.movie"),
        (lambda: f.make_episode(), "video.episode"),
        (lambda: f.make_staff(), "profile"),
        (lambda: f.make_studio(), "website"),
        (lambda: f.make_character(), "website"),
    ],
)
def test_each_kind_has_its_type(client, make, og_type):
    assert card_of(client, make()).one("og:type") == og_type


def test_an_episode_card_names_its_series(client):
    episode = f.make_episode(series=f.make_series(title="Long Runner"), number=4, title="Storm")
    head = card_of(client, episode)
    assert head.one("og:title") == "Long Runner episode 4: Storm"


def test_card_text_is_escaped_in_its_attributes(client):
    series = f.make_series(title='Quote " <b>bold</b>', summary="Tom & Jerry's <i>show</i>")
    head = card_of(client, series)
    assert head.one("og:title") == 'Quote " <b>bold</b>'
    assert head.one("og:description") == "Tom & Jerry's <i>show</i>"
    assert "<b>bold</b>" not in client.get(series.get_absolute_url()).content.decode()
