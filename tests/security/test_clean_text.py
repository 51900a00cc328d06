"""Clean text (issue 12, item 2): no text field stores a C0/C1 control character,
whatever the write path, and the Atom feed survives rows stored before the rule."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import models as dj_models
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reversion.models import Revision

from entries.models import (
    KIND_MODELS,
    Alias,
    Change,
    Entry,
    Episode,
    GalleryImage,
    Picture,
    Series,
    StaffCredit,
    StreamingPlatform,
    Tag,
)
from entries.pictures import store_upload
from entries.services import note, recorded
from entries.text import clean_text, has_control_characters, text_fields
from tests import factories, image_corpus
from tests.helpers import form_errors, open_form, write_json

pytestmark = pytest.mark.django_db

FEED = reverse("entries:recent-feed")
# What no page may show: controls other than tab, newline and carriage return.
PAGE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]


def assert_clean_page(response):
    assert response.status_code < 500
    text = response.content.decode()
    found = PAGE_CONTROLS.search(text)
    assert found is None, f"{found.group()!r} in {response.request['PATH_INFO']}"


def assert_feed_parses(client):
    response = client.get(FEED)
    assert response.status_code == 200
    assert_clean_page(response)
    return ET.fromstring(response.content)


# --- The function -----------------------------------------------------------------------------


def test_one_line_text_loses_every_control_character_and_keeps_words_apart():
    assert clean_text("Metallic\x0bRouge\x1b[31m\x07") == "Metallic Rouge[31m"
    assert clean_text("a\tb\r\nc\x85d\x9fe\x00f") == "a b c de" + "f"
    assert clean_text("ロボット\ud800\ufffe") == "ロボット"


def test_multiline_text_keeps_tabs_and_newlines_only():
    assert clean_text("one\r\ntwo\rthree\n\tfour\x0b\x0c\x1b\x7f", multiline=True) == (
        "one\ntwo\nthree\n\tfour"
    )


def test_every_text_field_of_the_app_is_covered():
    # Each model of the app cleans its text fields (CleanTextMixin), Tag included.
    from django.apps import apps

    for model in apps.get_app_config("entries").get_models():
        if text_fields(model):
            assert hasattr(model, "clean_fields") and "CleanTextMixin" in [
                base.__name__ for base in model.__mro__
            ], model


# --- Every write path ------------------------------------------------------------------------


def test_full_clean_and_save_strip_control_characters_from_an_entry():
    series = Series(
        title="Metallic\x0bRouge\x07",
        native_title="メタリック\x1bルージュ",
        summary="One\x0b paragraph.\r\nTwo.",
        body="A\x00 body\n\twith [[Gin\x0b]]",
        image_credit="Bones\x9b",
        premiere="Tokyo\x85",
    )
    series.full_clean()
    series.save()
    series.refresh_from_db()
    assert series.title == "Metallic Rouge"
    assert series.title_key == "metallic rouge"
    assert series.native_title == "メタリックルージュ"
    assert series.summary == "One paragraph.\nTwo."
    assert series.body == "A body\n\twith [[Gin]]"
    assert series.image_credit == "Bones"
    assert series.premiere == "Tokyo"
    assert [link.target_name for link in series.outgoing_links.all()] == ["Gin"]


def test_save_alone_cannot_store_a_control_character():
    series = factories.make_series(title="Plain")
    Series.objects.filter(pk=series.pk)  # the row exists
    series.title = "Bad\x0bTitle"
    series.save()
    assert Entry.objects.get(pk=series.pk).title == "Bad Title"


def test_a_title_of_only_control_characters_is_refused_not_stored():
    with pytest.raises(ValidationError) as caught:
        Series(title="\x0b\x07").full_clean()
    assert "title" in caught.value.message_dict


def test_related_rows_tags_and_platforms_are_clean():
    series = factories.make_series()
    staff = factories.make_staff()
    alias = Alias.objects.create(entry=series, name="Other\x0bname")
    credit = StaffCredit.objects.create(series=series, staff=staff, role="director", note="ep\x071")
    platform = StreamingPlatform(name="Net\x1bflix", slug="netflix")
    platform.full_clean()
    platform.save()
    series.tags.add("space\x0bopera")
    series.tags.add("space opera")  # the same tag, found again
    picture = store_upload(image_corpus.upload("p.png", image_corpus.png()))
    image = GalleryImage.objects.create(
        entry=series, picture=picture, caption="Cap\x0btion", credit="Cred\x07it"
    )

    assert Alias.objects.get(pk=alias.pk).name_key == "other name"
    assert StaffCredit.objects.get(pk=credit.pk).note == "ep1"
    assert StreamingPlatform.objects.get(pk=platform.pk).name == "Netflix"
    assert list(Tag.objects.values_list("name", flat=True)) == ["space opera"]
    image.refresh_from_db()
    assert (image.caption, image.credit) == ("Cap tion", "Credit")


def test_edit_summaries_and_change_titles_are_clean():
    series = factories.make_series(title="Feed\x0bme")
    with recorded(summary="Fixed\x0bthe\x1b[0m title"):
        series.save()
        note(series, Change.Action.CHANGE)
    assert Revision.objects.get().comment == "Fixed the[0m title"
    assert Change.objects.get().title == "Feed me"


def test_the_admin_edit_summary_and_tags_are_cleaned(editor_client):
    series = factories.make_series(title="Cowboy Bebop")
    url, data = open_form(editor_client, Series, series)
    data.update(title="Cowboy\x0bBebop", edit_summary="Pasted\x0b title", tags="space\x07western")
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    series.refresh_from_db()
    assert series.title == "Cowboy Bebop"
    assert list(series.tags.names()) == ["spacewestern"]
    assert Revision.objects.latest("pk").comment == "Pasted title"
    assert_feed_parses(editor_client)


def test_the_importer_writes_clean_text(tmp_path):
    from tests.helpers import run_import

    document = {
        "siteMeta": {
            "netflix": {
                "title": "Net\x0bflix",
                "urlTemplate": "https://n.example/{{id}}",
                "type": "onair",
            }
        },
        "items": [
            {
                "title": "タイトル\x0b\x1b",
                "titleTranslate": {"en": ["Clean\x07 Title"], "ja": ["別名\x0b"]},
                "type": "tv",
                "lang": "ja",
                "officialSite": "",
                "begin": "2020-01-01T00:00:00.000Z",
                "end": "",
                "sites": [{"site": "netflix", "id": "1"}],
            }
        ],
    }
    run_import(write_json(tmp_path / "data.json", document))
    series = Series.objects.get()
    assert (series.title, series.native_title) == ("Clean Title", "タイトル")
    assert not any(has_control_characters(a.name) for a in series.aliases.all())
    assert not any(has_control_characters(p.name) for p in StreamingPlatform.objects.all())


# --- Old rows -------------------------------------------------------------------------------


def test_the_feed_survives_old_rows_holding_control_characters(client):
    series = factories.make_series(title="Old")
    with recorded(summary="fine"):
        series.save()
        note(series, Change.Action.CHANGE)
    # As stored before the rule: written past every model method.
    Change.objects.update(title="Old\x0btitle\x1b")
    Revision.objects.update(comment="An old\x0b summary\x07")
    Entry.objects.filter(pk=series.pk).update(title="Old\x0btitle")

    feed = assert_feed_parses(client)
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text.startswith("Oldtitle")
    assert entry.find("{http://www.w3.org/2005/Atom}summary").text == "An old summary"


# --- Random text into every field, then every page -------------------------------------------

_ALPHABET = st.one_of(
    st.characters(exclude_categories=("Cs",)), st.sampled_from(CONTROLS), st.just("\n")
)
_SHORT = st.text(_ALPHABET, max_size=40)
_LONG = st.text(_ALPHABET, min_size=256, max_size=3000)  # past every max_length
# One-line fields: now and then longer than they may be; multi-line: often long.
_ONE_LINE = st.integers(0, 9).flatmap(lambda n: _LONG if n == 0 else _SHORT)
_MULTILINE = st.one_of(_SHORT, _LONG)
_URL = st.sampled_from(["", "https://example.org/pa\x07th\x0b", "\x1bhttps://example.org/"])


def _random_fields(model):
    """A strategy for every editable text field of a kind (its slug is made from the title)."""
    fields = {}
    for field in model._meta.concrete_fields:
        if not field.editable or field.choices or field.name == "slug":
            continue
        if isinstance(field, dj_models.URLField):
            fields[field.name] = _URL
        elif isinstance(field, dj_models.TextField):
            fields[field.name] = _MULTILINE
        elif isinstance(field, dj_models.CharField):
            fields[field.name] = _ONE_LINE
    return st.fixed_dictionaries(fields)


_ENTRIES = st.sampled_from(sorted(KIND_MODELS)).flatmap(
    lambda kind: st.tuples(st.just(kind), _random_fields(KIND_MODELS[kind]))
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entry=_ENTRIES, extra=st.lists(_ONE_LINE, min_size=6, max_size=6))
def test_random_text_in_every_field_never_breaks_a_page(client, entry, extra):
    """Random Unicode (controls, long strings) through full_clean()+save() into every
    text field of a kind, its aliases, a tag, a gallery image and the edit summary;
    then its page, its history, its tag, the index, home, search, recent changes and
    the feed: no 5xx, no control character, and a feed that parses."""
    kind, values = entry
    model = KIND_MODELS[kind]
    if model is Episode:
        values["series"] = factories.make_series()
        values["number"] = 1
    entry = model(**values)
    try:
        entry.full_clean()
    except ValidationError:
        entry = None
    if entry is not None:
        event("saved")
        with recorded(summary=extra[0][:255]):
            entry.save()
            for name in extra[1:3]:
                alias = Alias(entry=entry, name=name)
                try:
                    alias.full_clean()
                except ValidationError:
                    continue
                alias.save()
            tag_name = clean_text(extra[3])[:100]
            if tag_name and "," not in tag_name and '"' not in tag_name:
                entry.tags.add(tag_name)
            gallery = GalleryImage(
                entry=entry, picture=_picture(), caption=extra[4][:300], credit=extra[5][:300]
            )
            gallery.full_clean()
            gallery.save()
            note(entry, Change.Action.CREATE)
        stored = [Entry.objects.get(pk=entry.pk), *Alias.objects.filter(entry=entry)]
        stored += [*entry.tags.all(), *GalleryImage.objects.filter(entry=entry)]
        stored += [*Change.objects.filter(entry=entry), *Revision.objects.all()]
        for row in stored:
            for attname, _ in text_fields(type(row)):
                value = getattr(row, attname) or ""
                assert "\r" not in value and not PAGE_CONTROLS.search(value), (row, attname)

        assert_clean_page(client.get(entry.get_absolute_url()))
        assert_clean_page(client.get(entry.get_history_url()))
        for tag in entry.tags.all():
            assert_clean_page(client.get(tag.get_absolute_url()))
    index = f"entries:{kind}-list" if kind != "episode" else "entries:series-list"
    assert_clean_page(client.get(reverse(index), {"q": extra[1]}))
    assert_clean_page(client.get(reverse("entries:home")))
    assert_clean_page(client.get(reverse("entries:search"), {"q": extra[2], "all": "1"}))
    assert_clean_page(client.get(reverse("entries:recent-changes"), {"q": extra[5][:200]}))
    assert_feed_parses(client)


def _picture():
    """One stored picture, made once per test (every example shares the database)."""
    return Picture.objects.first() or store_upload(image_corpus.upload("p.png", image_corpus.png()))
