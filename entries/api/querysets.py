"""What each API endpoint fetches: a fixed number of queries, whatever the rows.

Kept here rather than on the models' ``for_page``/``for_cards`` because the API
shows more than a page does in places (both directions of relations as rows,
tags as ``TaggedEntry`` rows, so that marks on them such as issue 15's
``revealed_in`` can be read) and less in others (no "what links here").
The tests (tests/api/test_queries.py) pin each count.
"""

from django.db.models import F, Prefetch

from ..models import (
    Appearance,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    GalleryImage,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    Studio,
    StudioMember,
    Tag,
    TaggedEntry,
    VoiceCredit,
)


def _tags(prefix: str = "") -> Prefetch:
    """An entry's tags as ``TaggedEntry`` rows with their tag, by tag name."""
    return Prefetch(
        f"{prefix}tagged_items",
        queryset=TaggedEntry.objects.select_related("tag", "revealed_in_series").order_by(
            "tag__name"
        ),
    )


def cards(model: type[Entry]):
    """A list's rows: main image and tags; two queries a page (one more for
    episodes' series comes with the same query)."""
    rows = model.objects.select_related("image").prefetch_related(_tags())
    if model is Episode:
        rows = rows.select_related("series")
    return rows


def _detail(model: type[Entry]):
    """What every kind's detail shows: main image, tags, aliases, gallery."""
    return cards(model).prefetch_related(
        "aliases",
        Prefetch(
            "gallery",
            queryset=GalleryImage.objects.select_related("picture", "revealed_in_series"),
        ),
    )


def series_detail():
    return _detail(Series).prefetch_related(
        Prefetch(
            "studio_roles",
            queryset=SeriesStudio.objects.select_related("studio").order_by(
                "role", "studio__title"
            ),
        ),
        Prefetch(
            "staff_credits",
            queryset=StaffCredit.objects.select_related("staff").order_by("role", "staff__title"),
        ),
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("character").prefetch_related(
                Prefetch(
                    "character__voice_credits",
                    queryset=VoiceCredit.objects.select_related("actor"),
                )
            ),
        ),
        Prefetch("episodes", queryset=Episode.objects.order_by("number")),
        Prefetch(
            "relations_from",
            queryset=SeriesRelation.objects.select_related("target").order_by("type", "pk"),
        ),
        Prefetch(
            "relations_to",
            queryset=SeriesRelation.objects.select_related("source").order_by("type", "pk"),
        ),
        Prefetch("streaming", queryset=Streaming.objects.select_related("platform")),
    )


def character_detail():
    return _detail(Character).prefetch_related(
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("series").order_by(
                F("series__year").asc(nulls_last=True), "series__title"
            ),
        ),
        Prefetch(
            "voice_credits",
            queryset=VoiceCredit.objects.select_related("actor").order_by("language", "pk"),
        ),
    )


def staff_detail():
    return _detail(Staff).prefetch_related(
        Prefetch(
            "credits",
            queryset=StaffCredit.objects.select_related("series").order_by(
                F("series__year").asc(nulls_last=True), "series__title", "role"
            ),
        ),
        Prefetch(
            "voice_roles",
            queryset=VoiceCredit.objects.select_related("character").order_by(
                "character__title", "language"
            ),
        ),
        Prefetch("memberships", queryset=StudioMember.objects.select_related("studio")),
    )


def studio_detail():
    return (
        _detail(Studio)
        .select_related("predecessor", "parent")
        .prefetch_related(
            Prefetch(
                "series_roles",
                queryset=SeriesStudio.objects.select_related("series").order_by(
                    F("series__year").asc(nulls_last=True), "series__title", "role"
                ),
            ),
            Prefetch("members", queryset=StudioMember.objects.select_related("person")),
            "successors",
            "subsidiaries",
        )
    )


def episode_detail():
    return _detail(Episode).prefetch_related(
        Prefetch(
            "cast",
            # With the character's mark in the series, which its spoiler mark follows.
            queryset=EpisodeAppearance.objects.with_series_mark()
            .select_related("character")
            .order_by("character__title", "pk"),
        ),
        Prefetch(
            "staff_credits",
            queryset=EpisodeCredit.objects.select_related("staff").order_by(
                "role", "staff__title", "pk"
            ),
        ),
    )


DETAIL = {
    Series: series_detail,
    Character: character_detail,
    Staff: staff_detail,
    Studio: studio_detail,
    Episode: episode_detail,
}


def tags():
    """Tags in use, each with how many entries have it; one query."""
    return Tag.objects.with_counts()
