"""Details readers notice: a name said once, one row per studio member, times with
their zone (and the zone from the environment), the phone layout's order, and
styled 403 pages."""

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from entries.models import Change, Series, Studio, StudioMember
from entries.services import note, recorded
from tests import factories as f
from wiki.settings import env_time_zone

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]


def classes(content: str, css_class: str) -> list[str]:
    """The texts of the elements with ``css_class``."""
    pattern = rf'<[a-z0-9]+ class="{css_class}"[^>]*>(.*?)</'
    return [text.strip() for text in re.findall(pattern, content, flags=re.S)]


# --- A name said once -----------------------------------------------------------------------


def test_a_native_title_equal_to_the_title_is_shown_once(client):
    studio = f.make_studio(title="ボンズ", native_title="ボンズ", summary="A studio.")
    other = f.make_studio(title="Bones", native_title="ボンズ")
    page = client.get(studio.get_absolute_url()).content.decode()
    assert classes(page, "entry__native") == []
    assert "Native title" not in page
    header = page[page.index('<header class="entry__header">') :]
    header = header[: header.index("</header>")]
    assert header.count("ボンズ") == 1
    # A different native title still shows, in the header and the infobox.
    other_page = client.get(other.get_absolute_url()).content.decode()
    assert classes(other_page, "entry__native") == ["ボンズ"]
    assert "<dt>Native title</dt><dd>ボンズ</dd>" in other_page

    cards = client.get(reverse("entries:studio-list")).content.decode()
    assert classes(cards, "card__native") == ["ボンズ"]  # Bones' card only


def test_the_same_name_in_another_letter_case_or_spacing_counts_as_the_same():
    entry = f.make_series(title="Space Dandy", native_title="SPACE  dandy")
    assert entry.shown_native_title == ""
    assert f.make_series(title="Space Dandy", native_title="スペース☆ダンディ").shown_native_title


def test_also_known_as_never_repeats_the_title_or_the_native_title(client):
    series = f.make_series(title="Metallic Rouge", native_title="メタリックルージュ")
    for name, language in [
        ("メタリックルージュ", "ja"),
        ("metallic rouge", "en"),
        ("Metaruji", "ja"),
        ("METARUJI", "en"),
        ("Rouge de métal", "fr"),
    ]:
        f.alias(series, name, language)
    page = client.get(series.get_absolute_url()).content.decode()
    also = page[page.index("<dt>Also known as</dt>") :]
    also = also[: also.index("</dd>")]
    names = re.findall(r"<li>(.*?) <span", also)
    # One spelling of each other name (the first alias with it), and only those.
    assert sorted(name.casefold() for name in names) == ["metaruji", "rouge de métal"]


def test_a_page_whose_aliases_are_its_names_has_no_also_known_as(client):
    series = f.make_series(title="Mob Psycho 100", native_title="モブサイコ100")
    f.alias(series, "モブサイコ100", "ja")
    assert "Also known as" not in client.get(series.get_absolute_url()).content.decode()


def test_the_demo_studio_page_names_works_once_and_each_person_once(client):
    call_command("loaddemo", stdout=io.StringIO())
    bones = Studio.objects.get(title="Bones")
    page = client.get(bones.get_absolute_url()).content.decode()
    assert re.findall(r"<h2[^>]*>Works</h2>", page) == ['<h2 id="works-heading">Works</h2>']
    people = page[page.index('id="people-heading"') :]
    people = people[: people.index("</section>")]
    rows = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="role">([^<]+)</span>', people
    )
    assert rows == [
        ("/staff/hiroshi-osaka/", "Hiroshi Ōsaka", "Founder"),
        ("/staff/masahiko-minami/", "Masahiko Minami", "Founder, President"),
        ("/staff/toshihiro-kawamoto/", "Toshihiro Kawamoto", "Founder"),
    ]


def test_studio_people_each_once_with_every_position_in_fixed_queries(
    client, django_assert_num_queries
):
    studio = f.make_studio(title="Big Studio")
    for i in range(8):
        person = f.make_staff(title=f"Person {i}")
        f.member(studio, person, StudioMember.Position.STAFF)
        if i % 2:
            f.member(studio, person, StudioMember.Position.FOUNDER)
            f.member(studio, person, StudioMember.Position.PRESIDENT)
    client.get(studio.get_absolute_url())
    # As before the people were merged (tests/views/test_query_counts.py).
    with django_assert_num_queries(10):
        response = client.get(studio.get_absolute_url())
    people = response.context["people"]
    assert len(people) == 8
    # Founders first (the first position), then by name; positions in their order.
    assert [row.item.title for row in people][:4] == [f"Person {i}" for i in (1, 3, 5, 7)]
    assert people[0].roles == ["Founder", "President", "Staff member"]
    assert people[-1].roles == ["Staff member"]
    assert len(response.context["founders"]) == 4


# --- Phones: the lead before the infobox -----------------------------------------------------


