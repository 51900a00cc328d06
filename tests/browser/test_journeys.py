"""A reader and an editor use Fandex in a real browser."""

import re

from playwright.sync_api import expect

from tests.factories import make_editor


def heading(page):
    return page.get_by_role("heading", level=1)


def test_reader_follows_cross_links(page, demo, screenshot):
    page.goto("/")
    page.get_by_role("link", name="Metallic Rouge", exact=True).first.click()
    expect(heading(page)).to_have_text("Metallic Rouge")
    screenshot("series")

    page.get_by_role("link", name="Bones", exact=True).first.click()
    expect(heading(page)).to_have_text("Bones")

    page.get_by_role("link", name="Yutaka Izubuchi", exact=True).first.click()
    expect(heading(page)).to_have_text("Yutaka Izubuchi")
    expect(page.get_by_text("Series composition").first).to_be_visible()

    page.get_by_role("link", name="mecha", exact=True).first.click()
    expect(heading(page)).to_contain_text("mecha")
    screenshot("tag")

    page.get_by_role("link", name="Metallic Rouge", exact=True).first.click()
    expect(heading(page)).to_have_text("Metallic Rouge")
    expect(page).to_have_url(re.compile(r"/series/metallic-rouge/$"))


def test_editor_adds_a_tag_that_readers_see(page, demo, screenshot):
    make_editor(username="hana", password="a-long-editor-password")

    page.goto("/admin/")
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Characters")).to_be_visible()

    page.get_by_role("link", name="Characters").click()
    page.get_by_role("link", name="Rouge Redstar", exact=True).click()
    tags = page.locator("input[name=tags]")
    current = tags.input_value()
    tags.fill(f"{current}, chocolate lover" if current else "chocolate lover")
    screenshot("admin-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/characters/rouge-redstar/")
    expect(heading(page)).to_have_text("Rouge Redstar")
    page.get_by_role("link", name="chocolate lover", exact=True).click()
    expect(heading(page)).to_contain_text("chocolate lover")
    expect(page.get_by_role("link", name="Rouge Redstar", exact=True)).to_be_visible()
    screenshot("tag-page")
