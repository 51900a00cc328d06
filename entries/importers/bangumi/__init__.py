"""Import anime series from bangumi-data (https://github.com/bangumi-data/bangumi-data).

bangumi-data (CC BY 4.0) is one JSON document, ``{"siteMeta": {...}, "items": [...]}``,
one item per anime work. ``read_file`` reads it, plain or gzip-compressed (told
apart by the gzip magic bytes, not the file name), and ``import_bangumi``
creates or updates one ``Series`` per item.

What an item becomes
    title           the first English title (``titleTranslate.en``), else ``title``
    native title    ``title`` (in the item's ``lang``, nearly always Japanese)
    aliases         the other English titles, the ``ja`` titles other than the native
                    one and the Chinese ones (``zh-Hans``, ``zh-Hant``), each with its
                    language
    format          ``tv`` TV, ``movie`` Movie, ``ova`` OVA, ``web`` ONA
    start/end date  ``begin``/``end`` are UTC instants of broadcasts scheduled in
                    Japan; the date kept is the calendar date in Asia/Tokyo, so a
                    late-night slot at 2024-01-10T16:25Z (01:25 on the 11th in Japan)
                    starts on 11 January
    year, season    from the start date (winter is January to March, and so on)
    status          announced before the start date (or without one), finished
                    after the end date, airing in between; "today" is the date in
                    Japan unless the caller passes one
    official site   ``officialSite``
    external ids    the ``mal``, ``anidb`` and ``aniList`` sites (numbers)
    streaming       every site whose ``siteMeta`` type is ``onair``: a platform named
                    after ``siteMeta[site].title``, and the item's page there (its own
                    ``url``, or the site's ``urlTemplate`` filled with the id)

Matching and updating
    An item is the series with its MyAnimeList id, else its AniDB id, else its
    AniList id; failing those, the series with the same native title and start
    date whose ids do not contradict the item's. Where the source has a value it
    wins; where it has none (no end date, no official site...) an editor's value
    stays. The title is the source's only when it has an English one and the
    current title is none of its English titles (in any letter case): an item
    without one says nothing about the English title an editor may have given.
    The status follows the merged dates, except that "cancelled" (which the
    source cannot express) stays, and so does "finished" when nobody knows the
    end date. Aliases and streaming rows are only added (a streaming URL may
    change), never deleted: the importer cannot tell them from an editor's.
    Slugs are made once, at creation, and never change. Only what differs is
    written, so a second run with the same file writes nothing.

Bad input
    A file that cannot be read as bangumi-data raises ``BangumiFileError``.
    An item that cannot become a series (no title, a date that is not a date, a
    start after the end, an unknown type, ids that belong to two different
    series, the same series as an earlier item, a value a field refuses) is
    skipped with a reason and every other item is imported; with ``strict=True``
    any skipped item aborts the whole import (``ImportAborted``) before anything
    is written. A single value that cannot be used (an id that is not a number,
    an id that an earlier item in the file already claimed, a broken URL) is left
    out of an otherwise imported series and reported as a note. The first item
    (in file order) that names an external id keeps it. Everything is written in
    one transaction, search documents included: an error part-way leaves
    nothing behind.

Writing
    Thousands of series go in with a few statements per 500, not five round
    trips each: new pages get what ``Entry.save`` would give a page without a
    body (a slug unique among series, worked out in memory against the existing
    ones; name keys; version 1), the Entry rows through ``bulk_create`` and the
    Series rows through one ``executemany`` (``bulk_create`` refuses
    multi-table children); changed pages through an ``executemany`` UPDATE
    (their bodies, rendering and recorded links are left alone; version and
    ``updated_at`` move on). No ``save`` signals are sent, so the search
    documents of every created or updated series are rebuilt here, in bulk
    (``entries.search.indexing``).

History
    The whole import is one revision, "Imported from bangumi-data <version>", with
    a version of every created or updated page and one ``Change`` each, as an
    editor's save would make, written in bulk by ``history`` (see there why).
    ``history=False`` leaves history out (benchmark databases).

The package, one module a stage, each importing only those above it:
    report      reasons, problems, ``ImportReport`` and ``ImportAborted``: what
                every stage adds to
    reading     ``read_file`` and ``parse_document``: the file and its top level
                (``BangumiData``, ``BangumiFileError``)
    records     ``parse_item``: one item to a record (``_Record``), with the
                value parsers; no database
    matching    the catalogue of the existing series (ids, names, slugs,
                platforms) and the existing rows a merge needs
    planning    each record matched, merged and checked: what to write
    writing     the planned rows written in bulk
    run         ``import_bangumi``: the stages in one transaction, timed; the
                history is written in bulk by ``entries.history.bulk``
It is split so that each stage can be read, and changed, on its own; the names
below are the public ones, importable from ``entries.importers.bangumi``.
"""

from .reading import BangumiData, BangumiFileError, parse_document, read_file
from .records import parse_item
from .report import ImportAborted, ImportReport, Problem, Reason
from .run import import_bangumi

__all__ = [
    "BangumiData",
    "BangumiFileError",
    "ImportAborted",
    "ImportReport",
    "Problem",
    "Reason",
    "import_bangumi",
    "parse_document",
    "parse_item",
    "read_file",
]
