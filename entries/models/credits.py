"""Credits: the through models that hold facts about two entries: ``SeriesStudio``
(a studio's role on a series), ``StaffCredit`` (a person's role on a series),
``Appearance`` (a character's role in a series), ``VoiceCredit`` (who voices a
character, per language), ``SeriesRelation`` (sequel, prequel, ...) and
``StudioMember`` (founders, presidents); and where a series streams
(``StreamingPlatform``, ``Streaming``).

Per episode: ``EpisodeAppearance`` (a character in one episode) and
``EpisodeCredit`` (a person's role on one episode: storyboard, script...). They
sit beside the series-wide rows, never instead of them: a character on an
episode page need not be in the series' cast list, and a person credited on one
episode need not be on the series' staff.
"""

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from .. import spoilers
from ..text import CleanTextMixin
from .entries import Language
from .kinds import Character, Episode, Series, Staff, Studio
from .naturalkeys import NaturalKeyMixin, NaturalKeyQuerySet


class SeriesStudio(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A studio's role on a series."""

    class Role(models.TextChoices):
        ANIMATION = "animation", _("Animation")
        CO_ANIMATION = "co_animation", _("Co-animation")
        PRODUCTION = "production", _("Production")
        ASSISTANCE = "assistance", _("Animation assistance")
        DISTRIBUTION = "distribution", _("Distribution")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="studio_roles")
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="series_roles")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANIMATION)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("series", "studio", "role")

    class Meta:
        ordering = ["role", "studio__title"]
        verbose_name = "studio credit"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "studio", "role"], name="unique_studio_role_per_series"
            ),
        ]

    def __str__(self):
        return f"{self.studio} ({self.get_role_display()}) on {self.series}"


class StaffCredit(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A person's role on a series. A person with several roles has one row per role."""

    class Role(models.TextChoices):
        ORIGINAL_CREATOR = "original_creator", _("Original creator")
        DIRECTOR = "director", _("Director")
        SUPERVISING_DIRECTOR = "supervising_director", _("Supervising director")
        SERIES_COMPOSITION = "series_composition", _("Series composition")
        SCRIPT = "script", _("Script")
        STORYBOARD = "storyboard", _("Storyboard")
        CHARACTER_DESIGN = "character_design", _("Character design")
        MECHANICAL_DESIGN = "mechanical_design", _("Mechanical design")
        ANIMATION_DIRECTOR = "animation_director", _("Animation director")
        ART_DIRECTOR = "art_director", _("Art director")
        SOUND_DIRECTOR = "sound_director", _("Sound director")
        MUSIC = "music", _("Music")
        PRODUCER = "producer", _("Producer")
        OTHER = "other", _("Other")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="staff_credits")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=32, choices=Role.choices)
    note = models.CharField(
        max_length=255, blank=True, help_text=_("For example the episodes, or the exact title.")
    )

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("series", "staff", "role")

    class Meta:
        ordering = ["role", "staff__title"]
        verbose_name = "staff credit"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "staff", "role"], name="unique_staff_role_per_series"
            ),
        ]

    def __str__(self):
        return f"{self.staff}: {self.get_role_display()} on {self.series}"


class Appearance(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A character's role in a series."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main")
        SUPPORTING = "supporting", _("Supporting")
        BACKGROUND = "background", _("Background")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="appearances")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MAIN)
    # A character whose part in the series is itself a reveal (entries.spoilers).
    revealed_in = spoilers.revealed_in_field()

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("series", "character")

    class Meta:
        # "main" < "supporting" < "background" is not alphabetical; order by title
        # here and let pages group by role.
        ordering = ["character__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "character"], name="unique_character_per_series"
            ),
            spoilers.revealed_in_constraint("appearance"),
        ]

    def __str__(self):
        return f"{self.character} ({self.get_role_display()}) in {self.series}"


class VoiceCredit(NaturalKeyMixin, CleanTextMixin, models.Model):
    """Who voices a character, in one language."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="voice_credits")
    actor = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="voice_roles")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.JAPANESE)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("character", "actor", "language")

    class Meta:
        ordering = ["language", "actor__title"]
        verbose_name = "voice actor"
        constraints = [
            models.UniqueConstraint(
                fields=["character", "actor", "language"], name="unique_voice_credit"
            ),
        ]

    def __str__(self):
        return f"{self.actor} voices {self.character} ({self.get_language_display()})"


class SeriesRelation(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A directed relation: ``source`` has ``target`` as its sequel, prequel..."""

    class Type(models.TextChoices):
        SEQUEL = "sequel", _("Sequel")
        PREQUEL = "prequel", _("Prequel")
        SIDE_STORY = "side_story", _("Side story")
        SPIN_OFF = "spin_off", _("Spin-off")
        ALTERNATIVE = "alternative", _("Alternative version")
        SUMMARY = "summary", _("Summary")
        PARENT_STORY = "parent_story", _("Parent story")
        OTHER = "other", _("Other")

    source = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="relations_from")
    target = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="relations_to")
    type = models.CharField(max_length=16, choices=Type.choices)
    # An episode of ``source`` reveals the relation (entries.spoilers).
    revealed_in = spoilers.revealed_in_field()

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("source", "target", "type")

    class Meta:
        ordering = ["type", "target__title"]
        verbose_name = "related series"
        verbose_name_plural = "related series"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "type"], name="unique_series_relation"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="series_relation_not_to_itself"
            ),
            spoilers.revealed_in_constraint("seriesrelation"),
        ]

    def __str__(self):
        return f"{self.target} is a {self.get_type_display().lower()} of {self.source}"


