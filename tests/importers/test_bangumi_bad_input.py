"""``manage.py import_bangumi`` with bad input: items skipped with a reason (or
nothing written, with ``--strict``), files that are not bangumi-data refused."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from reversion.models import Revision

from entries.importers import bangumi
from entries.importers.bangumi import Reason, records
from entries.models import (
    Entry,
    Series,
    Streaming,
    StreamingPlatform,
)
from tests import factories
from tests.helpers import (
    BAD_RECORDS,
    SAMPLE,
    SAMPLE_GZ,
    run_import,
    sample_document,
    snapshot,
    write_json,
)

pytestmark = pytest.mark.django_db


# --- Bad items -------------------------------------------------------------------------


def test_bad_items_are_skipped_with_reasons_and_the_rest_imported():
    output = run_import(BAD_RECORDS)

    assert "created 1, updated 0, unchanged 0, skipped 6" in output
    assert Series.objects.get().title == "Soul Eater"
    for reason in [
        Reason.NO_TITLE,
        Reason.BAD_DATE,
        Reason.ENDS_BEFORE_START,
        Reason.UNKNOWN_TYPE,
        Reason.NOT_AN_OBJECT,
        Reason.DUPLICATE,
    ]:
        assert f"  {reason}: 1" in output
    assert "item 3 (日付のない日)" not in output  # listed only with -v 2


def test_verbose_output_lists_each_skipped_item():
    output = run_import(BAD_RECORDS, "-v", "2")

    assert "item 2: missing title" in output
    assert "item 3 (日付のない日): bad date: begin 'yesterday' is not an ISO 8601 date" in output
    assert "item 5 (ラジオドラマ): unknown type: type 'radio'" in output
    assert "item 7 (ソウルイーター): same series as an earlier item" in output


def test_strict_import_with_bad_items_writes_nothing():
    factories.make_series(title="Already here")
    before = snapshot()

    with pytest.raises(CommandError, match=r"6 item\(s\) cannot be imported .*nothing was written"):
        run_import(BAD_RECORDS, "--strict")

    assert snapshot() == before


def test_strict_import_of_a_clean_file_imports():
    assert "created 6" in run_import(SAMPLE, "--strict")


def test_ids_that_belong_to_two_series_skip_the_item():
    factories.make_series(title="One", mal_id=54794)
    factories.make_series(title="Two", anidb_id=17926)

    output = run_import(SAMPLE, "-v", "2")

    assert f"{Reason.ID_CONFLICT}: 1" in output
    assert "AniDB id 17926 belongs to series" in output
    assert set(
        Series.objects.filter(title__in=["One", "Two"]).values_list("mal_id", "anidb_id")
    ) == {
        (54794, None),
        (None, 17926),
    }


def test_a_value_a_field_refuses_skips_the_item(tmp_path):
    document = sample_document()
    document["items"][0]["titleTranslate"]["en"] = ["x" * 300]

    output = run_import(write_json(tmp_path / "long.json", document), "-v", "2")

    assert f"{Reason.INVALID}: 1" in output
    assert "title: Ensure this value has at most 255 characters" in output
    assert not Series.objects.filter(mal_id=54794).exists()


@pytest.mark.parametrize(
    "item, reason",
    [
        ({"title": "", "type": "tv"}, Reason.NO_TITLE),
        ({"title": "X", "type": "tv", "begin": 20240101}, Reason.BAD_DATE),
        ({"title": "X", "type": "tv", "begin": "1800-01-01T00:00:00Z"}, Reason.BAD_DATE),
        ({"title": "X", "type": None}, Reason.UNKNOWN_TYPE),
        ({"title": "X", "type": "tv", "titleTranslate": ["X"]}, Reason.MALFORMED),
        ({"title": "X", "type": "tv", "sites": {"mal": 1}}, Reason.MALFORMED),
    ],
)
def test_malformed_items_say_why(item, reason):
    with pytest.raises(records._Skip) as caught:
        bangumi.parse_item(1, item, site_meta={}, today=datetime.date(2025, 1, 1))
    assert caught.value.reason == reason


def test_odd_values_are_cleaned_or_left_out():
    record = bangumi.parse_item(
        1,
        {
            "title": " タイトル\x00 ",
            "type": "tv",
            "officialSite": "javascript:alert(1)",
            "begin": "2020-01-01",
            "sites": [{"site": "mal", "id": "99999999999"}, {"site": "anidb", "id": 42}],
        },
        site_meta={},
        today=datetime.date(2025, 1, 1),
    )
    assert record.values["native_title"] == "タイトル"
    assert record.values["official_site"] == ""
    assert record.values["start_date"] == datetime.date(2020, 1, 1)
    assert record.ids == {"anidb_id": 42}
    assert {note.reason for note in record.notes} == {Reason.BAD_OFFICIAL_SITE, Reason.BAD_ID}


# --- Bad files -------------------------------------------------------------------------


def _truncated_gzip(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.json.gz"
    path.write_bytes(SAMPLE_GZ.read_bytes()[:400])
    return path


@pytest.mark.parametrize(
    "make_path, message",
    [
        (lambda tmp: tmp / "missing.json", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: write_bytes(tmp / "empty.json", b""), "is empty"),
        (lambda tmp: write_bytes(tmp / "blank.json", b"  \n"), "is empty"),
        (lambda tmp: write_bytes(tmp / "page.json", b"<html>Not found</html>"), "is not JSON"),
        (lambda tmp: write_bytes(tmp / "cut.json", SAMPLE.read_bytes()[:500]), "is not JSON"),
        (lambda tmp: write_bytes(tmp / "latin1.json", b'{"items": ["\xe9"]}'), "UTF-8"),
        (_truncated_gzip, "damaged or truncated gzip"),
        (lambda tmp: write_bytes(tmp / "fake.gz", b"\x1f\x8bnot really"), "damaged or truncated"),
        (lambda tmp: write_bytes(tmp / "list.json", b"[1, 2]"), "found a list"),
        (lambda tmp: write_bytes(tmp / "noitems.json", b'{"siteMeta": {}}'), 'no "items"'),
        (lambda tmp: write_bytes(tmp / "five.json", b'{"items": 5}'), '"items" must be a list'),
        (
            lambda tmp: write_bytes(tmp / "meta.json", b'{"items": [], "siteMeta": []}'),
            '"siteMeta" must be an object',
        ),
    ],
    ids=[
        "missing",
        "directory",
        "empty",
        "blank",
        "html",
        "cut-json",
        "not-utf8",
        "truncated-gzip",
        "fake-gzip",
        "top-level-list",
        "no-items",
        "items-not-a-list",
        "sitemeta-not-an-object",
    ],
)
def test_a_file_that_is_not_bangumi_data_is_an_error_and_writes_nothing(
    tmp_path, make_path, message
):
    factories.make_series(title="Already here")
    before = snapshot()

    with pytest.raises(CommandError, match=message) as caught:
        run_import(make_path(tmp_path))

    assert "Nothing was imported" in str(caught.value)
    assert snapshot() == before


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_an_empty_item_list_imports_nothing(tmp_path):
    output = run_import(write_json(tmp_path / "none.json", {"siteMeta": {}, "items": []}))

    assert "created 0, updated 0, unchanged 0, skipped 0" in output
    assert Revision.objects.count() == 0


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Streaming.objects, "bulk_create", broken)
    with pytest.raises(CommandError, match="disk full.*nothing was imported"):
        run_import(SAMPLE)

    assert not Entry.objects.exists()
    assert not StreamingPlatform.objects.exists()
    assert not Revision.objects.exists()


def test_today_must_be_a_date():
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("import_bangumi", str(SAMPLE), "--today", "tomorrow")
