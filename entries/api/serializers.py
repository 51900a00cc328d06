"""The JSON of every API object.

Every entry, wherever it appears, carries its stable ``id``, ``kind``, ``slug``
and ``title``, its HTML page (``url``) and its API address (``api_url``), both
absolute. Choice fields give the stored value (``"tv"``, ``"main"``); the
OpenAPI schema lists the values.

The serializers read rows ``entries.api.querysets`` fetched; none of them
queries.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Alias,
    Appearance,
    Change,
    Entry,
    EpisodeCredit,
    Language,
    Series,
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StudioMember,
)


class ErrorSerializer(serializers.Serializer):
    """Every error (``entries.api.errors``)."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each bad query parameter with what is wrong with it.",
    )


# --- Addresses ----------------------------------------------------------------------------


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def api_path(entry: Entry) -> str:
    """The API address of ``entry`` (an episode's needs its series: fetch it with it)."""
    if entry.kind == Entry.Kind.EPISODE:
        episode = entry.specific
        return reverse(
            "api:episode-detail", kwargs={"slug": episode.series.slug, "number": episode.number}
        )
    return reverse(f"api:{entry.kind}-detail", kwargs={"slug": entry.slug})


class EntryRefSerializer(serializers.Serializer):
    """A link to an entry: enough to name it and follow it."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Entry.Kind.choices)
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The entry's HTML page.")
    api_url = serializers.SerializerMethodField(help_text="The entry in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry) -> str:
        return _absolute(self.context, entry.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, entry) -> str:
        return _absolute(self.context, api_path(entry))


# --- Pictures -----------------------------------------------------------------------------


class RenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    webp = serializers.SerializerMethodField(help_text="The WebP file.")
    fallback = serializers.SerializerMethodField(help_text="The JPEG or PNG file.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_webp(self, rendition) -> str:
        return _absolute(self.context, self.context["picture"].url(rendition["webp"]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_fallback(self, rendition) -> str:
        return _absolute(self.context, self.context["picture"].url(rendition["fallback"]))


class PictureSerializer(serializers.Serializer):
    """An uploaded picture: the full-size file and its sized renditions, smallest first."""

    id = serializers.IntegerField(source="pk")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    media_type = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The full-size file.")
    renditions = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, picture) -> str:
        return _absolute(self.context, picture.file.url)

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, picture) -> list:
        context = {**self.context, "picture": picture}
        return RenditionSerializer(picture.renditions, many=True, context=context).data


# --- Rows with spoiler marks (``entries.spoilers``) -----------------------------------------
#
# Tags on an entry (TaggedEntry), a character's appearances (Appearance, and in one
# episode EpisodeAppearance), relations between series (SeriesRelation) and
# gallery pictures (GalleryImage) can each be
# marked as revealed in episode N. The API returns them with the mark, as the HTML
# does, for clients to hide what their reader has not watched; spoiler passages
# of a body come marked in ``body_html`` (``<details class="spoiler"
# data-revealed-in="N">``).


class SpoilerMarkMixin(serializers.Serializer):
    revealed_in = serializers.IntegerField(
        allow_null=True,
        help_text="A spoiler: the number of the episode that reveals it (null: no spoiler).",
    )


class SpoilerSeriesMixin(SpoilerMarkMixin):
    revealed_in_series = serializers.SerializerMethodField(
        help_text="The slug of the series whose episode ``revealed_in`` counts; null when it "
        "is the page's own series (an episode's series, a character's first series)."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_revealed_in_series(self, row) -> str | None:
        series = row.revealed_in_series
        return series.slug if series is not None else None


class TaggedSerializer(SpoilerSeriesMixin):
    """A tag on an entry (a ``TaggedEntry`` row)."""

    name = serializers.CharField(source="tag.name")
    slug = serializers.CharField(source="tag.slug")
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tagged) -> str:
        return _absolute(self.context, tagged.tag.get_absolute_url())


class VoiceActorSerializer(serializers.Serializer):
    """Who voices a character, in one language (a ``VoiceCredit``)."""

    actor = EntryRefSerializer()
    language = serializers.ChoiceField(choices=Language.choices)


class CastSerializer(SpoilerMarkMixin):
    """A character in a series' cast (an ``Appearance``), with its voice actors."""

    character = EntryRefSerializer()
    role = serializers.ChoiceField(choices=Appearance.Role.choices)
    voice_actors = serializers.SerializerMethodField()

    @extend_schema_field(VoiceActorSerializer(many=True))
    def get_voice_actors(self, appearance) -> list:
        credits = appearance.character.voice_credits.all()
        return VoiceActorSerializer(credits, many=True, context=self.context).data


