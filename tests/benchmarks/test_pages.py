"""``manage.py bench_pages``: it serves, measures and reports; no speed is asserted."""

import io
import os
import re
import shutil

import pytest
from django.core.management import CommandError, call_command

from entries.benchmarks import pages
from tests.helpers import table_rows

WRK_REPORT = """\
Running 2s test @ http://127.0.0.1:8000/series/metallic-rouge/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   164.80ms   60.45ms    1.03s    77.72%
    Req/Sec    47.83     19.98    80.00     66.67%
  Latency Distribution
     50%  845.52us
     75%  200.74ms
     90%  265.15ms
     99%    1.02s
  193 requests in 2.09s, 64.27KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     92.24
Transfer/sec:     30.72KB
"""


def test_reads_wrks_report():
    result = pages.parse_wrk(WRK_REPORT)
    assert result == pages.WrkResult(
        requests_per_second=92.24,
        p50_ms=pytest.approx(0.84552),
        p99_ms=1020.0,
        requests=193,
        bad_responses=7,
        socket_errors=5,
    )
    with pytest.raises(pages.BenchmarkError, match="latency distribution"):
        pages.parse_wrk(WRK_REPORT.replace("99%", "98%"))


def test_a_read_after_an_edit_that_shows_the_older_text_is_stale():
    series = "/series/metallic-rouge/"

    def read(started: float, counter: int | None, path: str = series) -> pages.Read:
        return pages.Read(path, started, started + 0.01, 200, "hit", counter)

    result = pages.MixedResult(
        seconds=3,
        readers=1,
        paths=[series, "/"],
        checked_paths=[series],
        reads=[
            read(1.5, 1),  # the new text
            read(1.9, 0),  # started before edit 1's response arrived: may be old
            read(2.1, 0),  # started after it: stale
            read(2.2, None),  # the mark gone: stale
            read(2.3, 0, path="/"),  # a page that does not show the summary
        ],
        edits=[pages.Edit(0, 1.0), pages.Edit(1, 2.0)],
    )
    assert [(r.started, r.counter) for r in result.stale()] == [(2.1, 0), (2.2, None)]
    assert result.checked_reads() == 4


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        message = "wrk is not installed (sudo apt-get install wrk)"
        if os.environ.get("FANDEX_REQUIRE_BROWSER"):
            pytest.fail(f"{message}; FANDEX_REQUIRE_BROWSER is set, so this may not be skipped")
        pytest.skip(message)


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_measures_both_servers_and_a_mixed_load(wrk, tmp_path):
    out = io.StringIO()
    call_command(
        "bench_pages",
        "--database",
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "--pages",
        "series,revalidation",
        "--seconds",
        "1",
        "--rounds",
        "1",
        "--mixed-seconds",
        "3",
        "--readers",
        "2",
        stdout=out,
    )
    output = out.getvalue()
    measured, mixed = output.split("Mixed load:")

    rows = table_rows(measured, columns=9)
    assert {label: row[3] for label, row in rows.items()} == {
        "series page, hot": "200 hit",
        # A 304 from the page cache says so too.
        "304 revalidation": "304 hit",
        "floor, from the page cache": "301 hit",
        "series page, cold": "200 off",
        "floor (trivial view)": "301 off",
    }
    for label, (_, url, cache, _, rate, spread, p50, p99, ratio) in rows.items():
        assert url.startswith("`/") and cache in {"on", "off"}, label
        assert _number(rate) > 0, label
        assert re.fullmatch(r"[\d,.]+-[\d,.]+", spread), label
        assert 0 < float(p50) <= float(p99), label
        assert float(ratio) > 0, label
    assert rows["floor (trivial view)"][8] == "1.00"
    assert "Machine: nproc " in measured and "load average" in measured

    (figures,) = [row for key, row in table_rows(mixed, columns=9).items() if key != "---:"]
    reads, per_second, hit_ratio, p50, p99, failed, edits, checked, stale = figures
    assert _number(reads) > 0 and _number(per_second) > 0
    assert re.fullmatch(r"\d+\.\d%", hit_ratio)
    assert (failed, stale) == ("0", "0")
    assert int(edits) >= 1
    assert _number(checked) > 0
    assert "No stale read" in mixed
    assert "`/series/metallic-rouge/`" in mixed


def test_refuses_a_database_with_entries(wrk, tmp_path):
    database = f"sqlite:///{tmp_path / 'used.sqlite3'}"
    env = pages.site_env(database_url=database, folder=tmp_path)
    pages._manage(env, "migrate", "--no-input", "-v0")
    pages._manage(env, "loaddemo", "-v0")
    with pytest.raises(CommandError, match="already has entries"):
        call_command("bench_pages", "--database", database, stdout=io.StringIO())
