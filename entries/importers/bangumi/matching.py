"""Matching records to the series already there: the catalogue of existing series
(their ids, native titles and start dates, slugs and streaming platforms, in
memory) and the existing rows a merge needs."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from entries.models import Alias, Entry, Series, Streaming, StreamingPlatform
from entries.slugs import slugify_title, unique_slug
from entries.wikilinks import name_key

from .records import ID_FIELDS, SITE_NAMES, _Listing, _Record, _Skip
from .report import Reason

# Rows per statement: IN lists here, INSERTs and UPDATEs in ``writing``.
CHUNK_SIZE = 500


@dataclass
class _Existing:
    """A series already in the database, with what merging needs of its relations."""

    series: Series
    alias_keys: set[str] = field(default_factory=set)
    listings: dict[int, Streaming] = field(default_factory=dict)  # by platform pk


@dataclass
class _Candidate:
    key: Any  # a Series pk, or ("new", item number) for a series this import creates
    ids: dict[str, int | None]


class _Catalogue:
    """The series already in the database, as far as matching needs them, in memory."""

    def __init__(self) -> None:
        self.owner: dict[str, dict[int, int]] = {name: {} for name in ID_FIELDS}
        self.titles: dict[int, str] = {}
        self.by_name_and_start: dict[tuple, list[_Candidate]] = defaultdict(list)
        rows = Series.objects.order_by("pk").values_list(
            "pk", "title", "native_title", "start_date", *ID_FIELDS
        )
        for pk, title, native_title, start_date, *ids in rows.iterator(chunk_size=2000):
            self.titles[pk] = title
            ids = dict(zip(ID_FIELDS, ids, strict=True))
            for name, value in ids.items():
                if value is not None:
                    self.owner[name][value] = pk
            self.by_name_and_start[(native_title, start_date)].append(_Candidate(pk, ids))
        self.slugs = set(
            Entry.objects.filter(kind=Entry.Kind.SERIES).values_list("slug", flat=True)
        )
        self.claimed: set = set()
        platforms = list(StreamingPlatform.objects.all())
        self.platforms_by_slug = {platform.slug: platform for platform in platforms}
        self.platforms_by_name = {platform.name.casefold(): platform for platform in platforms}
        self.platforms_by_site: dict[str, StreamingPlatform] = {}

    def match(self, record: _Record) -> int | None:
        """The pk of the series ``record`` is, None for a new one; ``_Skip`` on a conflict."""
        found = next(
            (
                self.owner[name][record.ids[name]]
                for name in ID_FIELDS
                if record.ids.get(name) in self.owner[name]
            ),
            None,
        )
        if found is not None:
            for name, value in record.ids.items():
                other = self.owner[name].get(value)
                if other is not None and other != found:
                    raise _Skip(
                        Reason.ID_CONFLICT,
                        f"{SITE_NAMES[name]} id {value} belongs to {self._describe(other)}, "
                        f"the item's other ids to {self._describe(found)}",
                    )
        else:
            found = self._match_by_name(record)
        if found is not None and found in self.claimed:
            raise _Skip(Reason.DUPLICATE, f"an earlier item matched {self._describe(found)}")
        if found is not None:
            self.claimed.add(found)
        else:
            key = ("new", record.item)
            self.claimed.add(key)
            self.by_name_and_start[self._name_key(record)].append(
                _Candidate(key, {name: record.ids.get(name) for name in ID_FIELDS})
            )
        return found

    def _match_by_name(self, record: _Record):
        candidates = [
            candidate
            for candidate in self.by_name_and_start.get(self._name_key(record), ())
            if all(
                candidate.ids[name] is None or record.ids.get(name) in (None, candidate.ids[name])
                for name in ID_FIELDS
            )
        ]
        free = [candidate for candidate in candidates if candidate.key not in self.claimed]
        if free:
            return free[0].key
        if candidates:
            raise _Skip(
                Reason.DUPLICATE,
                f"{self._describe(candidates[0].key)} has the same native title and start date",
            )
        return None

    @staticmethod
    def _name_key(record: _Record) -> tuple:
        return (record.values["native_title"], record.values["start_date"])

    def _describe(self, key) -> str:
        if isinstance(key, tuple):
            return f"item {key[1]}"
        return f"series #{key} {self.titles.get(key, '')!r}".rstrip()

    def new_slug(self, title: str) -> str:
        return unique_slug(slugify_title(title), self.slugs.__contains__)

    def platform(self, listing: _Listing) -> StreamingPlatform:
        """The platform for a site: found by slug, then by name, else a new (unsaved) one."""
        if listing.site in self.platforms_by_site:
            return self.platforms_by_site[listing.site]
        slug = slugify(listing.site.replace("_", "-"))[:100] or "platform"
        platform = self.platforms_by_slug.get(slug) or self.platforms_by_name.get(
            listing.name.casefold()
        )
        if platform is None:
            platform = StreamingPlatform(name=listing.name, slug=slug, website=listing.website)
            self.platforms_by_slug[slug] = platform
            self.platforms_by_name[listing.name.casefold()] = platform
        self.platforms_by_site[listing.site] = platform
        return platform


def _load_existing(pks: list[int]) -> dict[int, _Existing]:
    """The series with these pks, their alias keys and their streaming rows."""
    wanted = set(pks)
    existing = {
        series.pk: _Existing(series)
        for series in _rows_for(Series.objects.order_by(), "pk", wanted)
        if series.pk in wanted
    }
    aliases = Alias.objects.order_by().values_list("entry_id", "name", named=True)
    for alias in _rows_for(aliases, "entry_id", wanted):
        if alias.entry_id in wanted:
            existing[alias.entry_id].alias_keys.add(name_key(alias.name))
    for listing in _rows_for(Streaming.objects.order_by(), "series_id", wanted):
        if listing.series_id in wanted:
            existing[listing.series_id].listings[listing.platform_id] = listing
    return existing


def _rows_for(queryset, field_name: str, pks: set[int]) -> Iterator:
    """The rows of ``queryset`` whose ``field_name`` is in ``pks``, and maybe others.

    Past a few thousand keys, reading every row is cheaper than building and
    sending IN lists (and the caller drops the others); below, chunks of IN lists.
    """
    if len(pks) > 4 * CHUNK_SIZE:
        yield from queryset.iterator(chunk_size=2000)
        return
    ordered = sorted(pks)
    for start in range(0, len(ordered), CHUNK_SIZE):
        chunk = ordered[start : start + CHUNK_SIZE]
        yield from queryset.filter(**{f"{field_name}__in": chunk})
