"""Pictures on the public pages: main images, galleries, thumbnails on cards and lists.

Each test stores real pictures through ``entries.pictures`` (so their renditions
exist in the test's own MEDIA_ROOT) and reads the pages a reader gets.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from entries import pictures
from entries.models import Entry, GalleryImage
from tests import factories as f
from tests import image_corpus

pytestmark = pytest.mark.django_db


# --- Reading pages -------------------------------------------------------------------------


class Element:
    def __init__(self, tag: str, attrs: dict, parents: list["Element"]):
        self.tag, self.attrs, self.parents = tag, attrs, parents
        self.text: list[str] = []

    def within(self, tag: str, css_class: str = "") -> bool:
        return any(
            parent.tag == tag and css_class in parent.attrs.get("class", "").split()
            if css_class
            else parent.tag == tag
            for parent in self.parents
        )

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


class PageParser(HTMLParser):
    """Every element with its attributes, its open ancestors and its own text."""

    VOID = {"img", "source", "meta", "link", "input", "br", "hr"}

    def __init__(self):
        super().__init__()
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), list(self.open))
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text.append(data)


def parse(response) -> list[Element]:
    assert response.status_code == 200
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser.elements


def find(elements, tag: str, css_class: str = "") -> list[Element]:
    return [e for e in elements if e.tag == tag and (not css_class or css_class in e.classes)]


def text(element: Element) -> str:
    return " ".join("".join(element.text).split())


def srcset_urls(srcset: str) -> list[tuple[str, int]]:
    """(address, width) of each candidate of a ``srcset``."""
    candidates = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        assert descriptor.endswith("w"), srcset
        candidates.append((url, int(descriptor[:-1])))
    return candidates


# --- Pictures -----------------------------------------------------------------------------


def stored(width=800, height=600, colour=(200, 30, 40)):
    return pictures.store_upload(io.BytesIO(image_corpus.png(width, height, colour)))


@pytest.fixture
def key_visual():
    return stored(1600, 900, (20, 60, 200))


@pytest.fixture
def portrait():
    return stored(600, 800, (180, 40, 140))


def add_gallery(entry, items):
    """Gallery rows of ``entry``: (picture, caption, credit, position) each."""
    return [
        GalleryImage.objects.create(
            entry=entry, picture=picture, caption=caption, credit=credit, position=position
        )
        for picture, caption, credit, position in items
    ]


# --- Entry pages -------------------------------------------------------------------------------

KIND_MAKERS = {
    "series": lambda: f.make_series(title="Pictured Series"),
    "character": lambda: f.make_character(title="Pictured Character"),
    "staff": lambda: f.make_staff(title="Pictured Person"),
    "studio": lambda: f.make_studio(title="Pictured Studio"),
    "episode": lambda: f.make_episode(series=f.make_series(title="Host"), title="Pictured"),
}


@pytest.mark.parametrize("kind", list(KIND_MAKERS))
def test_every_kind_shows_its_main_image_with_credit_and_its_gallery(client, kind, key_visual):
    entry = KIND_MAKERS[kind]()
    entry.image = key_visual
    entry.image_credit = "Studio Example"
    entry.save()
    add_gallery(entry, [(stored(), "A still", "Someone", 1), (stored(colour=(1, 2, 3)), "", "", 2)])

    elements = parse(client.get(entry.get_absolute_url()))

    [figure] = find(elements, "figure", "infobox__figure")
    [main] = [img for img in find(elements, "img") if img.within("figure", "infobox__figure")]
    assert main.attrs["alt"] == entry.title
    assert "Image: Studio Example" in text(figure)
    # The first image a page shows loads at once; the gallery's wait until scrolled to.
    assert "loading" not in main.attrs
    gallery = [img for img in find(elements, "img") if img.within("ul", "gallery")]
    assert len(gallery) == 2
    assert [img.attrs["alt"] for img in gallery] == ["A still", f"{entry.title}, picture 2"]
    assert all(img.attrs["loading"] == "lazy" for img in gallery)
    [heading] = [h for h in find(elements, "h2") if text(h) == "Gallery"]
    assert heading.attrs["id"] == "gallery-heading"


def test_an_entry_without_pictures_shows_no_empty_frames(client):
    series = f.make_series(title="Plain")
    f.make_character(title="Plain Character", series=series)
    f.make_episode(series=series, number=1)

    response = client.get(series.get_absolute_url())
    content = response.content.decode()

    assert response.status_code == 200
    for absent in ["<picture", "<img", "<figure", 'id="gallery"', "infobox__figure", "thumb"]:
        assert absent not in content, absent
    cards = client.get(reverse("entries:series-list")).content.decode()
    assert 'class="card"' in cards and "card--image" not in cards and "<img" not in cards


def test_pictures_have_srcset_sizes_and_dimensions(client, key_visual):
    series = f.make_series(title="Sized", image=key_visual)
    add_gallery(series, [(stored(1200, 900), "Tile", "", 1)])

    elements = parse(client.get(series.get_absolute_url()))

    for picture in find(elements, "picture"):
        children = [e for e in elements if e.parents and e.parents[-1] is picture]
        [source] = [e for e in children if e.tag == "source"]
        [img] = [e for e in children if e.tag == "img"]
        assert source.attrs["type"] == "image/webp"
        assert [u.endswith(".webp") for u, _ in srcset_urls(source.attrs["srcset"])] == [
            True
        ] * len(srcset_urls(source.attrs["srcset"]))
        assert source.attrs["sizes"] == img.attrs["sizes"]
        widths = [width for _, width in srcset_urls(img.attrs["srcset"])]
        assert widths == sorted(widths) and widths[-1] <= 1280
        # The tag's own size is the aspect ratio of the picture: no layout shift.
        width, height = int(img.attrs["width"]), int(img.attrs["height"])
        assert abs(width / height - 1600 / 900) < 0.01 or abs(width / height - 4 / 3) < 0.01
        assert img.attrs["decoding"] == "async"
    [main] = [p for p in find(elements, "img") if p.within("figure", "infobox__figure")]
    assert main.attrs["sizes"] == "(min-width: 56rem) 18rem, 20rem"
    assert (main.attrs["width"], main.attrs["height"]) == ("640", "360")


def test_every_address_on_the_page_is_a_stored_file(client, key_visual):
    series = f.make_series(title="Served", image=key_visual)
    add_gallery(series, [(stored(), "One", "", 1)])

    elements = parse(client.get(series.get_absolute_url()))
    addresses = set()
    for element in find(elements, "source") + find(elements, "img"):
        addresses |= {url for url, _ in srcset_urls(element.attrs["srcset"])}
    addresses |= {img.attrs["src"] for img in find(elements, "img")}
    addresses |= {a.attrs["href"] for a in find(elements, "a", "gallery__link")}

    assert len(addresses) > 10
    for address in addresses:
        path = urlsplit(address).path
        assert path.startswith("/media/pictures/"), address
        assert default_storage.exists(path.removeprefix("/media/"))
        response = client.get(path)
        assert response.status_code == 200, address
        expected = "image/webp" if path.endswith(".webp") else "image/jpeg"
        assert response["Content-Type"] == expected
        head = b"".join(response.streaming_content)[:12]
        assert head[8:12] == b"WEBP" if path.endswith(".webp") else head[:2] == b"\xff\xd8"


def test_gallery_links_to_the_largest_rendition(client):
    big = stored(1800, 1200)
    series = f.make_series(title="Linked")
    add_gallery(series, [(big, "Big one", "", 1)])

    [link] = find(parse(client.get(series.get_absolute_url())), "a", "gallery__link")

    largest = big.renditions[-1]
    assert largest["width"] == 1280
    assert link.attrs["href"] == big.url(largest["fallback"])


def test_gallery_follows_the_editors_order(client):
    series = f.make_series(title="Ordered")
    add_gallery(
        series,
        [
            (stored(colour=(1, 1, 1)), "Third", "", 30),
            (stored(colour=(2, 2, 2)), "First", "", 10),
            (stored(colour=(3, 3, 3)), "Second", "", 20),
        ],
    )

    elements = parse(client.get(series.get_absolute_url()))

    captions = [text(e) for e in find(elements, "span", "gallery__text")]
    assert captions == ["First", "Second", "Third"]


def test_captions_and_credits_are_text_never_markup(client):
    series = f.make_series(title="Escaped")
    attack = '<script>alert("caption")</script>'
    add_gallery(
        series,
        [(stored(), attack, '<img src=x onerror="alert(1)"> & friends', 1)],
    )
    series.image = stored(colour=(9, 9, 9))
    series.image_credit = "<b>bold</b> claims"
    series.save()

    response = client.get(series.get_absolute_url())
    content = response.content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;caption&quot;)&lt;/script&gt;" in content
    assert "<img src=x" not in content and "&lt;img src=x" in content
    assert "<b>bold</b>" not in content and "&lt;b&gt;bold&lt;/b&gt; claims" in content
    elements = parse(response)
    [tile] = [img for img in find(elements, "img") if img.within("ul", "gallery")]
    assert tile.attrs["alt"] == attack  # an attribute value, escaped in the HTML
    assert [text(e) for e in find(elements, "span", "gallery__text")] == [attack]


def test_a_credit_that_is_an_address_is_a_link(client):
    series = f.make_series(title="Sourced")
    add_gallery(series, [(stored(), "From the web", "https://example.com/source", 1)])

    elements = parse(client.get(series.get_absolute_url()))

    [link] = [a for a in find(elements, "a") if a.within("span", "credit")]
    assert link.attrs["href"] == "https://example.com/source"
    assert "nofollow" in link.attrs["rel"]


# --- Cards and lists ---------------------------------------------------------------------------


def card_pictures(response) -> dict[str, Element]:
    """The thumbnail of each card on the page, by the card's title."""
    elements = parse(response)
    found = {}
    for article in find(elements, "article", "card"):
        inside = [e for e in elements if article in e.parents]
        [title] = [e for e in inside if e.tag == "a" and e.within("h3", "card__title")]
        images = [e for e in inside if e.tag == "img"]
        if images:
            found[text(title)] = images[0]
    return found


