"""A reader finds pages with the header's search box, with its suggestions and without."""

import re

from playwright.sync_api import expect


def heading(page):
    return page.get_by_role("heading", level=1)


def test_reader_finds_pages_with_the_search_box(page, demo, screenshot):
    page.goto("/")
    box = page.locator("#site-search")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")

    # Suggestions appear under the box as the reader types.
    box.press_sequentially("rouge", delay=30)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    redstar = listbox.get_by_role("option", name=re.compile(r"^Rouge Redstar"))
    expect(redstar).to_be_visible()
    expect(redstar).to_contain_text("character")

    # The keyboard moves through them until Rouge Redstar is the active one.
    for _ in range(listbox.get_by_role("option").count()):
        box.press("ArrowDown")
        if redstar.get_attribute("aria-selected") == "true":
            break
    expect(redstar).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", redstar.get_attribute("id"))
    screenshot("suggestions")

    # Escape closes the list and keeps the text; typing again reopens it.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("rouge")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    while redstar.get_attribute("aria-selected") != "true":
        box.press("ArrowDown")

    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/characters/rouge-redstar/$"))
    expect(heading(page)).to_have_text("Rouge Redstar")

    # A click on a suggestion works too.
    box = page.locator("#site-search")
    box.press_sequentially("redst", delay=30)
    page.get_by_role("option", name=re.compile(r"^Rouge Redstar")).click()
    expect(page).to_have_url(re.compile(r"/characters/rouge-redstar/$"))

    # Enter with no suggestion chosen submits the form to the results page.
    box = page.locator("#site-search")
    box.fill("メタリック")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=%E3%83%A1"))
    expect(heading(page)).to_have_text("Search results")
    result = page.locator(".search-result").filter(has_text="Metallic Rouge").first
    expect(result.get_by_role("link", name="Metallic Rouge", exact=True)).to_be_visible()
    expect(result.locator(".kind")).to_have_text("Series")
    screenshot("results")

    page.set_viewport_size({"width": 375, "height": 740})
    screenshot("results-375")
    result.get_by_role("link", name="Metallic Rouge", exact=True).click()
    expect(heading(page)).to_have_text("Metallic Rouge")
    expect(page).to_have_url(re.compile(r"/series/metallic-rouge/$"))


def test_suggestions_on_a_phone_in_dark_mode(page, demo, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    box = page.locator("#site-search")
    box.press_sequentially("rouge", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    # The list fits on the screen.
    bounds = listbox.bounding_box()
    assert bounds["x"] >= 0
    assert bounds["x"] + bounds["width"] <= 375
    screenshot("suggestions-375")

    box.fill("android")
    box.press("Enter")  # no suggestion chosen: the results page
    expect(heading(page)).to_have_text("Search results")
    screenshot("results-375")


def test_an_exact_title_goes_straight_to_the_page(page, demo):
    page.goto("/")
    box = page.locator("#site-search")
    box.fill("Metallic Rouge")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/series/metallic-rouge/$"))
    expect(heading(page)).to_have_text("Metallic Rouge")


def test_the_search_box_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        box = page.locator("#site-search")
        expect(box).not_to_have_attribute("role", "combobox")
        box.fill("メタリック")
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"/search/\?q="))
        expect(page.get_by_role("link", name="Metallic Rouge", exact=True).first).to_be_visible()
    finally:
        context.close()
