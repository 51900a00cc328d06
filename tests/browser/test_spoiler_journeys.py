"""A reader keeps spoilers hidden until they have watched far enough (entries.spoilers,
static/js/spoilers.js): no progress hides every mark; progress per series, kept
across reloads; keyboard only; on a phone in dark mode."""

import pytest
from playwright.sync_api import expect

from entries.models import Character, Series

LATER = "A reveal of episode 5, made for this test."
ELSEWHERE = "A reveal of Cowboy Bebop's first episode, made for this test."


@pytest.fixture
def marked(demo):
    """The demo (its marks are revealed in episode 1) and a later reveal on the series
    and character pages, and one in another series."""
    for entry in (
        Series.objects.get(title="Metallic Rouge"),
        Character.objects.get(title="Rouge Redstar"),
    ):
        entry.body += f"\n\n:::spoiler 5\n{LATER}\n:::\n"
        entry.save()
    bebop = Series.objects.get(title="Cowboy Bebop")
    bebop.body += f"\n\n:::spoiler 1\n{ELSEWHERE}\n:::\n"
    bebop.save()


def passage(page, text):
    return page.locator("details.spoiler", has_text=text).first


def check_accessibility(page):
    """axe-core's WCAG 2.1 A/AA rules on the spoiler control and the marks, when the
    package that ships axe-core is installed."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe.Axe().run(
        page,
        context={"include": [[".spoiler-progress"], ["details.spoiler"]]},
        options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa"]},
    )
    assert results.violations_count == 0, results.generate_report()


def test_no_progress_hides_every_mark_and_one_opens_with_a_click(page, marked, screenshot):
    page.goto("/series/metallic-rouge/")
    cover = "is a cover for that mission"
    expect(page.get_by_text(cover)).to_be_hidden()
    expect(page.get_by_text(LATER)).to_be_hidden()
    expect(page.locator("[data-spoiler-status]")).to_contain_text("spoilers are hidden")
    expect(page.get_by_label("How far have you watched Metallic Rouge?")).to_have_value("0")
    screenshot("hidden")

    passage(page, cover).get_by_text("Revealed in episode 1: show").click()
    expect(page.get_by_text(cover)).to_be_visible()
    expect(page.get_by_text(LATER)).to_be_hidden()
    screenshot("one-shown")


def test_progress_shows_what_episode_one_reveals_per_series_and_survives_a_reload(
    page, marked, screenshot
):
    page.goto("/series/metallic-rouge/")
    page.get_by_label("How far have you watched Metallic Rouge?").select_option("1")
    expect(page.get_by_text("is a cover for that mission")).to_be_visible()
    # No closed episode-1 mark is left on the page.
    closed = page.locator("details.spoiler:not(.spoiler--within):not([open])")
    expect(closed.filter(has_text="Revealed in episode 1")).to_have_count(0)
    expect(page.get_by_text(LATER)).to_be_hidden()
    expect(passage(page, LATER).get_by_text("Revealed in episode 5: show")).to_be_visible()
    screenshot("series-episode-1")

    page.goto("/characters/rouge-redstar/")
    expect(page.get_by_label("How far have you watched Metallic Rouge?")).to_have_value("1")
    expect(page.get_by_text("the job is how she gets close to her target")).to_be_visible()
    expect(page.get_by_role("link", name="undercover", exact=True)).to_be_visible()
    # A reached tag reads as any other tag: no "hide" control beside it.
    tag = page.locator("details.spoiler", has=page.get_by_role("link", name="undercover"))
    expect(tag.locator("summary")).to_be_hidden()
    expect(page.get_by_text(LATER)).to_be_hidden()
    screenshot("character-episode-1")

    page.reload()
    expect(page.get_by_text("the job is how she gets close to her target")).to_be_visible()
    expect(page.get_by_text(LATER)).to_be_hidden()

    # Another series keeps its own progress: nothing yet.
    page.goto("/series/cowboy-bebop/")
    expect(page.get_by_label("How far have you watched Cowboy Bebop?")).to_have_value("0")
    expect(page.get_by_text(ELSEWHERE)).to_be_hidden()

    page.goto("/series/metallic-rouge/")
    page.get_by_label("How far have you watched Metallic Rouge?").select_option("all")
    expect(page.get_by_text(LATER)).to_be_visible()
    page.get_by_label("How far have you watched Metallic Rouge?").select_option("0")
    expect(page.get_by_text("is a cover for that mission")).to_be_hidden()
    expect(page.get_by_text(LATER)).to_be_hidden()


def test_keyboard_only_on_a_phone_in_dark_mode(page, marked, screenshot):
    page.set_viewport_size({"width": 375, "height": 812})
    page.emulate_media(color_scheme="dark")
    page.goto("/characters/rouge-redstar/")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("select[data-spoiler-select]")
    page.keyboard.press("ArrowDown")  # "Up to episode 1"
    expect(page.get_by_text("the job is how she gets close to her target")).to_be_visible()
    screenshot("375-dark-episode-1")

    # The episode-5 passage's own control, reached and opened from the keyboard.
    tab_to("details.spoiler:not(.spoiler--within) > summary")
    expect(page.locator(":focus")).to_have_accessible_name("Revealed in episode 5: show")
    page.keyboard.press("Enter")
    expect(page.get_by_text(LATER)).to_be_visible()
    expect(page.locator("[data-spoiler-status]")).to_be_hidden()  # nothing hidden now
    screenshot("375-dark-opened")
    check_accessibility(page)


def test_show_all_spoilers_is_one_switch_for_the_whole_site(page, marked, screenshot):
    page.goto("/series/cowboy-bebop/")
    page.get_by_label("Show all spoilers on Fandex").check()
    expect(page.get_by_text(ELSEWHERE)).to_be_visible()
    page.goto("/characters/rouge-redstar/")
    expect(page.get_by_text(LATER)).to_be_visible()
    expect(page.get_by_label("Show all spoilers on Fandex")).to_be_checked()
    screenshot("show-all")
    check_accessibility(page)


def test_without_javascript_marks_are_closed_details_a_click_opens(browser, live_server, marked):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/series/metallic-rouge/")
    expect(page.locator("[data-spoiler-progress]")).to_be_hidden()
    expect(page.get_by_text("is a cover for that mission")).to_be_hidden()
    passage(page, "is a cover for that mission").locator("summary").click()
    expect(page.get_by_text("is a cover for that mission")).to_be_visible()
    context.close()