class AppearanceSerializer(SpoilerMarkMixin):
    """A series a character appears in (an ``Appearance``); a spoiler mark counts in
    that series."""

    series = EntryRefSerializer()
    role = serializers.ChoiceField(choices=Appearance.Role.choices)


class RelationSerializer(SpoilerMarkMixin):
    """A ``SeriesRelation``: ``target`` is a ``type`` (sequel, prequel...) of ``source``;
    a spoiler mark counts in ``source``."""

    type = serializers.ChoiceField(choices=SeriesRelation.Type.choices)
    source = EntryRefSerializer()
    target = EntryRefSerializer()


class GallerySerializer(SpoilerSeriesMixin):
    """A picture in an entry's gallery (a ``GalleryImage``), with its caption and credit."""

    picture = PictureSerializer()
    caption = serializers.CharField()
    credit = serializers.CharField()
    position = serializers.IntegerField()


# --- Entries in lists ---------------------------------------------------------------------


class EntryCardSerializer(EntryRefSerializer):
    """An entry in a list: its names, summary, main image and tags."""

    native_title = serializers.CharField()
    summary = serializers.CharField()
    image = PictureSerializer(allow_null=True)
    tags = TaggedSerializer(source="tagged_items.all", many=True)
    updated_at = serializers.DateTimeField()


class SeriesCardSerializer(EntryCardSerializer):
    format = serializers.ChoiceField(choices=Series.Format.choices)
    status = serializers.ChoiceField(choices=Series.Status.choices, allow_blank=True)
    season = serializers.ChoiceField(choices=Series.Season.choices, allow_blank=True)
    year = serializers.IntegerField(allow_null=True)
    episode_count = serializers.IntegerField(allow_null=True)


class CharacterCardSerializer(EntryCardSerializer):
    pass


class StaffCardSerializer(EntryCardSerializer):
    occupations = serializers.ListField(source="occupation_list", child=serializers.CharField())


class StudioCardSerializer(EntryCardSerializer):
    founded_year = serializers.IntegerField(allow_null=True)


class EpisodeCardSerializer(EntryCardSerializer):
    series = EntryRefSerializer()
    number = serializers.IntegerField()
    air_date = serializers.DateField(allow_null=True)


# --- Entry details ------------------------------------------------------------------------


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    is_former = serializers.BooleanField()

    class Meta:
        model = Alias


