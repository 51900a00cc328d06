"""The strict Content-Security-Policy blocks nothing the site itself uses: a reader's
pages and an editor's series form, with its inlines and autocomplete, in Chromium."""

import pytest
from playwright.sync_api import expect

from entries.models import Series
from tests.factories import make_editor
from tests.helpers import admin_url

VIOLATIONS = """() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
        window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
}"""


@pytest.fixture
def violations(page):
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(f"({VIOLATIONS})()")

    def seen():
        return console + page.evaluate("window.__violations || []")

    return seen


def test_readers_pages_and_the_series_form_break_no_csp_rule(page, demo, violations):
    page.goto("/")
    page.get_by_role("link", name="Metallic Rouge", exact=True).first.click()
    page.locator("input[name=q]").first.fill("rou")
    page.wait_for_timeout(500)
    assert violations() == []

    make_editor(username="hana", password="a-long-editor-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("hana")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    series = Series.objects.get(slug="metallic-rouge")
    page.goto(admin_url(Series, "change", series.pk))
    expect(page.locator("#series_form")).to_be_visible()
    # An autocomplete of an inline row (the studios): select2 opens and searches.
    page.locator(".select2-selection").first.click()
    search = page.locator(".select2-search__field")
    search.fill("b")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    # "Add another" row of an inline, and a collapsed fieldset.
    page.get_by_role("link", name="Add another", exact=False).first.click()
    # No request of the form's scripts still running when the test's database goes.
    page.wait_for_load_state("networkidle")
    assert violations() == []
