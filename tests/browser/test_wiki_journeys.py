"""Two editors edit one page at once; the history keeps both and a revert undoes one."""

import re

from playwright.sync_api import expect

from entries.models import Character
from tests.factories import make_editor

PASSWORD = "a-long-editor-password"


def log_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Characters")).to_be_visible()
    return context, page


def test_conflicting_edits_are_caught_and_a_revert_restores_the_old_text(
    browser, live_server, demo, request
):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    make_editor(username="hana", password=PASSWORD)
    make_editor(username="kenji", password=PASSWORD)
    rouge = Character.objects.get(title="Rouge Redstar")
    original_summary = rouge.summary
    change_url = f"/admin/entries/character/{rouge.pk}/change/"

    hana_context, hana = log_in(browser, live_server, "hana")
    kenji_context, kenji = log_in(browser, live_server, "kenji")
    try:
        # Both open the same page before either saves.
        hana.goto(change_url)
        kenji.goto(change_url)

        hana.locator("textarea[name=summary]").fill("Rouge Redstar, rewritten by Hana.")
        hana.locator("input[name=edit_summary]").fill("Hana's rewrite")
        hana.get_by_role("button", name="Save", exact=True).click()
        expect(hana.locator(".messagelist")).to_contain_text("was changed successfully")

        kenji.locator("textarea[name=summary]").fill("Rouge Redstar, rewritten by Kenji.")
        kenji.get_by_role("button", name="Save", exact=True).click()
        expect(kenji.get_by_text("Someone else saved this page").first).to_be_visible()
        # Kenji's own words are still in the form, beside Hana's between conflict
        # markers (a three-way merge: both changed the same line), and Hana's edit
        # was kept.
        summary = kenji.locator("textarea[name=summary]")
        expect(summary).to_have_value(re.compile(r"rewritten by Kenji\.(.|\n)*rewritten by Hana\."))
        expect(summary).to_have_value(re.compile("^<<<<<<< your version"))
        kenji.screenshot(path=str(ARTIFACTS / f"{request.node.name}-conflict.png"), full_page=True)
        rouge.refresh_from_db()
        assert rouge.summary == "Rouge Redstar, rewritten by Hana."

        # The public history shows Hana's edit.
        hana.goto("/characters/rouge-redstar/history/")
        expect(hana.get_by_text("Hana's rewrite").first).to_be_visible()
        hana.screenshot(path=str(ARTIFACTS / f"{request.node.name}-history.png"), full_page=True)

        # Revert to the revision before Hana's through the admin history.
        hana.goto(f"/admin/entries/character/{rouge.pk}/history/")
        hana.locator("#change-history tbody th a").last.click()
        hana.get_by_role("button", name="Save", exact=True).click()
        expect(hana.locator(".messagelist")).to_be_visible()

        hana.goto("/characters/rouge-redstar/")
        expect(hana.get_by_text(original_summary[:60]).first).to_be_visible()
        expect(hana.get_by_text("rewritten by Hana")).to_have_count(0)
    finally:
        hana_context.close()
        kenji_context.close()