class DetailFieldsMixin(serializers.Serializer):
    """What every entry's detail adds to its card."""

    body = serializers.CharField(help_text="Markdown source, with [[wiki links]].")
    body_html = serializers.CharField(help_text="The body rendered and sanitized.")
    image_credit = serializers.CharField(help_text="Who made the main image.")
    aliases = AliasSerializer(source="aliases.all", many=True)
    gallery = GallerySerializer(source="gallery.all", many=True)
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    history_url = serializers.SerializerMethodField(help_text="The public history page.")
    revisions_url = serializers.SerializerMethodField(help_text="The revisions in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_history_url(self, entry) -> str:
        return _absolute(self.context, entry.get_history_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_revisions_url(self, entry) -> str:
        return _absolute(self.context, api_path(entry) + "revisions/")


class StudioRoleSerializer(serializers.Serializer):
    studio = EntryRefSerializer()
    role = serializers.ChoiceField(choices=SeriesStudio.Role.choices)


class StaffRoleSerializer(serializers.Serializer):
    staff = EntryRefSerializer()
    role = serializers.ChoiceField(choices=StaffCredit.Role.choices)
    note = serializers.CharField()


class EpisodeRefSerializer(EntryRefSerializer):
    number = serializers.IntegerField()
    air_date = serializers.DateField(allow_null=True)


class StreamingSerializer(serializers.Serializer):
    platform = serializers.CharField(source="platform.name")
    platform_slug = serializers.CharField(source="platform.slug")
    url = serializers.CharField(help_text="The series' page there; may be empty.")

    class Meta:
        model = Streaming


class ExternalIdsSerializer(serializers.Serializer):
    myanimelist = serializers.IntegerField(source="mal_id", allow_null=True)
    anidb = serializers.IntegerField(source="anidb_id", allow_null=True)
    anilist = serializers.IntegerField(source="anilist_id", allow_null=True)


class SeriesDetailSerializer(SeriesCardSerializer, DetailFieldsMixin):
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    source = serializers.ChoiceField(choices=Series.Origin.choices, allow_blank=True)
    premiere = serializers.CharField()
    official_site = serializers.CharField()
    external_ids = ExternalIdsSerializer(source="*")
    studios = StudioRoleSerializer(source="studio_roles.all", many=True)
    staff = StaffRoleSerializer(source="staff_credits.all", many=True)
    cast = CastSerializer(source="appearances.all", many=True)
    episodes = EpisodeRefSerializer(source="episodes.all", many=True)
    relations = serializers.SerializerMethodField(
        help_text="Relations from this series and to it, in both directions."
    )
    streaming = StreamingSerializer(source="streaming.all", many=True)

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, series) -> list:
        rows = [*series.relations_from.all(), *series.relations_to.all()]
        for row in rows:
            # Each direction's prefetch fetched the other end; this end is ``series``.
            if row.source_id == series.pk:
                row.source = series
            else:
                row.target = series
        return RelationSerializer(rows, many=True, context=self.context).data


class SeriesWorkSerializer(serializers.Serializer):
    """A series a person or studio worked on, with the role."""

    series = EntryRefSerializer()
    role = serializers.CharField()


class StaffCreditSerializer(SeriesWorkSerializer):
    role = serializers.ChoiceField(choices=StaffCredit.Role.choices)
    note = serializers.CharField()


class VoiceRoleSerializer(serializers.Serializer):
    character = EntryRefSerializer()
    language = serializers.ChoiceField(choices=Language.choices)


class MembershipSerializer(serializers.Serializer):
    studio = EntryRefSerializer()
    position = serializers.ChoiceField(choices=StudioMember.Position.choices)


class MemberSerializer(serializers.Serializer):
    person = EntryRefSerializer()
    position = serializers.ChoiceField(choices=StudioMember.Position.choices)


class CharacterDetailSerializer(CharacterCardSerializer, DetailFieldsMixin):
    appearances = AppearanceSerializer(source="appearances.all", many=True)
    voice_actors = VoiceActorSerializer(source="voice_credits.all", many=True)


class StaffDetailSerializer(StaffCardSerializer, DetailFieldsMixin):
    birth_date = serializers.DateField(allow_null=True)
    credits = StaffCreditSerializer(source="credits.all", many=True)
    voice_roles = VoiceRoleSerializer(source="voice_roles.all", many=True)
    studios = MembershipSerializer(source="memberships.all", many=True)


class StudioWorkSerializer(SeriesWorkSerializer):
    role = serializers.ChoiceField(choices=SeriesStudio.Role.choices)


class StudioDetailSerializer(StudioCardSerializer, DetailFieldsMixin):
    headquarters = serializers.CharField()
    website = serializers.CharField()
    predecessor = EntryRefSerializer(allow_null=True)
    parent = EntryRefSerializer(allow_null=True)
    successors = EntryRefSerializer(source="successors.all", many=True)
    subsidiaries = EntryRefSerializer(source="subsidiaries.all", many=True)
    works = StudioWorkSerializer(source="series_roles.all", many=True)
    members = MemberSerializer(source="members.all", many=True)


class EpisodeCharacterSerializer(serializers.Serializer):
    """A character in an episode (an ``EpisodeAppearance``)."""

    character = EntryRefSerializer()
    note = serializers.CharField(help_text="For example “flashback” or “cameo”; may be empty.")
    revealed_in = serializers.IntegerField(
        source="reveal",
        allow_null=True,
        help_text="A spoiler: the number of the episode (of this episode's series) that "
        "reveals it: the row's own mark, or the character's mark in the series when that "
        "is later (null: no spoiler).",
    )


class EpisodeStaffSerializer(serializers.Serializer):
    """A person's role on an episode (an ``EpisodeCredit``); one item per role."""

    staff = EntryRefSerializer()
    role = serializers.ChoiceField(choices=EpisodeCredit.Role.choices)
    note = serializers.CharField()


class EpisodeDetailSerializer(EpisodeCardSerializer, DetailFieldsMixin):
    runtime_minutes = serializers.IntegerField(allow_null=True)
    characters = EpisodeCharacterSerializer(source="cast.all", many=True)
    staff = EpisodeStaffSerializer(source="staff_credits.all", many=True)


# --- Tags and changes ---------------------------------------------------------------------


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()
    count = serializers.IntegerField(help_text="How many entries have it.")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tag) -> str:
        return _absolute(self.context, tag.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, tag) -> str:
        return _absolute(self.context, reverse("api:tag-detail", kwargs={"slug": tag.slug}))


class TaggedListSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Entry.Kind.choices)
    count = serializers.IntegerField()
    api_url = serializers.URLField(help_text="That kind's list, narrowed to the tag.")


class TagDetailSerializer(TagSerializer):
    entries = serializers.SerializerMethodField(
        help_text="How many entries of each kind have the tag, and where to list them."
    )

    @extend_schema_field(TaggedListSerializer(many=True))
    def get_entries(self, tag) -> list:
        rows = []
        for kind in Entry.Kind.values:
            count = getattr(tag, f"count_{kind}")
            if count:
                path = reverse(f"api:{kind}-list") + f"?tag={tag.slug}"
                rows.append(
                    {"kind": kind, "count": count, "api_url": _absolute(self.context, path)}
                )
        return rows


class ChangeSerializer(serializers.Serializer):
    """One entry's part in one revision: who changed it, when, why and how."""

    revision_id = serializers.IntegerField()
    date = serializers.DateTimeField(source="revision.date_created")
    editor = serializers.SerializerMethodField(help_text="Empty for an import or a script.")
    comment = serializers.CharField(source="revision.comment", help_text="The edit summary.")
    action = serializers.ChoiceField(choices=Change.Action.choices)
    version = serializers.IntegerField(help_text="The entry's version after it (0: deleted).")
    entry_id = serializers.IntegerField(source="entry_pk")
    kind = serializers.ChoiceField(choices=Entry.Kind.choices)
    title = serializers.CharField(help_text="The entry's title at the time.")
    entry = EntryRefSerializer(allow_null=True, help_text="Null once the entry is deleted.")
    diff_url = serializers.SerializerMethodField(help_text="The revision's diff page.")

    def get_editor(self, change) -> str:
        user = change.revision.user
        return user.get_username() if user is not None else ""

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_diff_url(self, change) -> str | None:
        if change.entry is None:
            return None
        return _absolute(self.context, change.entry.get_revision_url(change.revision_id))
