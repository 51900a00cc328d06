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
    editor's save would make. django-reversion copies its table of pending
    versions on every addition, which is quadratic at this size (some 60,000
    rows for the full data set), so the versions are built here, in bulk, the
    way ``reversion.add_to_revision`` builds them (a test compares the two).
    ``history=False`` leaves history out (benchmark databases).
"""

import datetime
import gzip
import json
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision, Version

from entries.history.registry import INLINES
from entries.models import (
    Alias,
    Change,
    Entry,
    GalleryImage,
    Language,
    Series,
    Streaming,
    StreamingPlatform,
    TaggedEntry,
)
from entries.search import indexing as search_indexing
from entries.slugs import slugify_title, unique_slug
from entries.wikilinks import name_key

JAPAN = ZoneInfo("Asia/Tokyo")
GZIP_MAGIC = b"\x1f\x8b"
FORMATS = {
    "tv": Series.Format.TV,
    "movie": Series.Format.MOVIE,
    "ova": Series.Format.OVA,
    "web": Series.Format.ONA,
}
# bangumi-data site -> (Series field, the site's name). Matching tries them in this order.
ID_SITES = {
    "mal": ("mal_id", "MyAnimeList"),
    "anidb": ("anidb_id", "AniDB"),
    "aniList": ("anilist_id", "AniList"),
}
ID_FIELDS = tuple(field_name for field_name, _ in ID_SITES.values())
SITE_NAMES = dict(ID_SITES.values())
ALIAS_LANGUAGES = {
    "en": Language.ENGLISH,
    "ja": Language.JAPANESE,
    "zh-Hans": Language.CHINESE_SIMPLIFIED,
    "zh-Hant": Language.CHINESE_TRADITIONAL,
}
SEASONS = {
    **dict.fromkeys((1, 2, 3), Series.Season.WINTER),
    **dict.fromkeys((4, 5, 6), Series.Season.SPRING),
    **dict.fromkeys((7, 8, 9), Series.Season.SUMMER),
    **dict.fromkeys((10, 11, 12), Series.Season.FALL),
}
# The largest number a PositiveIntegerField holds on every database.
MAX_ID = 2_147_483_647
CHUNK_SIZE = 500
_DIGITS = re.compile(r"[0-9]{1,10}")
_VERSION_IN_NAME = re.compile(r"bangumi-data-(\d+\.\d+\.\d+)")
_validate_url = URLValidator(schemes=["http", "https"])
_URL_MAX_LENGTH = Series._meta.get_field("official_site").max_length
_ALIAS_MAX_LENGTH = Alias._meta.get_field("name").max_length
_PLATFORM_NAME_MAX_LENGTH = StreamingPlatform._meta.get_field("name").max_length


# What each kind's revision follows beyond its Entry row (the history registry's inlines).
FOLLOW = {model: tuple(inline.follow for inline in inlines) for model, inlines in INLINES.items()}


class Reason:
    """Why an item was skipped, or a value left out: the summary counts per reason."""

    # Items skipped
    NOT_AN_OBJECT = "not a JSON object"
    MALFORMED = "malformed item"
    NO_TITLE = "missing title"
    UNKNOWN_TYPE = "unknown type"
    BAD_DATE = "bad date"
    ENDS_BEFORE_START = "begins after it ends"
    ID_CONFLICT = "ids belong to another series"
    DUPLICATE = "same series as an earlier item"
    INVALID = "invalid value"
    # Values left out
    BAD_ID = "external id is not a number"
    SHARED_ID = "external id already claimed by an earlier item"
    BAD_OFFICIAL_SITE = "invalid official site"
    BAD_STREAMING_URL = "invalid streaming URL"
    LONG_ALIAS = "alias too long"


class BangumiFileError(Exception):
    """The file cannot be read as bangumi-data; nothing was imported."""


@dataclass(frozen=True)
class Problem:
    """An item skipped, or a value left out of an imported series."""

    item: int  # position in ``items``, counting from 1
    title: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"item {self.item}"
        if self.title:
            text += f" ({self.title})"
        text += f": {self.reason}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass
class ImportReport:
    """What an import did. ``created`` and ``updated`` hold the series' primary keys."""

    source: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    revision_id: int | None = None
    # Seconds spent per stage ("matching", "writing", "history").
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}"
        )

    def skipped_by_reason(self) -> Counter:
        return Counter(problem.reason for problem in self.skipped)

    def notes_by_reason(self) -> Counter:
        return Counter(problem.reason for problem in self.notes)