def test_phones_put_the_lead_before_the_infobox_by_css_order_alone(client):
    series = f.make_series(title="Cowboy Bebop", summary="Bounty hunters in space.")
    page = client.get(series.get_absolute_url()).content.decode()
    # Written once, the infobox first (beside the text on wide screens).
    assert page.count("Bounty hunters in space.</p>") == 1
    assert page.index('class="infobox"') < page.index('<p class="lead">')
    css = Path(finders.find("css/site.css")).read_text()
    phone = css[css.index("@media (width < 56rem)") :]
    phone = phone[: phone.index("\n}\n")]
    assert re.search(r"\.entry__main \{\s*display: contents;", phone)
    assert re.search(r"\.entry__main > \.lead \{\s*order: 0;", phone)
    assert re.search(r"\.entry__layout > \.infobox \{\s*order: 1;", phone)


# --- Times with their zone --------------------------------------------------------------------


@pytest.fixture
def edited(editor):
    series = f.make_series(title="Cowboy Bebop")
    with recorded(user=editor, summary="Fixed the dates"):
        series.save()
        note(series, Change.Action.CHANGE)
    change = Change.objects.get(entry=series)
    Revision.objects.filter(pk=change.revision_id).update(
        date_created=dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC)
    )
    return series, change


def test_times_on_public_pages_say_their_zone(client, edited):
    series, change = edited
    recent = client.get(reverse("entries:recent-changes")).content.decode()
    assert ">23:30 UTC</time>" in recent
    history = client.get(series.get_history_url()).content.decode()
    assert "4 Mar 2026, 23:30 UTC</time>" in history
    diff = client.get(series.get_revision_url(change.revision_id)).content.decode()
    assert "4 March 2026, 23:30 UTC</time></h1>" in diff


@override_settings(TIME_ZONE="Asia/Tokyo")
def test_times_follow_the_time_zone_setting(client, edited):
    series, _ = edited
    timezone.deactivate()
    recent = client.get(reverse("entries:recent-changes")).content.decode()
    # 23:30 UTC is 08:30 the next morning in Tokyo, and the day follows.
    assert ">08:30 JST</time>" in recent
    assert "Thursday 5 March 2026" in recent
    history = client.get(series.get_history_url()).content.decode()
    assert "5 Mar 2026, 08:30 JST</time>" in history


@pytest.mark.parametrize(
    ("environ", "zone"),
    [
        ({}, "UTC"),
        ({"DJANGO_TIME_ZONE": "Europe/Paris"}, "Europe/Paris"),
        ({"TIME_ZONE": "Asia/Tokyo"}, "Asia/Tokyo"),
        ({"DJANGO_TIME_ZONE": "America/New_York", "TIME_ZONE": "Asia/Tokyo"}, "America/New_York"),
        ({"DJANGO_TIME_ZONE": "  "}, "UTC"),
    ],
)
def test_the_time_zone_comes_from_the_environment(monkeypatch, environ, zone):
    monkeypatch.delenv("DJANGO_TIME_ZONE", raising=False)
    monkeypatch.delenv("TIME_ZONE", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert env_time_zone() == zone


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "../../etc/passwd", "utc+9"])
def test_a_bad_time_zone_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("DJANGO_TIME_ZONE", value)
    with pytest.raises(ImproperlyConfigured, match=rf"DJANGO_TIME_ZONE='{re.escape(value)}'"):
        env_time_zone()


def test_a_bad_time_zone_stops_the_start():
    environ = {
        name: value
        for name, value in __import__("os").environ.items()
        if name not in {"DJANGO_TIME_ZONE", "TIME_ZONE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**environ, "TIME_ZONE": "Mars/Olympus_Mons"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "TIME_ZONE='Mars/Olympus_Mons': not a time zone; give an IANA name such as UTC, "
            "Europe/Paris or Asia/Tokyo."
        )
    )


# --- 403 pages ----------------------------------------------------------------------------------


def assert_site_page(content: str):
    """The site's own frame: its stylesheet, header and footer, no canonical link."""
    assert "css/site.css" in content
    assert 'href="/about/data/"' in content
    assert 'rel="canonical"' not in content


def test_the_403_page_is_the_sites_own(client, editor):
    # An editor without the right to delete pages asks for the delete page.
    series = f.make_series(title="Cowboy Bebop")
    client.force_login(editor)
    response = client.get(reverse("admin:entries_series_delete", args=[series.pk]))
    assert response.status_code == 403
    content = response.content.decode()
    assert_site_page(content)
    assert "<h1>You may not do this here</h1>" in content
    assert f'href="{reverse("admin:login")}"' in content


def test_a_form_without_its_csrf_token_gets_the_styled_403(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("admin:entries_series_add"), {"title": "Sneaky"})
    assert response.status_code == 403
    content = response.content.decode()
    assert_site_page(content)
    assert "<h1>Your form was not sent</h1>" in content
    assert "Nothing was changed" in content
    assert not Series.objects.filter(title="Sneaky").exists()
