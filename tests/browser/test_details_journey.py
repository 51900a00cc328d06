"""Details a reader notices, in a real browser: on a phone the lead paragraph comes
before the infobox (CSS order only), beside it on a wide screen; the 403 page and
the CSRF failure page are the site's own; each at 375 and 1280 px, in light and
dark themes, checked with axe-core (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from entries.models import Series
from tests.factories import make_editor

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE, WIDE = 375, 1280


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, f"{scheme}: {results.generate_report()}"
    page.emulate_media(color_scheme="light")


def shots(page, screenshot, label: str, width: int):
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(f"{label}-{width}-{scheme}")
    page.emulate_media(color_scheme="light")


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_the_lead_comes_before_the_infobox_on_phones(page, demo, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/series/metallic-rouge/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Metallic Rouge")
    lead, infobox, prose = box(page, ".lead"), box(page, ".infobox"), box(page, ".prose")
    if width == PHONE:
        # Lead, infobox, then the rest of the text, one column.
        assert lead["y"] + lead["height"] <= infobox["y"]
        assert infobox["y"] + infobox["height"] <= prose["y"]
        # The lead is on the first screen, above the fold.
        assert lead["y"] < 900
    else:
        # The infobox beside the text, level with the lead.
        assert infobox["x"] >= lead["x"] + lead["width"]
        assert abs(infobox["y"] - lead["y"]) < 40
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The native title, once (the series' own differs from its title).
    expect(page.locator(".entry__native")).to_have_text("メタリックルージュ")
    shots(page, screenshot, "series", width)
    assert_accessible(page)


@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_the_403_pages_are_the_sites_own(page, demo, screenshot, width):
    make_editor(username="hana", password="a-long-editor-password")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/")
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Characters")).to_be_visible()

    # An editor may not delete pages: Django's 403, in the site's frame.
    series = Series.objects.get(title="Metallic Rouge")
    response = page.goto(f"/admin/entries/series/{series.pk}/delete/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this here")
    expect(page.get_by_role("link", name="log in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shots(page, screenshot, "403", width)
    assert_accessible(page)

    # A form whose token went stale (here: the cookie is gone) is refused the same way.
    page.goto(f"/admin/entries/series/{series.pk}/change/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    shots(page, screenshot, "403-csrf", width)
    assert_accessible(page)
    series.refresh_from_db()
    assert series.title == "Metallic Rouge"
