"""The entry model's rules: named database constraints, slugs, rendered bodies, URLs."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse

from entries import markup
from entries.models import (
    Alias,
    Character,
    Entry,
    Episode,
    Series,
    SeriesRelation,
    Staff,
    StaffCredit,
    Studio,
)
from entries.slugs import SLUG_MAX_LENGTH
from tests import factories

pytestmark = pytest.mark.django_db


def unsaved(model, **fields):
    """An unsaved entry as ``save()`` would complete it (kind and slug), for full_clean()."""
    entry = model(**fields)
    entry.kind = model.KIND
    entry.slug = entry.slug or entry.make_slug()
    return entry


# --- Constraints hold in the database ------------------------------------------------------


def test_slug_is_unique_per_kind():
    factories.make_series(title="Bones", slug="bones")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_series(title="Bones (another)", slug="bones")


def test_the_same_slug_is_allowed_in_two_kinds():
    series = factories.make_series(title="Bones", slug="bones")
    studio = factories.make_studio(title="Bones", slug="bones")
    assert (series.slug, studio.slug) == ("bones", "bones")
    assert series.get_absolute_url() != studio.get_absolute_url()


def test_episode_number_is_unique_per_series():
    series = factories.make_series()
    factories.make_episode(series=series, number=1)
    factories.make_episode(series=factories.make_series(), number=1)  # another series: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_episode(series=series, number=1)


def test_a_series_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_series(
            start_date=datetime.date(2024, 4, 3), end_date=datetime.date(2024, 1, 10)
        )
    # A one-day series is fine.
    factories.make_series(
        start_date=datetime.date(2024, 1, 10), end_date=datetime.date(2024, 1, 10)
    )


def test_a_slug_cannot_be_emptied_behind_the_models_back():
    series = factories.make_series()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=series.pk).update(slug="")
    series.refresh_from_db()
    assert series.slug


def test_a_series_cannot_be_related_to_itself():
    series = factories.make_series()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.relate(series, series)
    factories.relate(series, factories.make_series())  # another series: fine


def test_an_alias_is_unique_per_entry():
    series = factories.make_series()
    factories.alias(series, "Rouge")
    factories.alias(factories.make_character(), "Rouge")  # another entry: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.alias(series, "Rouge")


def test_a_staff_role_is_unique_per_series():
    series, person = factories.make_series(), factories.make_staff()
    factories.credit(series, person, StaffCredit.Role.SERIES_COMPOSITION)
    factories.credit(series, person, StaffCredit.Role.SUPERVISING_DIRECTOR)  # another role: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.credit(series, person, StaffCredit.Role.SERIES_COMPOSITION)


def test_a_myanimelist_id_belongs_to_one_series():
    factories.make_series(mal_id=54794)
    factories.make_series(), factories.make_series()  # no id at all: any number of them
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_series(mal_id=54794)


# --- ... and full_clean() reports them before the database has to --------------------------


def test_full_clean_reports_a_duplicate_slug_in_the_same_kind():
    factories.make_series(title="Bones", slug="bones")
    with pytest.raises(ValidationError, match="already exists"):
        unsaved(Series, title="Bones again", slug="bones").full_clean()
    unsaved(Studio, title="Bones", slug="bones").full_clean()  # another kind: fine


def test_full_clean_reports_a_duplicate_episode_number():
    series = factories.make_series()
    factories.make_episode(series=series, number=1)
    with pytest.raises(ValidationError, match="already exists"):
        unsaved(Episode, series=series, number=1, title="Again").full_clean()


def test_full_clean_reports_an_end_date_before_the_start_date():
    series = unsaved(
        Series,
        title="Backwards",
        start_date=datetime.date(2024, 4, 3),
        end_date=datetime.date(2024, 1, 10),
    )
    with pytest.raises(ValidationError):
        series.full_clean()


def test_full_clean_reports_a_series_related_to_itself():
    series = factories.make_series()
    relation = SeriesRelation(source=series, target=series, type=SeriesRelation.Type.SEQUEL)
    with pytest.raises(ValidationError, match="series_relation_not_to_itself"):
        relation.full_clean()


def test_full_clean_reports_a_duplicate_alias():
    series = factories.make_series()
    factories.alias(series, "Rouge")
    with pytest.raises(ValidationError, match="already exists"):
        Alias(entry=series, name="Rouge", language="en").full_clean()


def test_full_clean_reports_a_duplicate_staff_role():
    series, person = factories.make_series(), factories.make_staff()
    factories.credit(series, person, StaffCredit.Role.MECHANICAL_DESIGN)
    with pytest.raises(ValidationError, match="already exists"):
        StaffCredit(
            series=series, staff=person, role=StaffCredit.Role.MECHANICAL_DESIGN
        ).full_clean()


def test_full_clean_reports_a_duplicate_myanimelist_id():
    factories.make_series(mal_id=54794)
    with pytest.raises(ValidationError, match="unique_series_mal_id"):
        unsaved(Series, title="Copy", mal_id=54794).full_clean()


# --- Slugs ----------------------------------------------------------------------------


def assert_usable_slug(slug: str) -> None:
    assert slug
    assert slug.isascii()
    assert len(slug) <= SLUG_MAX_LENGTH
    validate_slug(slug)


def test_a_japanese_only_title_gets_a_unique_ascii_slug_with_a_working_url():
    first = factories.make_series(title="メタリックルージュ")
    second = factories.make_series(title="メタリックルージュ")

    for series in (first, second):
        assert_usable_slug(series.slug)
        url = series.get_absolute_url()
        assert url == reverse("entries:series-detail", kwargs={"slug": series.slug})
        match = resolve(url)
        assert (match.view_name, match.kwargs) == ("entries:series-detail", {"slug": series.slug})
    assert first.slug != second.slug
    # Romanised, not a hash: the address still says something about the title.
    assert first.slug.startswith("metarikku")


@pytest.mark.parametrize("title", ["🤖🚀✨", "!!! ??? …", "「」・…"])
def test_titles_without_letters_still_get_slugs(title):
    first = factories.make_character(title=title)
    second = factories.make_character(title=title)
    for character in (first, second):
        assert_usable_slug(character.slug)
        resolve(character.get_absolute_url())
    assert first.slug != second.slug


def test_a_very_long_title_gets_a_slug_within_the_limit():
    title = ("The Extraordinarily Long Chronicle of a Mars Colony " * 5)[:255]
    first = factories.make_series(title=title)
    second = factories.make_series(title=title)
    for series in (first, second):
        assert_usable_slug(series.slug)
        assert len(series.slug) <= 200
    assert first.slug != second.slug


def test_an_episode_slug_is_unique_across_series():
    one = factories.make_episode(series=factories.make_series(title="A"), number=1)
    two = factories.make_episode(series=factories.make_series(title="B"), number=1)
    assert one.title == two.title == "Episode 1"
    assert one.slug != two.slug


# --- Bodies ---------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


_IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20]")


def assert_harmless(html: str) -> None:
    for tag, attributes in elements(html):
        assert tag not in {"script", "img", "svg", "iframe", "object", "embed", "style"}, html
        for name, value in attributes.items():
            assert not name.startswith("on"), html
            if name in {"href", "src", "action", "formaction"}:
                # Browsers ignore whitespace and control characters inside a scheme.
                scheme = _IGNORED_IN_SCHEMES.sub("", unescape(value)).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), html
    assert "<script" not in html.lower()


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[x](https://example.com "t" onclick="alert(1)")',
    "<div onmouseover=alert(1)>hover</div>",
]


@pytest.mark.parametrize("source", XSS_VECTORS)
def test_a_body_is_rendered_at_save_and_sanitized(source):
    series = factories.make_series(body=f"Before.\n\n{source}\n\nAfter.")
    series.refresh_from_db()
    assert "Before." in series.body_html and "After." in series.body_html
    assert_harmless(series.body_html)


def test_the_sanitizer_strips_what_the_parser_would_not_produce():
    # Defence in depth: even HTML handed straight to the sanitizer comes out safe.
    html = markup.sanitize(
        '<p onclick="alert(1)">hi <a href="javascript:alert(1)">x</a>'
        '<a href="https://example.com/" target="_blank">ok</a>'
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
        '<iframe src="https://example.com/"></iframe></p>'
    )
    assert_harmless(html)
    links = [attributes for tag, attributes in elements(html) if tag == "a"]
    assert {"href": "https://example.com/", "rel": "noopener noreferrer nofollow"} in [
        {key: value for key, value in link.items() if key in {"href", "rel"}} for link in links
    ]


def test_safe_markdown_survives_sanitizing():
    series = factories.make_series(
        body="**Bold**, *italic* and [a site](https://example.com/).\n\n- one\n- two"
    )
    html = series.body_html
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert '<a href="https://example.com/" rel="noopener noreferrer nofollow">a site</a>' in html
    assert "<li>one</li>" in html


def test_headings_are_demoted_below_the_page_title():
    series = factories.make_series(body="# Setting\n\n## Mars\n\n###### Deep")
    assert "<h1" not in series.body_html
    assert "<h2>Setting</h2>" in series.body_html
    assert "<h3>Mars</h3>" in series.body_html
    assert "<h6>Deep</h6>" in series.body_html


def test_body_html_follows_the_body_on_every_save():
    series = factories.make_series(body="First.")
    series.body = "Second."
    series.save()
    series.refresh_from_db()
    assert "Second." in series.body_html and "First." not in series.body_html
    series.body = ""
    series.save()
    assert series.body_html == ""


# --- Kinds and URLs ------------------------------------------------------------------


@pytest.fixture
def one_of_each_kind():
    series = factories.make_series(title="Metallic Rouge")
    other_series = factories.make_series(title="Space Dandy")
    return [
        series,
        factories.make_character(title="Rouge Redstar", series=series),
        factories.make_staff(title="Yutaka Izubuchi"),
        factories.make_studio(title="Bones"),
        factories.make_episode(series=series, number=1),
        other_series,
        factories.make_episode(series=other_series, number=1),
    ]


def test_specific_returns_the_entry_as_its_own_kind(one_of_each_kind):
    for specific in one_of_each_kind:
        entry = Entry.objects.get(pk=specific.pk)
        assert type(entry) is Entry
        assert type(entry.specific) is type(specific)
        assert entry.specific.pk == specific.pk
        assert entry.kind == type(specific).KIND
        assert specific.specific is specific


def test_every_kind_has_a_url_without_extra_queries(one_of_each_kind, django_assert_num_queries):
    expected = {entry.pk: entry.get_absolute_url() for entry in one_of_each_kind}

    entries = list(Entry.objects.with_urls())
    with django_assert_num_queries(0):
        urls = {entry.pk: entry.get_absolute_url() for entry in entries}

    assert urls == expected
    series, character, person, studio, episode, _, other_episode = one_of_each_kind
    assert urls[series.pk] == reverse("entries:series-detail", kwargs={"slug": series.slug})
    assert urls[character.pk] == f"/characters/{character.slug}/"
    assert urls[person.pk] == f"/staff/{person.slug}/"
    assert urls[studio.pk] == f"/studios/{studio.slug}/"
    assert urls[episode.pk] == "/series/metallic-rouge/episodes/1/"
    assert urls[other_episode.pk] == "/series/space-dandy/episodes/1/"
    match = resolve(urls[episode.pk])
    assert match.view_name == "entries:episode-detail"
    assert match.kwargs == {"slug": "metallic-rouge", "number": 1}


def test_each_kind_is_stored_with_its_kind():
    assert Character.objects.create(title="Naomi Orthmann").kind == Entry.Kind.CHARACTER
    assert Staff.objects.create(title="Masahiko Minami").kind == Entry.Kind.STAFF
    assert set(Entry.objects.values_list("kind", flat=True)) == {"character", "staff"}


def test_a_new_entry_validates_before_it_is_saved():
    # An admin form validates an unsaved entry: it must already know its kind and slug.
    series = Series(title="メタリックルージュ")
    series.full_clean()
    assert series.kind == "series"
    assert series.slug == "metarikkuruuju"


def test_full_clean_on_a_new_entry_reports_a_slug_taken_by_its_title():
    Series.objects.create(title="Space Dandy")
    duplicate = Series(title="Space Dandy", slug="space-dandy")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_every_save_bumps_the_version():
    series = Series.objects.create(title="Soul Eater")
    assert series.version == 1
    series.summary = "A school for weapon meisters."
    series.save()
    series.refresh_from_db()
    assert series.version == 2


def test_a_japanese_tag_gets_a_romanised_slug_and_page():
    series = Series.objects.create(title="Robot story")
    series.tags.add("ロボット", "🤖")
    slugs = sorted(series.tags.values_list("slug", flat=True))
    assert "robotto" in slugs
    assert all(slugs), "no tag may have an empty slug"


def test_tags_are_shared_across_kinds():
    series = Series.objects.create(title="Metallic Rouge")
    studio = Studio.objects.create(title="Bones")
    series.tags.add("original anime")
    studio.tags.add("Original Anime")  # the same tag, whatever the letter case
    tagged = Entry.objects.filter(tags__slug="original-anime")
    assert set(tagged.values_list("kind", flat=True)) == {"series", "studio"}
