"""Planning the writes: every record matched, merged into its series (or made a new
one) and checked, giving what must be written for it (``_Write``); nothing is
written here."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from entries.models import Series, Streaming, StreamingPlatform
from entries.wikilinks import name_key

from ..progress import Progress
from .matching import _Catalogue, _Existing, _load_existing
from .records import _Record, _Skip, _status
from .report import ImportReport, Problem, Reason


@dataclass
class _Write:
    """What to write for one series."""

    series: Series
    created: bool
    fields: list[str] = field(default_factory=list)  # changed fields of an existing series
    aliases: list[tuple[str, str]] = field(default_factory=list)
    new_listings: list[tuple[StreamingPlatform, str]] = field(default_factory=list)
    changed_listings: list[Streaming] = field(default_factory=list)
    # The rows written for a created series, for its first version.
    written: list[models.Model] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.created
            or self.fields
            or self.aliases
            or self.new_listings
            or self.changed_listings
        )


def _plan(
    records: list[_Record], *, today: datetime.date, report: ImportReport, progress: Progress
) -> list[_Write]:
    """Match every record, merge it into its series and say what must be written."""
    catalogue = _Catalogue()
    matches = []
    for record in records:
        try:
            matches.append((record, catalogue.match(record)))
        except _Skip as skip:
            report.skipped.append(
                Problem(record.item, record.values["native_title"], skip.reason, skip.detail)
            )
    existing = _load_existing([pk for _, pk in matches if pk is not None])

    writes = []
    total = len(matches)
    for done, (record, pk) in enumerate(matches, start=1):
        try:
            if pk is None:
                write = _new_series(record, catalogue)
            else:
                write = _merge(existing[pk], record, catalogue, today)
        except ValidationError as error:
            report.skipped.append(
                Problem(
                    record.item,
                    record.values["native_title"],
                    Reason.INVALID,
                    _validation_message(error),
                )
            )
        else:
            report.notes.extend(record.notes)
            if write.changes_anything:
                writes.append(write)
            else:
                report.unchanged += 1
        if done % 100 == 0 or done == total:
            progress("Matching", done, total)
    report.skipped.sort(key=lambda problem: problem.item)
    return writes


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _check(series: Series) -> None:
    # Uniqueness (slugs, external ids) is settled in memory by the catalogue; asking
    # the database about every row would cost several queries per series.
    series.full_clean(validate_unique=False, validate_constraints=False)


def _new_series(record: _Record, catalogue: _Catalogue) -> _Write:
    series = Series(**record.values, **record.ids)
    series.slug = catalogue.new_slug(series.title)
    _check(series)
    catalogue.slugs.add(series.slug)
    write = _Write(series=series, created=True, aliases=list(record.aliases))
    write.new_listings = _unique_platforms(
        (catalogue.platform(listing), listing.url) for listing in record.listings
    )
    return write


def _unique_platforms(pairs) -> list[tuple[StreamingPlatform, str]]:
    seen, unique = set(), []
    for platform, url in pairs:
        if id(platform) not in seen:
            seen.add(id(platform))
            unique.append((platform, url))
    return unique


def _merge(
    existing: _Existing, record: _Record, catalogue: _Catalogue, today: datetime.date
) -> _Write:
    series = existing.series
    write = _Write(series=series, created=False)
    for name, value in {**record.values, **record.ids}.items():
        if name == "status" or value is None or value == "":
            continue  # the source knows nothing: whatever an editor put there stays
        current = getattr(series, name)
        # The source's title is its first English one. Without one it offers the
        # native title, which native_title holds already: an editor's title stays,
        # as does another of the English titles or a change of letter case.
        if name == "title" and (
            not record.english_keys or name_key(current) in record.english_keys
        ):
            continue
        if current != value:
            setattr(series, name, value)
            write.fields.append(name)
    status = _merged_status(series, today)
    if status != series.status:
        series.status = status
        write.fields.append("status")
    if write.fields:
        _check(series)

    known = {name_key(series.title), name_key(series.native_title), *existing.alias_keys}
    for name, language in record.aliases:
        if name_key(name) not in known:
            known.add(name_key(name))
            write.aliases.append((name, language))

    pairs = _unique_platforms(
        (catalogue.platform(listing), listing.url) for listing in record.listings
    )
    for platform, url in pairs:
        listing = existing.listings.get(platform.pk) if platform.pk else None
        if listing is None:
            write.new_listings.append((platform, url))
        elif url and listing.url != url:
            listing.url = url
            write.changed_listings.append(listing)
    return write


def _merged_status(series: Series, today: datetime.date) -> str:
    """The status from the series' dates once merged; what only an editor can know stays."""
    if series.status == Series.Status.CANCELLED:
        return series.status
    if series.status and series.start_date is None:
        return series.status
    # No end date from anyone, but an editor knows it has finished.
    if series.status == Series.Status.FINISHED and series.end_date is None:
        return series.status
    return _status(series.start_date, series.end_date, today)
