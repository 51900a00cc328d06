"""/about/data/ in a real browser: the "Download the data" section with a published dump
and without one, at 1280 and 375 px, in light and dark themes, checked with axe-core
(WCAG 2.1 AA). Full-page screenshots go to test-artifacts/ for a person to look at."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

PHONE, DESKTOP = 375, 1280
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page, screenshot, label: str):
    """No axe-core violation in either theme; a screenshot of each."""
    from axe_playwright_python.sync_playwright import Axe

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options=WCAG_AA)
        screenshot(f"{label}-{scheme}")
        assert results.violations_count == 0, f"{scheme}: {results.generate_report()}"
    page.emulate_media(color_scheme="light")


def assert_fits(page, width: int):
    """Nothing makes the page scroll sideways (a long file name wraps)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_download_section_with_a_published_dump(page, demo, screenshot, width):
    call_command("export_dump", "--publish", verbosity=0)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(reverse("entries:about-data"))

    section = page.locator("#download")
    expect(section).to_have_text("Download the data")
    link = page.get_by_role("link", name="Fandex dump of")
    expect(link).to_have_attribute("download", "")
    # (The live server serves media through Django's test handler, not the app's
    # ``serve_media``: tests/dumps/test_about_data.py checks the app's headers.)
    assert page.request.get(link.get_attribute("href")).ok
    assert_fits(page, width)
    assert_accessible(page, screenshot, f"{width}")


def test_the_download_section_before_any_dump(page, demo, screenshot):
    page.set_viewport_size({"width": PHONE, "height": 900})

    page.goto(reverse("entries:about-data"))

    expect(page.get_by_text("No dump of the data has been published yet.")).to_be_visible()
    assert_fits(page, PHONE)
    assert_accessible(page, screenshot, "none")
