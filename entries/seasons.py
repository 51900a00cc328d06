"""Anime seasons: the quarter a series starts airing in (winter is January to
March, spring April to June, summer July to September, fall October to
December, as bangumi-data and the Japanese TV schedule count them).

``Season`` is one season of one year: its label, its chart's address and the
seasons either side. Dates are read in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .models import MAX_YEAR, MIN_YEAR, Series

# In the order of the year; a season's index times three is its first month less one.
ORDER = [
    Series.Season.WINTER,
    Series.Season.SPRING,
    Series.Season.SUMMER,
    Series.Season.FALL,
]


@dataclass(frozen=True)
class Season:
    year: int
    name: str  # a ``Series.Season`` value

    @classmethod
    def parse(cls, year: int, name: str) -> Season | None:
        """The season of an address, or None if no series can have it (or the name is
        not written as the addresses write it: ``/seasons/2024/Winter/`` is not a page)."""
        if name not in ORDER or not MIN_YEAR <= year <= MAX_YEAR:
            return None
        return cls(year, name)

    @classmethod
    def of(cls, day: dt.date) -> Season:
        return cls(day.year, ORDER[(day.month - 1) // 3])

    @classmethod
    def current(cls) -> Season:
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{Series.Season(self.name).label} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("entries:season", kwargs={"year": self.year, "season": self.name})

    @property
    def previous(self) -> Season | None:
        index = ORDER.index(self.name)
        season = Season(self.year, ORDER[index - 1]) if index else Season(self.year - 1, ORDER[-1])
        return season if season.year >= MIN_YEAR else None

    @property
    def next(self) -> Season | None:
        index = ORDER.index(self.name)
        if index < len(ORDER) - 1:
            return Season(self.year, ORDER[index + 1])
        return Season(self.year + 1, ORDER[0]) if self.year < MAX_YEAR else None
