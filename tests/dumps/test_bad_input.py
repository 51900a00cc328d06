"""A dump that cannot be loaded: a clear message naming the line, a non-zero exit,
and nothing written."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Revision

from entries.models import Entry, Picture, StreamingPlatform, Tag

from .conftest import empty_database, lines, write_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(small_dump):
    """The lines of a good dump, and a database without any of it."""
    rows = lines(small_dump)
    empty_database()
    return rows


def refused(path) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("import_dump", str(path), stdout=io.StringIO())
    assert not Entry.objects.exists()
    assert not Tag.objects.exists() and not Picture.objects.exists()
    assert not StreamingPlatform.objects.exists() and not Revision.objects.exists()
    message = str(raised.value)
    assert message.endswith("Nothing was imported.")
    return message


def test_a_file_that_is_not_gzip(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    path.write_text("\n".join(json.dumps(row) for row in good))

    assert "is not a gzip file" in refused(path)


def test_a_file_cut_short(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, good)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])

    assert "cut short" in refused(path)


def test_another_schema_version(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [{**good[0], "schema": 99}, *good[1:]])

    message = refused(path)
    assert message.startswith("Line 1:") and "schema version 99" in message


def test_a_file_that_is_not_a_dump(tmp_path):
    path = tmp_path / "data.json.gz"
    path.write_bytes(gzip.compress(b'{"siteMeta": {}, "items": []}\n'))

    assert "not the header of a Fandex dump" in refused(path)


def test_a_broken_line(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [*good[:5], b'{"type": "series", "slug": \n', *good[5:]])

    message = refused(path)
    assert message.startswith("Line 6: not valid JSON")


def test_an_unknown_kind(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [*good[:3], {"type": "manga", "slug": "x"}, *good[3:]])

    message = refused(path)
    assert message.startswith("Line 4: unknown type 'manga'") and "series" in message


def test_a_line_with_a_missing_or_unknown_field(good, tmp_path):
    number, series = next((n, row) for n, row in enumerate(good, 1) if row["type"] == "series")
    changed = {**series, "rating": 5}
    del changed["title"]
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [*good[: number - 1], changed, *good[number:]])

    message = refused(path)
    assert message.startswith(f"Line {number}: a series line lacks title")
    assert "unknown fields rating" in message


def test_a_value_a_field_refuses(good, tmp_path):
    number, series = next((n, row) for n, row in enumerate(good, 1) if row["type"] == "series")
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [*good[: number - 1], {**series, "start_date": "31 Jan"}, *good[number:]])

    message = refused(path)
    assert message.startswith(f"Line {number}: series '{series['slug']}': start_date:")


def test_a_dangling_reference(good, tmp_path):
    without_bones = [row for row in good if (row["type"], row.get("slug")) != ("studio", "bones")]
    number = next(
        n
        for n, row in enumerate(without_bones, 1)
        if row["type"] == "series" and {"studio": "bones", "role": "animation"} in row["studios"]
    )
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, without_bones)

    message = refused(path)
    assert message.startswith(f"Line {number}: series ")
    assert "refers to the studio 'bones', which is neither earlier in the dump" in message


def test_a_dangling_forward_reference_names_its_line(good, tmp_path):
    """A sequel may come later in the file; one that never comes is named at its line."""
    rows = [dict(row) for row in good]
    number, rouge = next(
        (n, row) for n, row in enumerate(rows, 1) if row.get("slug") == "metallic-rouge"
    )
    rouge["relations"] = [{"target": "no-such-series", "type": "sequel", "revealed_in": None}]
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, rows)

    message = refused(path)
    assert message.startswith(f"Line {number}: series 'metallic-rouge' refers to the series")


def test_an_object_already_there_but_different(good, tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, good)
    call_command("import_dump", str(path), stdout=io.StringIO())
    number, series = next((n, row) for n, row in enumerate(good, 1) if row["type"] == "series")
    write_lines(path, [*good[: number - 1], {**series, "title": "Changed"}, *good[number:]])
    entries = list(Entry.objects.order_by("pk").values())

    with pytest.raises(CommandError) as raised:
        call_command("import_dump", str(path), stdout=io.StringIO())

    assert str(raised.value).startswith(f"Line {number}: series '{series['slug']}' is already")
    assert "(title)" in str(raised.value) and "does not merge" in str(raised.value)
    assert list(Entry.objects.order_by("pk").values()) == entries


def test_an_object_twice(good, tmp_path):
    number, series = next((n, row) for n, row in enumerate(good, 1) if row["type"] == "series")
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, [*good[:number], series, *good[number:]])

    message = refused(path)
    assert message.startswith(f"Line {number + 1}: series '{series['slug']}' is in the dump twice")


def test_a_rule_of_the_database(good, tmp_path):
    """Two series with the same MyAnimeList id: the database's constraint says no."""
    numbered = [(n, row) for n, row in enumerate(good, 1) if row.get("mal_id")]
    (_first, one), (number, other) = numbered[:2]
    rows = list(good)
    rows[number - 1] = {**other, "mal_id": one["mal_id"]}
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, rows)

    message = refused(path)
    assert message.startswith(f"Line {number}: series '{other['slug']}' breaks a rule")
    assert "mal_id" in message


@pytest.mark.parametrize("marks", [{"no-such-tag": 3}, {"__first__": 0}, {"__first__": "9"}, []])
def test_a_bad_tag_mark_is_refused_naming_its_line(good, tmp_path, marks):
    rows = [dict(row) for row in good]
    number, tagged = next((n, row) for n, row in enumerate(rows, 1) if row.get("tags"))
    if isinstance(marks, dict) and "__first__" in marks:
        marks = {tagged["tags"][0]: marks["__first__"]}
    tagged["tag_marks"] = marks
    path = tmp_path / "dump.jsonl.gz"
    write_lines(path, rows)

    message = refused(path)
    assert message.startswith(f"Line {number}: ")
    assert "tag_marks must give some of its tags" in message