def test_cards_show_the_main_image_everywhere_cards_are_used(client, key_visual, portrait):
    series = f.make_series(title="Carded", year=2024, tags=["shared"], image=key_visual)
    f.make_character(title="Carded Character", tags=["shared"], image=portrait)
    f.make_staff(title="Uncarded Person", tags=["shared"])

    for url in [
        reverse("entries:home"),
        reverse("entries:series-list"),
        reverse("entries:tag-detail", kwargs={"slug": "shared"}),
    ]:
        thumbnails = card_pictures(client.get(url))
        assert "Carded" in thumbnails, url
        assert "Uncarded Person" not in thumbnails, url
        img = thumbnails["Carded"]
        # Beside the title, which already names it.
        assert img.attrs["alt"] == ""
        assert img.attrs["loading"] == "lazy"
        assert img.attrs["width"] and img.attrs["height"]
    characters = card_pictures(client.get(reverse("entries:character-list")))
    assert set(characters) == {"Carded Character"}
    assert (
        series.image.url(series.image.renditions[0]["webp"])
        in client.get(reverse("entries:home")).content.decode()
    )


def test_a_card_asks_for_a_sharper_rendition_for_a_wide_picture(client, key_visual, portrait):
    """A card's poster box is 6rem wide and 3:4: a portrait fills it at 6rem, a 16:9
    picture is drawn 16/9 × 4/3 ≈ 2.37 times as wide, and asks for that much."""
    f.make_series(title="Wide", image=key_visual)
    f.make_series(title="Tall", image=portrait)

    thumbnails = card_pictures(client.get(reverse("entries:series-list")))

    assert thumbnails["Tall"].attrs["sizes"] == "6rem"
    assert thumbnails["Wide"].attrs["sizes"] == "calc(6rem * 2.37)"


