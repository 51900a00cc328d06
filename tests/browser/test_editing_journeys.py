"""An editor previews a body (live, and with the Preview button without JavaScript)
and picks a tag from the suggestions, at 1280 and 375 px, light and dark, checked
with axe-core; nothing is saved by a preview."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from reversion.models import Revision

from entries.models import Character, Studio, Tag
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_editor
from tests.helpers import admin_url

PASSWORD = "a-long-editor-password"
SCREENS = [
    pytest.param({"width": 1280, "height": 900}, "light", id="1280-light"),
    pytest.param({"width": 375, "height": 800}, "dark", id="375-dark"),
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BODY = (
    "**Rouge Redstar** is the heroine of [[Metallic Rouge]]; she hunts "
    "[[Nobody Yet|someone]].\n\n- one\n- two"
)


def open_page(browser, live_server, viewport, scheme, *, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        color_scheme=scheme,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Characters")).to_be_visible()
    return context, page


def shot(page, request, label):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{label}.png"), full_page=True)


def assert_accessible(page, *selectors):
    """No WCAG 2.1 A/AA violation from axe-core in the parts this journey is about
    (Django's own admin around them is Django's)."""
    results = Axe().run(page, context={"include": [[s] for s in selectors]}, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def hana(demo):
    make_editor(username="hana", password=PASSWORD)


@pytest.mark.parametrize(("viewport", "scheme"), SCREENS)
def test_editor_previews_the_body_as_they_type(
    browser, live_server, hana, request, viewport, scheme
):
    rouge = Character.objects.get(title="Rouge Redstar")
    revisions = Revision.objects.count()
    context, page = open_page(browser, live_server, viewport, scheme)
    try:
        page.goto(admin_url(Character, "change", rouge.pk))
        body = page.locator("textarea[name=body]")
        body.fill(BODY)
        preview = page.locator("#id_body_preview")
        blue = preview.locator("a.wikilink:not(.new)", has_text="Metallic Rouge")
        red = preview.locator("a.wikilink.new", has_text="someone")
        expect(blue).to_be_visible()
        expect(red).to_be_visible()
        expect(preview.locator("strong")).to_have_text("Rouge Redstar")
        expect(preview.locator("li")).to_have_count(2)
        assert red.evaluate("a => getComputedStyle(a).color") != blue.evaluate(
            "a => getComputedStyle(a).color"
        )
        # The syntax help opens from the keyboard.
        page.locator(".syntax-help summary").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".syntax-help")).to_have_attribute("open", "")
        expect(page.locator(".syntax-help")).to_contain_text("[[studio:Bones]]")
        page.locator(".syntax-help summary").scroll_into_view_if_needed()
        shot(page, request, "live-preview")
        assert_accessible(page, ".body-editor", ".syntax-help", ".edit-summary", ".submit-row")
        # Typing on updates it.
        body.fill("Now *only* this.")
        expect(preview.locator("em")).to_have_text("only")
        expect(red).to_have_count(0)
        # The Preview button works with the script too: the server's rendering.
        body.fill(BODY)
        page.get_by_role("button", name="Preview", exact=True).click()
        expect(page.locator("textarea[name=body]")).to_have_value(BODY)
        expect(preview.locator("a.wikilink.new", has_text="someone")).to_be_visible()
        assert_accessible(page, ".body-editor", ".syntax-help", ".edit-summary", ".submit-row")
    finally:
        context.close()
    rouge.refresh_from_db()
    assert "Nobody Yet" not in rouge.body
    assert Revision.objects.count() == revisions


@pytest.mark.parametrize(("viewport", "scheme"), SCREENS)
def test_without_javascript_the_preview_button_shows_the_rendered_body(
    browser, live_server, hana, request, viewport, scheme
):
    rouge = Character.objects.get(title="Rouge Redstar")
    revisions = Revision.objects.count()
    context, page = open_page(browser, live_server, viewport, scheme, javascript=False)
    try:
        page.goto(admin_url(Character, "change", rouge.pk))
        page.locator("textarea[name=body]").fill(BODY)
        page.locator("input[name=edit_summary]").fill("Trying it out")
        expect(page.locator("#id_body_preview")).to_contain_text("Press “Preview”")
        page.get_by_role("button", name="Preview", exact=True).click()

        preview = page.locator("#id_body_preview")
        expect(preview.locator("a.wikilink.new", has_text="someone")).to_be_visible()
        expect(preview.locator("a.wikilink:not(.new)", has_text="Metallic Rouge")).to_be_visible()
        # What was typed is all still there, and the page moved to the preview.
        expect(page.locator("textarea[name=body]")).to_have_value(BODY)
        expect(page.locator("input[name=edit_summary]")).to_have_value("Trying it out")
        assert page.url.endswith("#id_body_preview")
        shot(page, request, "preview-button")
        # (axe-core needs JavaScript: the journey above checks this form with it.)
        rouge.refresh_from_db()
        assert "Nobody Yet" not in rouge.body
        assert Revision.objects.count() == revisions
        # Saving from there saves what was previewed.
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    finally:
        context.close()
    rouge.refresh_from_db()
    assert rouge.body == BODY.replace("\n", "\r\n") or rouge.body == BODY
    assert Revision.objects.order_by("pk").last().comment == "Trying it out"


@pytest.mark.parametrize(("viewport", "scheme"), SCREENS)
def test_editor_picks_a_tag_from_the_suggestions(
    browser, live_server, hana, request, viewport, scheme
):
    bones = Studio.objects.get(title="Bones")
    tags_before = Tag.objects.count()
    context, page = open_page(browser, live_server, viewport, scheme)
    try:
        page.goto(admin_url(Studio, "change", bones.pk))
        tags = page.locator("input[name=tags]")
        current = tags.input_value()
        tags.click()
        tags.press("End")
        tags.press_sequentially(", SCIEN" if current else "SCIEN", delay=30)
        option = page.get_by_role("option", name="science fiction")
        expect(option).to_be_visible()
        expect(tags).to_have_attribute("aria-expanded", "true")
        shot(page, request, "suggestions")
        assert_accessible(page, ".tag-editor")
        tags.press("ArrowDown")
        expect(option).to_have_attribute("aria-selected", "true")
        tags.press("Enter")  # picks the suggestion, does not submit the form
        expect(tags).to_have_value(re.compile(r"science fiction, $"))
        # A name no tag has yet is marked as new.
        tags.press_sequentially("studio history", delay=30)
        chips = page.locator(".tag-chips")
        expect(chips.locator("li.tag-chips__new")).to_have_text("studio history (new tag)")
        expect(chips.locator("li", has_text="science fiction")).not_to_have_class(re.compile("new"))
        shot(page, request, "new-tag")
        assert_accessible(page, ".tag-editor")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    finally:
        context.close()
    names = set(bones.tags.names())
    assert {"science fiction", "studio history"} <= names
    # The existing tag was reused: one tag more, the new one.
    assert Tag.objects.count() == tags_before + 1
