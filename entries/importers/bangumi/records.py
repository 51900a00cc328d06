"""One item to a record: an item of the file checked and put in Fandex's terms
(``parse_item``), or skipped with a reason; the values it cannot use left out as
notes. Nothing here reads the database."""

import datetime
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from entries.models import MAX_YEAR, MIN_YEAR, Alias, Language, Series, StreamingPlatform
from entries.text import clean_text
from entries.wikilinks import name_key

from ..progress import Progress
from .reading import BangumiData, _json_type
from .report import ImportReport, Problem, Reason

JAPAN = ZoneInfo("Asia/Tokyo")
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
_DIGITS = re.compile(r"[0-9]{1,10}")
_validate_url = URLValidator(schemes=["http", "https"])
_URL_MAX_LENGTH = Series._meta.get_field("official_site").max_length
_ALIAS_MAX_LENGTH = Alias._meta.get_field("name").max_length
_PLATFORM_NAME_MAX_LENGTH = StreamingPlatform._meta.get_field("name").max_length


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
    """A stripped, clean string from JSON (``clean_text``: the bulk writes bypass the
    models' ``save``), or ""."""
    if not isinstance(value, str):
        return ""
    return clean_text(value).strip()


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
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _Skip(Reason.BAD_DATE, f"{name} {value!r} is not between {MIN_YEAR} and {MAX_YEAR}")
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


def _parse_items(
    data: BangumiData, *, today: datetime.date, report: ImportReport, progress: Progress
) -> list[_Record]:
    """Every item of ``data`` that can be a record; the others go to ``report.skipped``."""
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
