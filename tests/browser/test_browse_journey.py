"""A fan browses the imported bangumi-data catalogue: the series index sorted and
filtered, a season chart, a series' episode list; at 1280 and 375 px, in light
and dark themes, each page checked with axe-core (WCAG 2.1 AA)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# The bangumi-data release the project keeps beside the repository (../shared/data).
BANGUMI = Path(__file__).resolve().parents[3] / "shared" / "data" / "bangumi-data-0.3.222.json.gz"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def catalogue(demo):
    """The demo, then the whole bangumi-data import over it (8,800 series)."""
    if not BANGUMI.exists():
        pytest.skip(f"{BANGUMI} is not there")
    from django.core.management import call_command

    call_command(
        "import_bangumi", str(BANGUMI), "--no-history", "--today", "2026-12-01", verbosity=0
    )


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, f"{scheme}: {results.generate_report()}"
    page.emulate_media(color_scheme="light")


def assert_fits(page, width: int):
    """Nothing makes the page itself scroll sideways (wide tables scroll in their box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def card_titles(page) -> list[str]:
    return page.locator(".card__title").all_inner_texts()


def test_a_fan_browses_the_imported_series(page, catalogue, screenshot):
    page.goto("/series/")
    expect(page.locator(".page-header__meta")).to_contain_text("series, page 1 of 200")
    # Punctuation-led titles are not all first.
    first = card_titles(page)[0]
    assert first[0].isalnum(), first
    assert_accessible(page)
    screenshot("index-1280")

    # Filter: TV series of winter 2024, newest first.
    page.get_by_label("Format").select_option("tv")
    page.get_by_label("Season").select_option("winter")
    page.get_by_label("Year").select_option("2024")
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"format=tv.*season=winter.*year=2024.*sort=newest"))
    expect(page.locator(".page-header__meta")).to_contain_text("TV series of winter 2024")
    # Each choice shows its count; the chosen one stays chosen.
    expect(page.get_by_label("Format").locator("option:checked")).to_have_text(
        re.compile(r"^TV \(\d+\)$")
    )
    screenshot("filtered-1280")

    # The name filter forgives a typo.
    page.get_by_label("Name").fill("metalic")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".card__title").first).to_have_text("Metallic Rouge")
    assert_accessible(page)
    screenshot("name-1280")

    # A bad value is said, not a failure.
    page.goto("/series/?format=cartoon&year=abc&tag=nope")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is no format “cartoon”.")
    expect(alert).to_contain_text("Year must be a number.")
    expect(alert).to_contain_text("No series has the tag “nope”.")
    assert_accessible(page)

    # To the season chart from the filtered index.
    page.goto("/series/?season=winter&year=2024")
    page.get_by_role("link", name="See Winter 2024 as a season chart →").click()
    expect(page).to_have_url(re.compile(r"/seasons/2024/winter/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Winter 2024")
    tv = page.locator("#format-tv")
    expect(tv.get_by_role("link", name="Metallic Rouge", exact=True)).to_be_visible()
    expect(tv.locator("tbody tr").first.locator("time")).to_have_attribute(
        "datetime", re.compile(r"^2024-01-")
    )
    assert_accessible(page)
    screenshot("season-1280")
    page.get_by_role("link", name="Spring 2024 →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2024")

    # From a series' infobox to its episodes.
    page.goto("/series/metallic-rouge/")
    page.locator(".infobox").get_by_role("link", name=re.compile(r"^\d+ episodes$")).click()
    expect(page).to_have_url(re.compile(r"/series/metallic-rouge/episodes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Episodes of Metallic Rouge")
    expect(page.locator("#episodes tbody tr").first).to_contain_text("1")
    assert_accessible(page)
    screenshot("episodes-1280")


def test_the_same_pages_on_a_phone(page, catalogue, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    for label, url in [
        ("index", "/series/?tag=mecha&sort=year"),
        ("season", "/seasons/2024/winter/"),
        ("episodes", "/series/metallic-rouge/episodes/"),
    ]:
        page.goto(url)
        assert_fits(page, 375)
        assert_accessible(page)
        screenshot(f"{label}-375")
    page.emulate_media(color_scheme="dark")
    page.goto("/series/?format=tv&season=winter&year=2024")
    screenshot("filtered-375-dark")
    # The current season is a link away from home.
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^What airs this season")).click()
    expect(page).to_have_url(re.compile(r"/seasons/\d{4}/(winter|spring|summer|fall)/$"))