class StudioMember(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A person's position at a studio: founder, president..."""

    class Position(models.TextChoices):
        FOUNDER = "founder", _("Founder")
        PRESIDENT = "president", _("President")
        EXECUTIVE = "executive", _("Executive")
        STAFF = "staff", _("Staff member")

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="memberships")
    position = models.CharField(max_length=16, choices=Position.choices)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("studio", "person", "position")

    class Meta:
        ordering = ["position", "person__title"]
        verbose_name = "studio member"
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "person", "position"], name="unique_studio_position"
            ),
        ]

    def __str__(self):
        return f"{self.person}, {self.get_position_display().lower()} of {self.studio}"


class StreamingPlatform(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A service a series streams on (Crunchyroll, Netflix...)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    website = models.URLField(blank=True)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="unique_streaming_platform_slug"),
        ]

    def __str__(self):
        return self.name


class Streaming(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A series on a streaming platform, with its page there when known."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="streaming")
    platform = models.ForeignKey(
        StreamingPlatform, on_delete=models.CASCADE, related_name="listings"
    )
    url = models.URLField(blank=True)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("series", "platform")

    class Meta:
        ordering = ["platform__name"]
        verbose_name = "streaming platform"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "platform"], name="unique_streaming_per_series"
            ),
        ]

    def __str__(self):
        return f"{self.series} on {self.platform}"


class EpisodeAppearanceQuerySet(NaturalKeyQuerySet):
    def with_series_mark(self):
        """Each row with ``series_revealed_in``: the spoiler mark of the character's
        appearance in the episode's series (``Appearance.revealed_in``), in the same
        query, so that ``EpisodeAppearance.reveal`` can honour it."""
        series_mark = Appearance.objects.filter(
            series_id=OuterRef("episode__series_id"), character_id=OuterRef("character_id")
        ).values("revealed_in")[:1]
        return self.annotate(series_revealed_in=Subquery(series_mark))


class EpisodeAppearance(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A character in one episode; the episode page lists them, the character page
    lists its episodes.

    Spoilers (``entries.spoilers``): ``revealed_in`` counts the episodes of the
    episode's series. Being in episode N is not in itself a spoiler for a reader
    who has not watched N (a wiki's episode page lists its cast), so it is empty
    unless appearing there is a reveal: a surprise entrance at the end of
    episode N is marked N, a disguised character revealed later is marked with
    that later episode. A character whose very part in the series is marked
    (``Appearance.revealed_in``) is hidden as long as that mark too: ``reveal``
    is the later of the two.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="cast")
    character = models.ForeignKey(
        Character, on_delete=models.CASCADE, related_name="episode_appearances"
    )
    note = models.CharField(
        max_length=255, blank=True, help_text=_("For example “flashback”, “cameo” or “voice only”.")
    )
    revealed_in = spoilers.revealed_in_field()

    objects = EpisodeAppearanceQuerySet.as_manager()

    natural_key_fields = ("episode", "character")

    class Meta:
        ordering = ["character__title"]
        verbose_name = "character in an episode"
        verbose_name_plural = "characters in episodes"
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "character"], name="unique_character_per_episode"
            ),
            spoilers.revealed_in_constraint("episodeappearance"),
        ]

    def __str__(self):
        return f"{self.character} in {self.episode}"

    @property
    def reveal(self) -> int | None:
        """The episode (of the episode's series) that reveals this row, as pages and
        the API mark it: the later of its own mark and the character's mark in the
        series (read by ``with_series_mark``); None when it is no spoiler."""
        series_mark = getattr(self, "series_revealed_in", None)
        marks = [mark for mark in (self.revealed_in, series_mark) if mark]
        return max(marks) if marks else None


class EpisodeCredit(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A person's role on one episode. As with ``StaffCredit``, a person with several
    roles has one row per role; pages show each person once with all of them."""

    class Role(models.TextChoices):
        EPISODE_DIRECTOR = "episode_director", _("Episode director")
        STORYBOARD = "storyboard", _("Storyboard")
        SCRIPT = "script", _("Script")
        CHIEF_ANIMATION_DIRECTOR = "chief_animation_director", _("Chief animation director")
        ANIMATION_DIRECTOR = "animation_director", _("Animation director")
        ACTION_ANIMATION_DIRECTOR = "action_animation_director", _("Action animation director")
        MECHANICAL_ANIMATION_DIRECTOR = (
            "mechanical_animation_director",
            _("Mechanical animation director"),
        )
        KEY_ANIMATION = "key_animation", _("Key animation")
        OTHER = "other", _("Other")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="staff_credits")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="episode_credits")
    role = models.CharField(max_length=32, choices=Role.choices)
    note = models.CharField(
        max_length=255, blank=True, help_text=_("For example the part, or the exact title.")
    )

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("episode", "staff", "role")

    class Meta:
        ordering = ["role", "staff__title"]
        verbose_name = "episode staff credit"
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "staff", "role"], name="unique_staff_role_per_episode"
            ),
        ]

    def __str__(self):
        return f"{self.staff}: {self.get_role_display()} on {self.episode}"
