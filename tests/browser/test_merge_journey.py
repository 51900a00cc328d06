"""Two editors change the same series' body at once, in different places: the second
save, from a form opened before the first, is merged with it instead of refused
(``history.merge``); the editor is told so, the public page shows both additions
and the history both revisions. At 1280 px (light) and 375 px (dark, saved from
the keyboard), checked with axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from reversion.models import Revision

from entries.models import Series
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_editor
from tests.helpers import admin_url

PASSWORD = "a-long-editor-password"
SCREENS = [
    pytest.param({"width": 1280, "height": 900}, "light", id="1280-light"),
    pytest.param({"width": 375, "height": 800}, "dark", id="375-dark"),
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TOP = "Hana's new opening line, added at the top."
END = "Kenji's closing line, added at the end."


def log_in(browser, live_server, username, viewport, scheme):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, color_scheme=scheme)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Characters")).to_be_visible()
    return context, page


def shot(page, request, label):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{label}.png"), full_page=True)


@pytest.mark.parametrize(("viewport", "scheme"), SCREENS)
def test_a_concurrent_edit_elsewhere_in_the_body_is_merged(
    browser, live_server, demo, request, viewport, scheme
):
    make_editor(username="hana", password=PASSWORD)
    make_editor(username="kenji", password=PASSWORD)
    rouge = Series.objects.get(title="Metallic Rouge")
    original = rouge.body
    assert original.count("\n") > 5  # several lines: the two edits are far apart
    revisions = Revision.objects.count()
    change_url = admin_url(Series, "change", rouge.pk)

    hana_context, hana = log_in(browser, live_server, "hana", viewport, scheme)
    kenji_context, kenji = log_in(browser, live_server, "kenji", viewport, scheme)
    try:
        # Both open the form before either saves.
        hana.goto(change_url)
        kenji.goto(change_url)

        hana_body = hana.locator("textarea[name=body]")
        hana_body.fill(f"{TOP}\n\n{hana_body.input_value()}")
        # The live preview has caught up (and its request is done before the save).
        expect(hana.locator("#id_body_preview")).to_contain_text(TOP)
        # The summary box and Save button under the form (the same pair is on top too).
        hana.locator("#id_edit_summary").fill("A new opening line")
        hana.get_by_role("button", name="Save", exact=True).last.click()
        expect(hana.locator(".messagelist")).to_contain_text("was changed successfully")
        expect(hana.locator(".messagelist")).not_to_contain_text("Merged with")

        # Kenji's form is stale now: it has the body as it was before Hana's save.
        kenji_body = kenji.locator("textarea[name=body]")
        assert TOP not in kenji_body.input_value()
        kenji_body.fill(f"{kenji_body.input_value()}\n\n{END}")
        expect(kenji.locator("#id_body_preview")).to_contain_text(END)
        kenji.locator("#id_edit_summary").fill("A closing line")
        save = kenji.get_by_role("button", name="Save", exact=True).last
        if viewport["width"] < 600:
            # From the keyboard: focus on the button, Enter sends the form.
            save.focus()
            expect(save).to_be_focused()
            kenji.keyboard.press("Enter")
        else:
            save.click()

        messages = kenji.locator(".messagelist")
        expect(messages).to_contain_text("was changed successfully")
        expect(messages).to_contain_text(re.compile(r"Merged with hana’s edit of .+: Body\."))
        expect(kenji.get_by_text("Someone else saved this page")).to_have_count(0)
        assert kenji.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(kenji, request, "merged-message")
        results = Axe().run(kenji, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()

        # Readers see both additions, and the text in between is untouched.
        kenji.goto(rouge.get_absolute_url())
        prose = kenji.locator(".prose")
        expect(prose).to_contain_text(TOP)
        expect(prose).to_contain_text(END)
        expect(prose).to_contain_text("Humanity has settled Mars")
        shot(kenji, request, "public-page")

        # The history has both revisions, each by its editor with its summary.
        kenji.goto(f"{rouge.get_absolute_url()}history/")
        rows = kenji.locator("tr.history__row")
        expect(rows.nth(0)).to_contain_text("kenji")
        expect(rows.nth(0)).to_contain_text("A closing line")
        expect(rows.nth(1)).to_contain_text("hana")
        expect(rows.nth(1)).to_contain_text("A new opening line")
        shot(kenji, request, "history")
    finally:
        hana_context.close()
        kenji_context.close()

    rouge.refresh_from_db()
    body = rouge.body.replace("\r\n", "\n")
    assert body.startswith(TOP)
    assert body.endswith(END)
    assert original.strip() in body
    assert Revision.objects.count() == revisions + 2
