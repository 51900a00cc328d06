"""What an entry page tells search engines and link previews, besides itself: its
canonical address, its share card (Open Graph and Twitter) and its schema.org
data (JSON-LD).

Everything here reads what the page's view already loaded (the kind's
``for_page()`` prefetches and the main image joined to the row), so a page
costs no query more for it; ``absolute`` is the request's
``build_absolute_uri``, so addresses carry the host the reader asked for.
The template tags in ``entries/templatetags/seo_tags.py`` render it.

Characters: schema.org has no type for a fictional character (``Person`` is for
real people), so a character is a ``Thing`` that the series it appears in are
``subjectOf``; on a series page each voice actor is a ``PerformanceRole`` with
the character's name (``characterName``), schema.org's way of saying who plays
whom.

Spoilers (``entries.spoilers``): a share card or JSON-LD cannot hide anything,
so spoiler-marked appearances and relations are left out of them; the
description is the summary, which may hold no spoiler (``Entry.clean``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date

from django.utils.http import urlencode

from .models import (
    Character,
    Entry,
    Episode,
    Series,
    SeriesStudio,
    Staff,
    StaffCredit,
    Studio,
    StudioMember,
)

SITE_NAME = "Fandex"
# The width of the picture a share card shows: a rendition made at upload
# (``entries.pictures.RENDITION_WIDTHS``), or the largest one of a smaller picture.
CARD_IMAGE_WIDTH = 1280
DESCRIPTION_LENGTH = 200

Absolute = Callable[[str], str]


# --- Canonical addresses -------------------------------------------------------------------


def canonical_url(request, *, path: str = "", keep: Iterable[str] = (), page: int = 1) -> str:
    """The absolute address of the page ``request`` stands for: ``path`` (else the
    request's), with only the query parameters named in ``keep`` (the search's
    ``q``) and ``page`` when it is past the first. Other parameters (tracking, or
    a list's filters and sort order when the template asks for the first page) are
    left out: the page they make stands for the one without them."""
    params = [(name, request.GET[name]) for name in keep if request.GET.get(name)]
    if page > 1:
        params.append(("page", page))
    query = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri((path or request.path) + query)


# --- Share cards ---------------------------------------------------------------------------


def og_type(entry: Entry) -> str:
    """The Open Graph type of an entry page."""
    if isinstance(entry, Series):
        return "video.movie" if entry.format == Series.Format.MOVIE else "video.tv_show"
    if isinstance(entry, Episode):
        return "video.episode"
    if isinstance(entry, Staff):
        return "profile"
    # Studios, and characters (no Open Graph type fits a fictional person).
    return "website"


def page_title(entry: Entry) -> str:
    """The entry's name as its page's title says it (an episode with its series)."""
    if isinstance(entry, Episode):
        return f"{entry.series.title} episode {entry.number}: {entry.title}"
    return entry.title


def description(entry: Entry) -> str:
    """The summary, cut at a word to at most ``DESCRIPTION_LENGTH`` characters."""
    summary = " ".join(entry.summary.split())
    if len(summary) <= DESCRIPTION_LENGTH:
        return summary
    return summary[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def card_image(entry: Entry, absolute: Absolute) -> dict | None:
    """The main image's ``CARD_IMAGE_WIDTH`` rendition (JPEG or PNG, which every link
    preview opens, unlike WebP): ``{"url", "width", "height", "type"}``, or None."""
    pic = entry.image
    if pic is None or not pic.renditions:
        return None
    rendition = pic.default_rendition(CARD_IMAGE_WIDTH)
    return {
        "url": absolute(pic.url(rendition["fallback"])),
        "width": rendition["width"],
        "height": rendition["height"],
        "type": pic.media_type,
    }


def share_card(entry: Entry, absolute: Absolute) -> dict:
    """The Open Graph properties and Twitter card names of an entry page, as
    ``{"og": [(property, content)], "twitter": [(name, content)]}``, in order."""
    url = absolute(entry.get_absolute_url())
    title, summary, image = page_title(entry), description(entry), card_image(entry, absolute)
    og = [
        ("og:site_name", SITE_NAME),
        ("og:type", og_type(entry)),
        ("og:title", title),
        ("og:url", url),
    ]
    twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
    ]
    if summary:
        og.append(("og:description", summary))
        twitter.append(("twitter:description", summary))
    if image:
        og += [
            ("og:image", image["url"]),
            ("og:image:type", image["type"]),
            ("og:image:width", str(image["width"])),
            ("og:image:height", str(image["height"])),
            ("og:image:alt", entry.title),
        ]
        twitter += [("twitter:image", image["url"]), ("twitter:image:alt", entry.title)]
    return {"og": og, "twitter": twitter}


# --- Structured data -----------------------------------------------------------------------

# Studio roles that make a work (not distributors nor helpers).
PRODUCTION_ROLES = {
    SeriesStudio.Role.ANIMATION,
    SeriesStudio.Role.CO_ANIMATION,
    SeriesStudio.Role.PRODUCTION,
}
DIRECTOR_ROLES = {StaffCredit.Role.DIRECTOR, StaffCredit.Role.SUPERVISING_DIRECTOR}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _reference(schema_type: str, entry: Entry, absolute: Absolute) -> dict:
    """Another entry, named and linked (``entry`` comes with what its URL needs)."""
    return {"@type": schema_type, "name": entry.title, "url": absolute(entry.get_absolute_url())}


def _unique(items: list[dict]) -> list[dict]:
    """``items`` without repeats of the same ``url`` (a person with two director credits)."""
    seen, unique = set(), []
    for item in items:
        if item["url"] not in seen:
            seen.add(item["url"])
            unique.append(item)
    return unique


def _series_type(series: Series) -> str:
    return "Movie" if series.format == Series.Format.MOVIE else "TVSeries"


def _common(entry: Entry, schema_type: str, absolute: Absolute) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": absolute(entry.get_absolute_url()),
        "url": absolute(entry.get_absolute_url()),
        "name": entry.title,
    }
    names = [entry.native_title] if entry.native_title else []
    names += [alias.name for alias in entry.aliases.all()]
    if names:
        # An alias may repeat the native title: each name once, in order.
        data["alternateName"] = list(dict.fromkeys(names))
    if entry.summary:
        data["description"] = entry.summary
    image = card_image(entry, absolute)
    if image:
        data["image"] = image["url"]
    return data


def _series(series: Series, absolute: Absolute) -> dict:
    data = _common(series, _series_type(series), absolute)
    companies = [
        _reference("Organization", role.studio, absolute)
        for role in series.studio_roles.all()
        if role.role in PRODUCTION_ROLES
    ]
    directors = [
        _reference("Person", credit.staff, absolute)
        for credit in series.staff_credits.all()
        if credit.role in DIRECTOR_ROLES
    ]
    actors = [
        {
            "@type": "PerformanceRole",
            "characterName": appearance.character.title,
            "actor": _reference("Person", voice.actor, absolute),
        }
        for appearance in series.appearances.all()
        if appearance.revealed_in is None
        for voice in appearance.character.voice_credits.all()
    ]
    if companies:
        data["productionCompany"] = _unique(companies)
    if directors:
        data["director"] = _unique(directors)
    if actors:
        data["actor"] = actors
    if series.format == Series.Format.MOVIE:
        data["datePublished"] = _iso(series.start_date)
    else:
        data["numberOfEpisodes"] = series.episode_count or len(series.episodes.all()) or None
        data["startDate"] = _iso(series.start_date)
        data["endDate"] = _iso(series.end_date)
    data["sameAs"] = [url for _site, url in series.external_links] or None
    return data


def _episode(episode: Episode, absolute: Absolute) -> dict:
    data = _common(episode, "TVEpisode", absolute)
    data["episodeNumber"] = episode.number
    data["partOfSeries"] = _reference(_series_type(episode.series), episode.series, absolute)
    data["datePublished"] = _iso(episode.air_date)
    if episode.runtime_minutes:
        data["timeRequired"] = f"PT{episode.runtime_minutes}M"
    return data


def _staff(person: Staff, absolute: Absolute) -> dict:
    data = _common(person, "Person", absolute)
    data["jobTitle"] = person.occupation_list or None
    data["birthDate"] = _iso(person.birth_date)
    studios = [_reference("Organization", m.studio, absolute) for m in person.memberships.all()]
    data["worksFor"] = _unique(studios) or None
    return data


def _studio(studio: Studio, absolute: Absolute) -> dict:
    data = _common(studio, "Organization", absolute)
    data["foundingDate"] = str(studio.founded_year) if studio.founded_year else None
    data["address"] = studio.headquarters or None
    data["sameAs"] = [studio.website] if studio.website else None
    if studio.parent:
        data["parentOrganization"] = _reference("Organization", studio.parent, absolute)
    founders = [
        _reference("Person", member.person, absolute)
        for member in studio.members.all()
        if member.position == StudioMember.Position.FOUNDER
    ]
    data["founder"] = founders or None
    return data


def _character(character: Character, absolute: Absolute) -> dict:
    data = _common(character, "Thing", absolute)
    works = [
        _reference(_series_type(appearance.series), appearance.series, absolute)
        for appearance in character.appearances.all()
        if appearance.revealed_in is None
    ]
    data["subjectOf"] = _unique(works) or None
    return data


BUILDERS = {
    Series: _series,
    Episode: _episode,
    Staff: _staff,
    Studio: _studio,
    Character: _character,
}


def structured_data(entry: Entry, absolute: Absolute) -> dict:
    """The schema.org description of an entry page (empty facts left out)."""
    data = BUILDERS[type(entry)](entry, absolute)
    return {key: value for key, value in data.items() if value is not None}


# JSON in a <script> ends at the first "</script>" whatever the JSON means: write
# the characters HTML reads there as JSON escapes, as Django's ``json_script`` does.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data: dict) -> str:
    """``data`` as JSON that is safe between ``<script>`` and ``</script>``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
