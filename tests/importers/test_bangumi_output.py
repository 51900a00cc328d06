"""``manage.py import_bangumi``'s output and cost: the progress bar, a quiet run,
queries that do not grow with the number of items."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries.importers import bangumi
from entries.importers.bangumi import import_bangumi
from entries.importers.progress import ProgressBar
from entries.models import (
    Series,
)
from tests.helpers import (
    SAMPLE,
    SAMPLE_ITEMS,
    TODAY,
    run_import,
    sample_document,
    write_json,
)

pytestmark = pytest.mark.django_db


# --- Output ----------------------------------------------------------------------------


def test_progress_goes_to_stderr_a_line_every_ten_percent_when_not_a_terminal(tmp_path):
    document = sample_document()
    item = document["items"][2]
    document["items"] = [
        {**item, "title": f"テスト {number}", "sites": []} for number in range(1, 1001)
    ]
    err = io.StringIO()

    call_command(
        "import_bangumi",
        str(write_json(tmp_path / "many.json", document)),
        "--today",
        TODAY,
        stdout=io.StringIO(),
        stderr=err,
    )

    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue()
    assert "Writing: 100% (1000/1000)" in lines
    for stage in ["Reading items", "Matching", "Writing", "History"]:
        assert 1 <= sum(line.startswith(f"{stage}:") for line in lines) <= 11


def test_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = ProgressBar(stream, width=10)
    for done in range(0, 101, 25):
        bar("Writing", done, 100)

    assert stream.getvalue().count("\r") == 5
    assert "[##########] 100% 100/100\n" in stream.getvalue()


def test_quiet_import_prints_nothing():
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bangumi", str(SAMPLE), "-v", "0", stdout=out, stderr=err)

    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert Series.objects.count() == SAMPLE_ITEMS


def _items(count: int, *, first: int = 1) -> dict:
    return {
        "siteMeta": {
            "netflix": {
                "title": "Netflix",
                "urlTemplate": "https://www.netflix.com/title/{{id}}",
                "type": "onair",
            }
        },
        "items": [
            {
                "title": f"作品 {number}",
                "titleTranslate": {"en": [f"Work {number}"], "zh-Hans": [f"作品{number}"]},
                "type": "tv",
                "begin": "2020-01-01T00:00:00Z",
                "end": "2020-03-01T00:00:00Z",
                "sites": [
                    {"site": "mal", "id": str(number)},
                    {"site": "netflix", "id": str(number)},
                ],
            }
            for number in range(first, first + count)
        ],
    }


def test_queries_do_not_grow_with_the_number_of_items():
    run_import(SAMPLE)  # content types and platforms in place
    small, large = _items(5), _items(30, first=100)
    data = bangumi.parse_document(small, label="small")
    with CaptureQueriesContext(connection) as creating_few:
        import_bangumi(data, today=datetime.date(2025, 1, 1))
    with CaptureQueriesContext(connection) as unchanged_few:
        import_bangumi(data, today=datetime.date(2025, 1, 1))

    data = bangumi.parse_document(large, label="large")
    with CaptureQueriesContext(connection) as creating_many:
        import_bangumi(data, today=datetime.date(2025, 1, 1))
    with CaptureQueriesContext(connection) as unchanged_many:
        import_bangumi(data, today=datetime.date(2025, 1, 1))

    assert len(creating_many) == len(creating_few)
    assert len(unchanged_many) == len(unchanged_few)
