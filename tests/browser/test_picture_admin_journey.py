"""An editor gives a series its key visual and a gallery picture in the admin, in a real
Chromium, and readers see both on the series page."""

import re

from playwright.sync_api import expect

from entries.models import Series
from tests import image_corpus
from tests.factories import make_editor, make_series

PASSWORD = "a-long-editor-password"


def test_editor_uploads_pictures_that_readers_see(
    page, transactional_db, media_root, tmp_path, screenshot
):
    make_editor(username="mio", password=PASSWORD)
    series = make_series(title="Metallic Rouge", summary="An android hunts her own kind.")
    key_visual = tmp_path / "Rouge key visual.jpg"
    key_visual.write_bytes(image_corpus.jpeg_with_exif(1600, 900))
    # A long name without spaces, as cameras and downloads make them.
    rooftop = tmp_path / f"rooftop{'-night-sky' * 15}.png"
    rooftop.write_bytes(image_corpus.png(1200, 800, colour=(180, 40, 60)))

    page.goto("/admin/")
    page.get_by_label("Username").fill("mio")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Series").first.click()
    page.get_by_role("link", name="Metallic Rouge", exact=True).click()

    page.locator("input[name=image_upload]").set_input_files(key_visual)
    page.get_by_label("Main image credit").fill("Fandex test pattern, not artwork from the show")
    page.get_by_text("Add another Gallery image").click()
    page.locator("input[name=gallery-0-upload]").set_input_files(rooftop)
    page.locator("input[name=gallery-0-caption]").fill("Rouge on the rooftop")
    page.locator("#id_edit_summary").fill("Key visual and a first gallery picture")
    screenshot("admin-form")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The changelist shows the new thumbnail; the form shows the preview.
    thumbnail = page.locator("#result_list img").first
    expect(thumbnail).to_be_visible()
    # Loaded and decoded, not only laid out (the column's thumbnails load lazily).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    page.locator("#result_list").get_by_role("link", name="Metallic Rouge", exact=True).click()
    expect(page.locator(".field-image_preview")).to_contain_text("1600 × 900 px")
    expect(page.locator(".field-image_preview")).to_contain_text("Rouge key visual.jpg")
    expect(page.locator("#gallery-0 .field-preview")).to_contain_text("rooftop-night-sky")
    # The gallery's columns and the long file name fit beside the admin's menu at 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("admin-preview")

    page.goto(series.get_absolute_url())
    main_image = page.locator(".infobox img")
    expect(main_image).to_be_visible()
    expect(page.get_by_text("Fandex test pattern, not artwork from the show")).to_be_visible()
    gallery_image = page.locator("#gallery img")
    gallery_image.scroll_into_view_if_needed()
    expect(page.locator("#gallery")).to_contain_text("Rouge on the rooftop")
    for image in (main_image, gallery_image):
        expect(image).to_have_attribute("src", re.compile(r"/media/pictures/"))
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    screenshot("series-page")

    series = Series.objects.get(pk=series.pk)
    assert series.image.original_name == "Rouge key visual.jpg"
    assert [row.caption for row in series.gallery.all()] == ["Rouge on the rooftop"]
