"""Per-episode credits in a real browser: the demo's episode 1 lists its characters
(Naomi behind her episode-1 mark until the reader's progress reaches it) and its
staff, one row a person; the character page leads back to the episode; an editor
adds a credit through the episode form's inlines, which fit a 1280 px screen.
At 375 and 1280 px, light and dark, checked with axe-core (WCAG 2.1 AA)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from entries.models import EpisodeCredit, Series, Staff
from tests.factories import episode_credit, make_editor, make_staff
from tests.helpers import admin_url

from .conftest import ARTIFACTS

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE, WIDE = 375, 1280
PASSWORD = "a-long-editor-password"
EPISODE = "/series/metallic-rouge/episodes/1/"


def assert_accessible(page, *selectors):
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        context = {"include": [[s] for s in selectors]} if selectors else None
        results = Axe().run(page, context=context, options=WCAG_AA)
        assert results.violations_count == 0, f"{scheme}: {results.generate_report()}"
    page.emulate_media(color_scheme="light")


@pytest.fixture
def credited(demo):
    """The demo, and a person made for this test with two roles on episode 1 (the demo
    itself states no episode staff)."""
    episode = Series.objects.get(slug="metallic-rouge").episodes.get(number=1)
    person = make_staff(title="Test Animator")
    episode_credit(episode, person, EpisodeCredit.Role.STORYBOARD)
    episode_credit(episode, person, EpisodeCredit.Role.EPISODE_DIRECTOR, note="made for this test")
    return episode


@pytest.mark.parametrize("width", [PHONE, WIDE])
def test_a_reader_sees_who_is_in_episode_one_and_who_made_it(page, credited, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(EPISODE)
    characters = page.locator("#characters")
    expect(characters.get_by_role("heading", name="Characters in this episode")).to_be_visible()
    expect(characters.get_by_role("link", name="Rouge Redstar")).to_be_visible()
    expect(characters.get_by_role("link", name="Sarah Fitzgerald")).to_be_visible()
    # Naomi's part is what episode 1 reveals: closed until the reader has watched it.
    expect(characters.get_by_role("link", name="Naomi Orthmann")).to_be_hidden()
    expect(characters.get_by_text("Revealed in episode 1: show")).to_be_visible()
    staff = page.locator("#staff")
    expect(staff.locator(".credits__row")).to_have_count(1)
    expect(staff).to_contain_text("Episode director, Storyboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(f"episode-{width}-{scheme}")
    page.emulate_media(color_scheme="light")
    assert_accessible(page)

    page.get_by_label("How far have you watched Metallic Rouge?").select_option("1")
    expect(characters.get_by_role("link", name="Naomi Orthmann")).to_be_visible()
    screenshot(f"episode-{width}-watched")

    characters.get_by_role("link", name="Rouge Redstar").click()
    episodes = page.locator("#episodes")
    expect(episodes.get_by_role("heading", name="Metallic Rouge (2024)")).to_be_visible()
    screenshot(f"character-{width}")
    episodes.get_by_role("link", name="1. Crimson Is the Sound of Dawn").click()
    expect(page).to_have_url(f"{page.url.split('/series/')[0]}{EPISODE}")

    page.goto(f"/staff/{Staff.objects.get(title='Test Animator').slug}/")
    expect(page.locator("#episode-credits")).to_contain_text("Crimson Is the Sound of Dawn")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"staff-{width}")
    assert_accessible(page, "#episode-credits")


def test_an_editor_credits_a_person_on_the_episode_form_at_1280(
    browser, live_server, credited, request
):
    make_editor(username="hana", password=PASSWORD)
    writer = make_staff(title="Test Writer")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/admin/login/")
        page.get_by_label("Username").fill("hana")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(admin_url(type(credited), "change", credited.pk))
        expect(page.get_by_role("heading", name="Characters in this episode")).to_be_visible()
        # The inlines' columns fit beside the admin's menu: the page does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        group = page.locator("#staff_credits-group")
        group.locator(".add-row a").click()
        row = group.locator("tr.dynamic-staff_credits").last
        row.locator(".select2-selection").click()
        page.locator(".select2-search__field").fill("Test Writer")
        page.locator(".select2-results__option", has_text="Test Writer").click()
        row.locator("select[name$='-role']").select_option("script")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-form.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("button", name="Save and continue editing").first.click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    finally:
        context.close()

    assert list(credited.staff_credits.filter(staff=writer).values_list("role", flat=True)) == [
        "script"
    ]