def test_search_results_show_thumbnails(client, portrait):
    f.make_character(title="Searchable Heroine", image=portrait)
    f.make_character(title="Searchable Sidekick")

    response = client.get(reverse("entries:search"), {"q": "searchable"})

    elements = parse(response)
    results = find(elements, "li", "search-result")
    assert len(results) == 2
    pictured = {
        text([e for e in elements if result in e.parents and e.tag == "a"][0]): any(
            e.tag == "img" for e in elements if result in e.parents
        )
        for result in results
    }
    assert pictured == {"Searchable Heroine": True, "Searchable Sidekick": False}


def test_series_page_lists_show_thumbnails_of_people_characters_and_episodes(
    client, key_visual, portrait
):
    series = f.make_series(title="Crowded")
    director = f.make_staff(title="Pictured Director", image=portrait)
    f.credit(series, director, "director")
    f.credit(series, f.make_staff(title="Faceless Writer"), "script")
    f.make_character(title="Pictured Heroine", series=series, image=portrait)
    f.make_character(title="Faceless Extra", series=series, role="background")
    f.make_episode(series=series, number=1, title="Pictured Episode", image=key_visual)
    f.make_episode(series=series, number=2, title="Plain Episode")

    elements = parse(client.get(series.get_absolute_url()))

    def thumbnail_beside(name: str) -> Element | None:
        """The image in the list row (staff, character or episode) naming ``name``."""
        [link] = [a for a in find(elements, "a") if text(a) == name]
        [row] = [
            parent
            for parent in link.parents
            if parent.tag == "tr" or {"credits__row", "cast__item"} & set(parent.classes)
        ]
        images = [e for e in elements if e.tag == "img" and row in e.parents]
        return images[0] if images else None

    for name in ["Pictured Director", "Pictured Heroine", "Pictured Episode"]:
        img = thumbnail_beside(name)
        assert img is not None, name
        assert img.attrs["alt"] == "" and img.attrs["loading"] == "lazy"
    for name in ["Faceless Writer", "Faceless Extra", "Plain Episode"]:
        assert thumbnail_beside(name) is None, name


def test_picture_urls_in_the_html_match_the_stored_renditions(client, key_visual):
    series = f.make_series(title="Exact", image=key_visual)

    content = client.get(series.get_absolute_url()).content.decode()

    for rendition in key_visual.renditions:
        assert re.search(rf"{re.escape(key_visual.url(rendition['webp']))} \d+w", content)
        assert key_visual.url(rendition["fallback"]) in content
    assert Entry.objects.get(pk=series.pk).image_id == key_visual.pk
