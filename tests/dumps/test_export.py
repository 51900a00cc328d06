"""``export_dump`` reads in chunks: a fixed number of queries per chunk, whatever the
number of entries and rows (memory is measured by ``make bench-dump``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries.dumps import export_dump
from entries.dumps.format import LINE_TYPES
from tests import factories

pytestmark = pytest.mark.django_db


def _one_of_everything(n: int) -> None:
    series = factories.make_series(title=f"Series {n}")
    factories.relate(series, factories.make_series(title=f"Sequel {n}"))
    factories.studio_role(series, studio := factories.make_studio(title=f"Studio {n}"))
    factories.credit(series, person := factories.make_staff(title=f"Person {n}"))
    factories.member(studio, person)
    factories.voice(factories.make_character(series=series, title=f"Character {n}"), person)
    factories.make_episode(series=series, number=1)
    factories.alias(series, f"Other name {n}")
    series.tags.add("mecha", f"tag {n}")
    series.streaming.create(platform=factories.make_platform(name=f"Platform {n}"))


def _export_queries(path) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_dump(path, chunk_size=1000)
    return len(queries)


def test_the_queries_do_not_grow_with_the_entries(tmp_path):
    _one_of_everything(1)
    few = _export_queries(tmp_path / "few.jsonl.gz")
    for n in range(2, 12):
        _one_of_everything(n)

    many = _export_queries(tmp_path / "many.jsonl.gz")

    assert many == few
    # A query per type and one per prefetched list or tags (no pictures here).
    entry_types = [line_type for line_type in LINE_TYPES if line_type.is_entry]
    lists = sum(len(line_type.rows) + 1 for line_type in entry_types)
    assert few <= 3 + len(entry_types) + lists + 4  # + the transaction's own statements


def test_the_chunk_size_does_not_change_the_file(tmp_path):
    for n in range(1, 4):
        _one_of_everything(n)
    whole = tmp_path / "whole.jsonl.gz"
    export_dump(whole, chunk_size=1000)
    chunked = tmp_path / "chunked.jsonl.gz"

    export_dump(chunked, chunk_size=1)

    assert chunked.read_bytes() == whole.read_bytes()
