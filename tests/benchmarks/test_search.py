"""``manage.py bench_search``: it builds, times every query and cleans up; no timings asserted."""

import io

import pytest
from django.core.management import CommandError, call_command

from entries.benchmarks import queries
from entries.models import Entry, SearchDocument, Series, Tag
from tests import factories
from tests.helpers import SAMPLE, table_rows


def bench(*args: str) -> str:
    out = io.StringIO()
    call_command("bench_search", "--data", str(SAMPLE), *args, stdout=out)
    return out.getvalue()


def query_rows(output: str) -> dict[str, list[str]]:
    return table_rows(output, columns=6)


@pytest.mark.django_db
def test_builds_times_every_query_and_deletes_what_it_wrote():
    output = bench("--entries", "300", "--repeat", "2")

    assert "Build time:" in output
    assert "300 entries" in output
    rows = query_rows(output)
    labels = [query.label for query in queries.query_set(rare_word="x", common_word="y")]
    assert list(rows) == labels
    for label, _call, results, p50, p95, maximum in rows.values():
        assert results.rstrip("+").isdigit(), label
        assert float(p50) <= float(p95) <= float(maximum), label
    assert rows["exact title"][2] != "0"  # the sample has Metallic Rouge
    assert rows["common word"][2] != "0"
    # Gone again, and the database can be benchmarked once more.
    assert not Entry.objects.exists()
    assert not SearchDocument.objects.exists()
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_same_seed_same_database():
    bench("--entries", "200", "--repeat", "1", "--keep")
    fields = ("kind", "title", "native_title", "summary", "body")
    first = sorted(Entry.objects.values_list(*fields))
    assert Series.objects.count() == 6
    assert len(first) == 200
    assert SearchDocument.objects.count() == 200
    Entry.objects.all().delete()
    Tag.objects.all().delete()
    bench("--entries", "200", "--repeat", "1", "--keep")
    assert sorted(Entry.objects.values_list(*fields)) == first


@pytest.mark.django_db
def test_refuses_a_database_with_entries_unless_reuse():
    factories.make_series(title="Metallic Rouge")
    with pytest.raises(CommandError, match="already has 1 entries"):
        bench("--entries", "300", "--repeat", "1")
    assert Entry.objects.count() == 1

    output = bench("--repeat", "1", "--reuse")
    assert "Build time:" not in output
    assert query_rows(output)["exact title"][2] == "1"
    assert Entry.objects.count() == 1  # nothing built, nothing deleted


@pytest.mark.django_db
def test_missing_data_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("bench_search", "--data", "/nonexistent/bangumi.json", stdout=io.StringIO())
