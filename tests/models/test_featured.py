"""What the home page features (``Entry.objects.featured_first``) is the first rows of
one order over every pick and every series, though only the first few of each group
are sorted: the same rows, in the same order, whatever the mix."""

import datetime

import pytest
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from entries.models import Entry, Series
from tests import factories

pytestmark = pytest.mark.django_db


def every_row_sorted(limit: int) -> list[str]:
    """The order the home page promises, by sorting every candidate (as it once did)."""
    airing_first = Case(When(as_series__status="airing", then=Value(0)), default=Value(1))
    rows = Entry.objects.filter(Q(featured__isnull=False) | Q(kind=Entry.Kind.SERIES)).order_by(
        F("featured").asc(nulls_last=True),
        airing_first,
        F("as_series__year").desc(nulls_last=True),
        "-updated_at",
        "-pk",
    )
    return [entry.title for entry in rows[:limit]]


def featured(limit: int) -> list[str]:
    return [entry.title for entry in Entry.objects.for_cards().featured_first(limit=limit)]


def edited(entry, days_ago: int) -> None:
    Entry.objects.filter(pk=entry.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.mark.parametrize("limit", [1, 2, 4, 6, 12])
def test_the_groups_cut_short_give_the_rows_of_the_whole_order(limit):
    airing, finished = Series.Status.AIRING, Series.Status.FINISHED
    for number, (status, year) in enumerate(
        [(airing, 2026), (airing, None), (airing, 2026), (finished, 2026), (finished, None)]
        + [(finished, 2025), (finished, 2025), (Series.Status.ANNOUNCED, 2027), ("", 2024)]
        + [(finished, 1998), (airing, 2025)]
    ):
        series = factories.make_series(title=f"Series {number}", status=status, year=year)
        edited(series, days_ago=number % 4)  # ties on year broken by the last edit, then id
    factories.make_character(title="Pick 2", featured=2)
    factories.make_series(title="Pick 1", featured=1, status=finished, year=1990)
    factories.make_staff(title="Pick 3", featured=3)
    factories.make_staff(title="Not featured")

    assert featured(limit) == every_row_sorted(limit)
    assert "Not featured" not in featured(limit)


def test_without_picks_or_airing_series_the_newest_come_first():
    for year in [None, 2001, 2024, 2024]:
        factories.make_series(title=f"From {year}", year=year, status=Series.Status.FINISHED)

    assert featured(4) == every_row_sorted(4)
    assert featured(4)[-1] == "From None"
    assert featured(2) == ["From 2024", "From 2024"]
