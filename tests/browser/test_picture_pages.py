"""Pictures in a real browser: the demo's Metallic Rouge page with its gallery, on a
phone and on a wide screen, and pages with cards of pictures.

Every image must decode (lazy ones once scrolled to), come as WebP, carry its
width and height, and nothing may stick out sideways. Full-page screenshots go
to test-artifacts/ for a person to look at.
"""

import pytest
from playwright.sync_api import expect

PHONE, DESKTOP = 375, 1280

# Per image: what the browser chose and what it shows.
IMAGES = """() => Array.from(document.images).map((img) => {
  const box = img.getBoundingClientRect();
  return {
    alt: img.alt,
    currentSrc: img.currentSrc,
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    width: img.getAttribute("width"),
    height: img.getAttribute("height"),
    left: box.left + window.scrollX,
    right: box.right + window.scrollX,
    shownWidth: box.width,
    shownHeight: box.height,
  };
})"""

ALL_DECODED = "() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)"


def load_every_image(page):
    """Scroll down the page a screen at a time, so that lazy images load, then wait
    until every image has decoded."""
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"] // 2
    for y in range(0, height + step, step):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    page.wait_for_function(ALL_DECODED)
    page.evaluate("window.scrollTo(0, 0)")


def assert_pictures_fit(page, *, at_least: int):
    """Every image decoded as WebP with its size attributes, inside the page's width."""
    images = page.evaluate(IMAGES)
    assert len(images) >= at_least
    viewport = page.evaluate("window.innerWidth")
    for image in images:
        assert image["complete"] and image["naturalWidth"] > 0, image
        assert image["currentSrc"].endswith(".webp"), image
        assert image["width"] and image["height"], image
        assert image["shownWidth"] > 0 and image["shownHeight"] > 0, image
        assert image["left"] >= 0 and image["right"] <= viewport + 0.5, image
    assert_no_sideways_scroll(page)
    return images


def assert_no_sideways_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_series_page_shows_its_main_image_and_gallery(page, demo, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/series/metallic-rouge/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Metallic Rouge")

    infobox_image = page.locator(".infobox__figure img")
    expect(infobox_image).to_have_attribute("alt", "Metallic Rouge")
    expect(page.locator(".infobox__figure")).to_contain_text("Fandex demo placeholder")
    gallery = page.locator("#gallery .gallery__item")
    expect(gallery).to_have_count(4)
    expect(gallery.first).to_contain_text("Placeholder for a key visual")

    load_every_image(page)
    images = assert_pictures_fit(page, at_least=1 + 4 + 3 + 1)

    # The gallery's tiles are all the same size, in rows (two on a phone).
    tiles = [image for image in images if image["alt"].startswith("Placeholder for")]
    assert len(tiles) == 4
    assert len({round(tile["shownWidth"]) for tile in tiles}) == 1
    assert len({round(tile["shownHeight"]) for tile in tiles}) == 1
    columns = len({round(tile["left"]) for tile in tiles})
    assert columns == (2 if width == PHONE else 4)
    # The main image is never wider than the infobox's 20rem.
    [main] = [image for image in images if image["alt"] == "Metallic Rouge"]
    assert main["shownWidth"] <= 320

    screenshot(f"series-{width}")

    # A gallery picture opens its largest rendition.
    href = page.locator(".gallery__link").first.get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "image/jpeg"


def test_series_page_on_a_phone_in_dark_mode(page, demo, screenshot):
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.emulate_media(color_scheme="dark")
    page.goto("/series/metallic-rouge/")
    load_every_image(page)
    assert_pictures_fit(page, at_least=9)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 18, 23)"
    screenshot("series-375-dark")


def test_character_page_and_series_index_on_a_phone(page, demo, screenshot):
    page.set_viewport_size({"width": PHONE, "height": 900})

    page.goto("/characters/rouge-redstar/")
    expect(page.locator(".infobox__figure img")).to_have_attribute("alt", "Rouge Redstar")
    load_every_image(page)
    assert_pictures_fit(page, at_least=1)
    screenshot("character-375")

    page.goto("/series/")
    cards = page.locator(".card")
    expect(cards.first).to_be_visible()
    load_every_image(page)
    images = assert_pictures_fit(page, at_least=cards.count())
    # Every card's poster is the same size, whatever the picture's shape.
    posters = {(round(i["shownWidth"]), round(i["shownHeight"])) for i in images}
    assert posters == {(96, 128)}
    screenshot("series-index-375")


def test_home_and_tag_page_cards_show_pictures_on_a_wide_screen(page, demo, screenshot):
    # The demo's pages were written by its loader, a bot: shown with bots shown.
    page.goto("/?bots=1")
    load_every_image(page)
    assert_pictures_fit(page, at_least=4 + 12)
    screenshot("home-1280")

    page.goto("/tags/mars/")
    load_every_image(page)
    assert_pictures_fit(page, at_least=3)
    screenshot("tag-1280")