class ImportAborted(Exception):
    """``strict`` import with bad items: nothing was written. ``report`` says which."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(f"{len(report.skipped)} item(s) cannot be imported; nothing was written.")


@dataclass
class BangumiData:
    """A bangumi-data document: its items, its site descriptions and a label for it."""

    items: list
    site_meta: dict
    label: str  # the release ("0.3.222") or else the file name

    @property
    def comment(self) -> str:
        return f"Imported from bangumi-data {self.label}"


# --- Reading the file ------------------------------------------------------------------


def read_file(path: str | Path) -> BangumiData:
    """The bangumi-data document at ``path`` (JSON, or gzip-compressed JSON)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BangumiFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise BangumiFileError(f"{path} is a directory, not a bangumi-data file.") from None
    except OSError as error:
        raise BangumiFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as error:
            raise BangumiFileError(
                f"{path} is a damaged or truncated gzip file ({error})."
            ) from None
    if not raw.strip():
        raise BangumiFileError(f"{path} is empty.")
    try:
        document = json.loads(raw)
    except UnicodeDecodeError:
        raise BangumiFileError(f"{path} is neither gzip-compressed nor UTF-8 JSON.") from None
    except json.JSONDecodeError as error:
        raise BangumiFileError(
            f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise BangumiFileError(f"{path} is nested too deeply to be bangumi-data.") from None
    return parse_document(document, label=_release_label(path))


def parse_document(document: Any, *, label: str) -> BangumiData:
    """Check the top-level shape of a decoded bangumi-data document."""
    if not isinstance(document, dict):
        raise BangumiFileError(
            f'Expected a JSON object with "items" and "siteMeta", found a {_json_type(document)}.'
        )
    if "items" not in document:
        raise BangumiFileError('The file has no "items": it is not bangumi-data.')
    items = document["items"]
    if not isinstance(items, list):
        raise BangumiFileError(f'"items" must be a list, found a {_json_type(items)}.')
    site_meta = document.get("siteMeta", {})
    if not isinstance(site_meta, dict):
        raise BangumiFileError(f'"siteMeta" must be an object, found a {_json_type(site_meta)}.')
    return BangumiData(items=items, site_meta=site_meta, label=label)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _release_label(path: Path) -> str:
    """``0.3.222`` from ``bangumi-data-0.3.222.json.gz`` or from the npm package's
    ``package.json`` (``package/dist/data.json``); else the file name."""
    if match := _VERSION_IN_NAME.search(path.name):
        return match.group(1)
    package = path.parent.parent / "package.json"
    if path.parent.name == "dist" and package.is_file():
        try:
            meta = json.loads(package.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if isinstance(meta, dict) and meta.get("name") == "bangumi-data":
            version = meta.get("version")
            if isinstance(version, str) and version:
                return version
    return path.name


# --- One item --------------------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class _Listing:
    site: str  # the bangumi-data site key ("crunchyroll")
    name: str  # siteMeta title
    website: str
    url: str


@dataclass
class _Record:
    """One item, checked and in Fandex's terms."""

    item: int
    values: dict[str, Any]  # Series fields from the item, "title" first
    ids: dict[str, int]  # Series id field -> id
    aliases: list[tuple[str, str]]  # (name, language)
    listings: list[_Listing]
    english_keys: set[str] = field(default_factory=set)  # name keys of the English titles
    notes: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.values["title"]

    def note(self, reason: str, detail: str = "") -> None:
        self.notes.append(Problem(self.item, self.values["native_title"], reason, detail))


def _text(value: Any) -> str:
    """A stripped string from JSON, or ""; NULs dropped, broken surrogates replaced."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "").strip()
    return value.encode("utf-8", "replace").decode("utf-8")


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [text for text in map(_text, value) if text]


def _moment(value: Any, name: str) -> datetime.datetime | None:
    """An ISO 8601 instant from the item (UTC when it names no offset), or None if empty."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Skip(Reason.BAD_DATE, f"{name} is {value!r}")
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Skip(Reason.BAD_DATE, f"{name} {value!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        day = moment.astimezone(JAPAN).date()
    except OverflowError:
        raise _Skip(Reason.BAD_DATE, f"{name} {value!r} is out of range") from None
    if not 1900 <= day.year <= 2100:
        raise _Skip(Reason.BAD_DATE, f"{name} {value!r} is not between 1900 and 2100")
    return moment


def _japan_date(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.astimezone(JAPAN).date() if moment is not None else None


def _external_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def _is_url(value: str) -> bool:
    if len(value) > _URL_MAX_LENGTH:
        return False
    try:
        _validate_url(value)
    except ValidationError:
        return False
    return True


@cache
def _website(url_template: str) -> str:
    """The home page of a site, from its URL template."""
    try:
        parts = urlsplit(url_template)
    except ValueError:
        return ""
    home = f"{parts.scheme}://{parts.netloc}/"
    return home if parts.netloc and _is_url(home) else ""


def _status(start: datetime.date | None, end: datetime.date | None, today: datetime.date):
    if start is None or start > today:
        return Series.Status.ANNOUNCED
    if end is not None and end < today:
        return Series.Status.FINISHED
    return Series.Status.AIRING


def parse_item(number: int, item: Any, *, site_meta: dict, today: datetime.date) -> _Record:
    """Item ``number`` in Fandex's terms; raises ``_Skip`` when it cannot be a series."""
    if not isinstance(item, dict):
        raise _Skip(Reason.NOT_AN_OBJECT, f"found a {_json_type(item)}")
    native_title = _text(item.get("title"))
    if not native_title:
        raise _Skip(Reason.NO_TITLE)
    translations = item.get("titleTranslate") or {}
    if not isinstance(translations, dict):
        raise _Skip(Reason.MALFORMED, "titleTranslate is not an object")
    names = {language: _texts(translations.get(language)) for language in ALIAS_LANGUAGES}
    title = names["en"][0] if names["en"] else native_title

    kind = item.get("type")
    series_format = FORMATS.get(kind) if isinstance(kind, str) else None
    if series_format is None:
        raise _Skip(Reason.UNKNOWN_TYPE, f"type {kind!r}")

    begin, end = _moment(item.get("begin"), "begin"), _moment(item.get("end"), "end")
    if begin is not None and end is not None and end < begin:
        raise _Skip(Reason.ENDS_BEFORE_START, f"begin {item['begin']}, end {item['end']}")
    start_date, end_date = _japan_date(begin), _japan_date(end)

    sites = item.get("sites") or []
    if not isinstance(sites, list):
        raise _Skip(Reason.MALFORMED, "sites is not a list")

    record = _Record(
        item=number,
        values={
            "title": title,
            "native_title": native_title,
            "format": series_format,
            "status": _status(start_date, end_date, today),
            "season": SEASONS[start_date.month] if start_date else "",
            "year": start_date.year if start_date else None,
            "start_date": start_date,
            "end_date": end_date,
            "official_site": "",
        },
        ids={},
        aliases=[],
        listings=[],
        english_keys={name_key(name) for name in names["en"]},
    )

    official_site = _text(item.get("officialSite"))
    if official_site and not _is_url(official_site):
        record.note(Reason.BAD_OFFICIAL_SITE, official_site[:100])
    elif official_site:
        record.values["official_site"] = official_site

    seen = {name_key(title), name_key(native_title)}
    for language_key, language in ALIAS_LANGUAGES.items():
        for name in names[language_key]:
            key = name_key(name)
            if key in seen:
                continue
            seen.add(key)
            if len(name) > _ALIAS_MAX_LENGTH:
                record.note(Reason.LONG_ALIAS, name[:100])
            else:
                record.aliases.append((name, language))

    listed = set()
    for site in sites:
        if not isinstance(site, dict) or not isinstance(site.get("site"), str):
            continue
        key = site["site"]
        if key in ID_SITES:
            field_name, site_name = ID_SITES[key]
            if field_name in record.ids:
                continue
            value = _external_id(site.get("id"))
            if value is None:
                record.note(Reason.BAD_ID, f"{site_name} id {site.get('id')!r}")
            else:
                record.ids[field_name] = value
        meta = site_meta.get(key)
        if key in listed or not isinstance(meta, dict) or meta.get("type") != "onair":
            continue
        listed.add(key)
        template = _text(meta.get("urlTemplate"))
        url = _text(site.get("url"))
        site_id = site.get("id")
        site_id = _text(str(site_id) if type(site_id) is int else site_id)
        if not url and site_id and "{{id}}" in template:
            url = template.replace("{{id}}", site_id)
        if url and not _is_url(url):
            record.note(Reason.BAD_STREAMING_URL, url[:100])
            url = ""
        record.listings.append(
            _Listing(
                site=key,
                name=(_text(meta.get("title")) or key)[:_PLATFORM_NAME_MAX_LENGTH],
                website=_website(template),
                url=url,
            )
        )
    return record


# --- The import ------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


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


def import_bangumi(
    data: BangumiData,
    *,
    today: datetime.date | None = None,
    strict: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update a series for each item of ``data``; see the module docstring.

    ``today`` (a date in Japan) decides which series are announced, airing or
    finished. ``progress(stage, done, total)`` is called as the work goes on.
    Raises ``ImportAborted`` when ``strict`` and an item cannot be imported.
    """
    today = today or timezone.localdate(timezone=JAPAN)
    progress = progress or _no_progress
    report = ImportReport(source=data.label)
    clock = _Clock(report.timings)

    with transaction.atomic():
        with clock("matching"):
            records = _parse_items(data, today=today, report=report, progress=progress)
            writes = _plan(records, today=today, report=report, progress=progress)
        if strict and report.skipped:
            raise ImportAborted(report)
        # Search documents are written once, in bulk, at the end of the block: the
        # bulk inserts send no signals, and the saves' signals wait for it.
        with clock("writing"), search_indexing.deferred():
            _write(writes, progress=progress)
            report.created = [write.series.pk for write in writes if write.created]
            report.updated = [write.series.pk for write in writes if not write.created]
            search_indexing.entries_changed(report.created + report.updated)
        if history and writes:
            with clock("history"):
                revision = _record_history(writes, comment=data.comment, progress=progress)
            report.revision_id = revision.pk
    return report


class _Clock:
    """``with clock("stage"):`` adds the seconds the block took to ``timings["stage"]``."""

    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


def _parse_items(data, *, today, report, progress) -> list[_Record]:
    records = []
    total = len(data.items)
    claimed_ids: dict[tuple[str, int], int] = {}
    for number, item in enumerate(data.items, start=1):
        try:
            record = parse_item(number, item, site_meta=data.site_meta, today=today)
        except _Skip as skip:
            title = _text(item.get("title")) if isinstance(item, dict) else ""
            report.skipped.append(Problem(number, title, skip.reason, skip.detail))
        else:
            # An id several items name is ambiguous: the first item keeps it.
            for name, value in list(record.ids.items()):
                first = claimed_ids.setdefault((name, value), number)
                if first != number:
                    del record.ids[name]
                    record.note(Reason.SHARED_ID, f"{SITE_NAMES[name]} id {value} (item {first})")
            records.append(record)
        if number % 100 == 0 or number == total:
            progress("Reading items", number, total)
    return records


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


def _write(writes: list[_Write], *, progress: Progress) -> None:
    platforms = {
        id(platform): platform
        for write in writes
        for platform, _ in write.new_listings
        if platform.pk is None
    }
    StreamingPlatform.objects.bulk_create(platforms.values())

    updates = [write for write in writes if not write.created]
    creates = [write for write in writes if write.created]
    total, done = len(writes), 0
    for start in range(0, len(updates), CHUNK_SIZE):
        batch = updates[start : start + CHUNK_SIZE]
        _update_series(batch)
        done += len(batch)
        progress("Writing", done, total)
    for start in range(0, len(creates), CHUNK_SIZE):
        batch = creates[start : start + CHUNK_SIZE]
        _create_series([write.series for write in batch])
        done += len(batch)
        progress("Writing", done, total)

    aliases = []
    for write in writes:
        rows = [
            Alias(entry=write.series, name=name, language=language, name_key=name_key(name))
            for name, language in write.aliases
        ]
        aliases.extend(rows)
        if write.created:
            write.written.extend(rows)
    Alias.objects.bulk_create(aliases, batch_size=1000)
    listings = []
    for write in writes:
        rows = [
            Streaming(series=write.series, platform=platform, url=url)
            for platform, url in write.new_listings
        ]
        listings.extend(rows)
        if write.created:
            write.written.extend(rows)
    Streaming.objects.bulk_create(listings, batch_size=1000)
    _update(Streaming, [listing for write in writes for listing in write.changed_listings], ["url"])


def _update_series(batch: list[_Write]) -> None:
    """Save changed series: what ``Entry.save`` would do for them, in two statements.

    The importer never touches a body, so its rendering and recorded links stand;
    the name keys, the version and ``updated_at`` move on, for every page with a
    change (a new alias or streaming link included).
    """
    now = timezone.now()
    changed = {"title_key", "native_key", "version", "updated_at"}
    for write in batch:
        series = write.series
        series.title_key = name_key(series.title)
        series.native_key = name_key(series.native_title)
        series.version += 1
        series.updated_at = now
        changed.update(write.fields)
    objects = [write.series for write in batch]
    for model in (Entry, Series):
        own = [f.name for f in model._meta.local_concrete_fields if f.name in changed]
        if own:
            _update(model, objects, own)


def _update(model: type[models.Model], objects: list[models.Model], names: list[str]) -> None:
    """UPDATE the ``names`` columns of ``model``'s own table for ``objects``, at once.

    ``bulk_update`` writes one CASE expression per field over the whole batch, and
    resolving those is slow past a few hundred rows; one ``executemany`` of a plain
    UPDATE does the same work. Every object's current values are written.
    """
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in names]
    key = model._meta.pk
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(key.column),
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
        + [key.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _create_series(batch: list[Series]) -> None:
    """Insert new series (slugs already made, no body) in a few statements.

    ``Series.objects.create`` costs five round trips a series (a savepoint, two
    inserts, the wiki-link check, the release); for thousands of series this
    does what ``Entry.save`` would do for a page with no body, in bulk: the
    Entry rows through ``bulk_create`` (which returns their keys), then the
    Series rows with ``_insert``, since ``bulk_create`` refuses multi-table
    children. Without RETURNING support it falls back to ``save``.
    """
    using = router.db_for_write(Series)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        for series in batch:
            series.save(using=using)
        return
    parent_fields = [f for f in Entry._meta.concrete_fields if not f.primary_key]
    parents = []
    for series in batch:
        if series.body:  # a body has links to render and record: the full save does that
            raise ValueError("_create_series is for series without a body")
        series.title_key = name_key(series.title)
        series.native_key = name_key(series.native_title)
        series.body_html = ""
        parents.append(Entry(**{f.attname: getattr(series, f.attname) for f in parent_fields}))
    Entry.objects.using(using).bulk_create(parents)
    for series, parent in zip(batch, parents, strict=True):
        # The parent's key, and what bulk_create filled in (created_at, updated_at).
        for model_field in Entry._meta.concrete_fields:
            setattr(series, model_field.attname, getattr(parent, model_field.attname))
        series.entry_ptr_id = parent.pk
        series._state.adding = False
        series._state.db = using

    own_fields = Series._meta.local_concrete_fields
    _insert(
        Series, [{f.attname: getattr(series, f.attname) for f in own_fields} for series in batch]
    )


# --- History ---------------------------------------------------------------------------


def _record_history(writes: list[_Write], *, comment: str, progress: Progress) -> Revision:
    """One revision holding every written page, as ``entries.revisions.note`` records it."""
    revision = Revision.objects.create(date_created=timezone.now(), comment=comment)
    seen: set[tuple[int, str]] = set()
    total, done = len(writes), 0

    def save_versions(objects: Iterable[models.Model]) -> None:
        rows = []
        for row in _versions(objects, revision):
            # Tags and their like can be shared by several pages: one version each.
            key = (row["content_type_id"], row["object_id"])
            if key not in seen:
                seen.add(key)
                rows.append(row)
        _insert(Version, rows)

    # A page just created holds exactly the rows written for it, still in memory.
    fresh = [write for write in writes if write.created and _has_keys(write)]
    for start in range(0, len(fresh), CHUNK_SIZE):
        batch = fresh[start : start + CHUNK_SIZE]
        save_versions(
            obj for write in batch for obj in (write.series, write.series.entry_ptr, *write.written)
        )
        done += len(batch)
        progress("History", done, total)
    # Other pages may have tags, credits, episodes...: read them back whole.
    others = [write.series.pk for write in writes if not (write.created and _has_keys(write))]
    for start in range(0, len(others), CHUNK_SIZE):
        chunk = others[start : start + CHUNK_SIZE]
        pages = Series.objects.filter(pk__in=chunk).prefetch_related(*_page_prefetches(Series))
        save_versions(obj for series in pages for obj in page_objects(series))
        done += len(chunk)
        progress("History", done, total)

    Change.objects.bulk_create(
        (
            Change(
                revision=revision,
                entry_id=write.series.pk,
                entry_pk=write.series.pk,
                kind=write.series.kind,
                title=write.series.title,
                action=Change.Action.CREATE if write.created else Change.Action.CHANGE,
                version=write.series.version,
            )
            for write in writes
        ),
        batch_size=1000,
    )
    return revision


def _has_keys(write: _Write) -> bool:
    return all(row.pk is not None for row in write.written)


def page_objects(entry: Entry) -> Iterator[models.Model]:
    """Every row a revision of ``entry`` (an Entry subclass) holds.

    The same rows ``reversion.add_to_revision`` reaches through the registration in
    ``entries.revisions``: the kind's row, the Entry row (``entry_ptr``), aliases,
    tagged items and their tags, gallery rows, and each relation in ``FOLLOW``,
    pages among them (episodes) with their own rows.
    """
    yield entry
    yield entry.entry_ptr  # built from the subclass's own fields: no query
    yield from _related(entry, "aliases")
    yield from _related(entry, "gallery")
    for tagged in _related(entry, "tagged_items"):
        yield tagged
        yield tagged.tag
    for name in FOLLOW[type(entry)]:
        for row in _related(entry, name):
            if type(row) in FOLLOW:
                yield from page_objects(row)
            else:
                yield row


def _related(entry: Entry, name: str):
    prefetched = getattr(entry, f"_history_{name}", None)
    return prefetched if prefetched is not None else getattr(entry, name).all()


def _page_prefetches(model: type[Entry]) -> list[models.Prefetch]:
    """What ``page_objects`` reads of pages of ``model``, for ``prefetch_related``.

    Into plain lists (``to_attr``): Django's prefetch into a related manager
    clones a queryset per object and relation, which for thousands of pages
    costs more than the queries. The rows come with what their ``str()`` (the
    version's ``object_repr``) reads.
    """
    prefetches = [
        models.Prefetch("aliases", to_attr="_history_aliases"),
        models.Prefetch(
            "tagged_items",
            queryset=TaggedEntry.objects.select_related("tag"),
            to_attr="_history_tagged_items",
        ),
        models.Prefetch(
            "gallery",
            queryset=GalleryImage.objects.select_related("picture"),
            to_attr="_history_gallery",
        ),
    ]
    for name in FOLLOW[model]:
        related = model._meta.get_field(name).related_model
        rows = related._default_manager.select_related()
        if related in FOLLOW:
            rows = rows.prefetch_related(*_page_prefetches(related))
        prefetches.append(models.Prefetch(name, queryset=rows, to_attr=f"_history_{name}"))
    return prefetches


@cache
def _serialized_fields(model: type[models.Model]) -> tuple[str, ...]:
    # As reversion.register computes them when given no ``fields``.
    opts = model._meta.concrete_model._meta
    return tuple(f.name for f in opts.local_fields + opts.local_many_to_many)


def _versions(objects: Iterable[models.Model], revision: Revision) -> Iterator[dict[str, Any]]:
    """The ``Version`` rows of ``objects`` in ``revision``, as reversion serializes them.

    Django's "json" serializer writes through ``json.dump``, which cannot use the C
    encoder; the "python" serializer plus ``json.dumps`` gives the same document
    several times faster.
    """
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    for model, rows in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        using = router.db_for_write(model)
        dumped = serializers.serialize("python", rows, fields=_serialized_fields(model))
        for obj, data in zip(rows, dumped, strict=True):
            yield {
                "revision_id": revision.pk,
                "content_type_id": content_type.pk,
                "object_id": str(obj.pk),
                "db": using,
                "format": "json",
                "serialized_data": json.dumps([data], cls=DjangoJSONEncoder, ensure_ascii=False),
                "object_repr": str(obj),
            }


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (field attname -> value) into ``model``'s own table at once.

    ``bulk_create`` builds a model instance and compiles every value of every row;
    for tens of thousands of rows whose keys nobody needs back that is most of the
    import's time. One ``executemany`` does the same INSERTs. It writes only the
    model's own table (no parents), and fills no defaults: every row names every
    field but an auto-incremented key.
    """
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [[f.get_db_prep_save(row[f.attname], connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
