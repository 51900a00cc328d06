"""The kinds of entry: ``Series``, ``Staff``, ``Studio``, ``Character`` and
``Episode``, each a multi-table subclass of ``Entry``, with their querysets (what
each page and list shows), ``KIND_MODELS`` and the year range.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..slugs import slugify_title
from .entries import Entry, EntryQuerySet, card_taggings

# A character's or a person's episodes: under their series (by year, then title, as
# their series are listed), in episode order.
EPISODES_BY_SERIES = (
    F("episode__series__year").asc(nulls_last=True),
    "episode__series__title",
    "episode__series_id",
    "episode__number",
)

# The years a series, an episode's season or a studio's founding can have: the
# database constraints, the forms, the index filters and the importer all use these.
MIN_YEAR, MAX_YEAR = 1900, 2100


class KindQuerySet(EntryQuerySet):
    def for_cards(self):
        """Cards of one kind whose URL needs no other row (every kind but episodes)."""
        return self.select_related("image").prefetch_related(card_taggings())


class SeriesQuerySet(KindQuerySet):
    def for_page(self):
        """Everything a series page shows, in a fixed number of queries (its related
        series, in both directions, come with ``selectors.related_series``: one
        query for both, where two prefetches would take two)."""
        # credits.py builds on this module: import from it when called.
        from .credits import (
            Appearance,
            SeriesStudio,
            StaffCredit,
            Streaming,
            VoiceCredit,
        )

        return self.prefetch_related(
            "tags",
            "aliases",
            models.Prefetch("studio_roles", queryset=SeriesStudio.objects.select_related("studio")),
            # Staff, characters and episodes come with their main images: thumbnails.
            models.Prefetch(
                "staff_credits", queryset=StaffCredit.objects.select_related("staff__image")
            ),
            models.Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("character__image").prefetch_related(
                    models.Prefetch(
                        "character__voice_credits",
                        queryset=VoiceCredit.objects.select_related("actor"),
                    )
                ),
            ),
            models.Prefetch(
                "episodes", queryset=Episode.objects.select_related("image").order_by("number")
            ),
            models.Prefetch("streaming", queryset=Streaming.objects.select_related("platform")),
        )

    def for_chart(self, *, year: int, season: str):
        """A season's chart (``/seasons/<year>/<season>/``): its series by start date,
        each with its main image, studios and streaming listings; three queries."""
        # credits.py builds on this module: import from it when called.
        from .credits import SeriesStudio, Streaming

        return (
            self.filter(year=year, season=season)
            .select_related("image")
            .prefetch_related(
                models.Prefetch(
                    "studio_roles", queryset=SeriesStudio.objects.select_related("studio")
                ),
                models.Prefetch("streaming", queryset=Streaming.objects.select_related("platform")),
            )
            .order_by(F("start_date").asc(nulls_last=True), "title", "pk")
        )

    def seasons(self):
        """(year, season, latest ``updated_at``) of every season some series has, oldest
        first: the season charts there are; one query."""
        return (
            self.filter(year__isnull=False)
            .exclude(season="")
            .values_list("year", "season")
            .annotate(latest=models.Max("updated_at"))
            .order_by("year", "season")
        )


class Series(Entry):
    """An anime work: a TV series, a film, an OVA..."""

    entry_ptr = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_series",
    )

    class Format(models.TextChoices):
        TV = "tv", _("TV")
        MOVIE = "movie", _("Movie")
        OVA = "ova", _("OVA")
        ONA = "ona", _("ONA")
        SPECIAL = "special", _("Special")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        AIRING = "airing", _("Airing")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    class Season(models.TextChoices):
        WINTER = "winter", _("Winter")
        SPRING = "spring", _("Spring")
        SUMMER = "summer", _("Summer")
        FALL = "fall", _("Fall")

    class Origin(models.TextChoices):
        ORIGINAL = "original", _("Original")
        MANGA = "manga", _("Manga")
        LIGHT_NOVEL = "light_novel", _("Light novel")
        NOVEL = "novel", _("Novel")
        GAME = "game", _("Video game")
        OTHER = "other", _("Other")

    format = models.CharField(max_length=16, choices=Format.choices, default=Format.TV)
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    source = models.CharField(
        _("source material"), max_length=16, choices=Origin.choices, blank=True
    )
    season = models.CharField(max_length=8, choices=Season.choices, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    episode_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Planned or aired episodes, when known.")
    )
    premiere = models.CharField(
        _("premiere venue"),
        max_length=255,
        blank=True,
        help_text=_("Where it was first shown, for example a festival or a streaming service."),
    )
    official_site = models.URLField(blank=True)
    mal_id = models.PositiveIntegerField("MyAnimeList id", null=True, blank=True)
    anidb_id = models.PositiveIntegerField("AniDB id", null=True, blank=True)
    anilist_id = models.PositiveIntegerField("AniList id", null=True, blank=True)
    studios = models.ManyToManyField(
        "Studio", through="SeriesStudio", related_name="works", blank=True
    )
    related_series = models.ManyToManyField(
        "self", through="SeriesRelation", symmetrical=False, blank=True
    )

    objects = SeriesQuerySet.as_manager()

    KIND = Entry.Kind.SERIES

    class Meta:
        verbose_name_plural = "series"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="series_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="series_year_plausible",
            ),
            models.UniqueConstraint(
                fields=["mal_id"], condition=Q(mal_id__isnull=False), name="unique_series_mal_id"
            ),
            models.UniqueConstraint(
                fields=["anidb_id"],
                condition=Q(anidb_id__isnull=False),
                name="unique_series_anidb_id",
            ),
            models.UniqueConstraint(
                fields=["anilist_id"],
                condition=Q(anilist_id__isnull=False),
                name="unique_series_anilist_id",
            ),
        ]

    def get_absolute_url(self):
        return reverse("entries:series-detail", kwargs={"slug": self.slug})

    def clean(self):
        # The same rules as series_ends_after_start and series_year_plausible, with
        # a message an editor understands and attached to the field to fix.
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.year is not None and not MIN_YEAR <= self.year <= MAX_YEAR:
            errors["year"] = _(f"Enter a year between {MIN_YEAR} and {MAX_YEAR}.")
        if errors:
            raise ValidationError(errors)

    @property
    def external_links(self) -> list[tuple[str, str]]:
        """(site name, URL) for every external database id that is set."""
        links = []
        if self.mal_id:
            links.append(("MyAnimeList", f"https://myanimelist.net/anime/{self.mal_id}"))
        if self.anidb_id:
            links.append(("AniDB", f"https://anidb.net/anime/{self.anidb_id}"))
        if self.anilist_id:
            links.append(("AniList", f"https://anilist.co/anime/{self.anilist_id}"))
        return links


class StaffQuerySet(KindQuerySet):
    def for_page(self):
        # credits.py builds on this module: import from it when called.
        from .credits import (
            Appearance,
            EpisodeCredit,
            StaffCredit,
            StudioMember,
            VoiceCredit,
        )

        return self.prefetch_related(
            "tags",
            "aliases",
            models.Prefetch(
                "credits",
                queryset=StaffCredit.objects.select_related("series").order_by(
                    F("series__year").asc(nulls_last=True), "series__title", "role"
                ),
            ),
            models.Prefetch(
                "voice_roles",
                queryset=VoiceCredit.objects.select_related("character")
                .prefetch_related(
                    models.Prefetch(
                        "character__appearances",
                        queryset=Appearance.objects.select_related("series").order_by(
                            F("series__year").asc(nulls_last=True), "series__title"
                        ),
                    )
                )
                .order_by("character__title", "language"),
            ),
            models.Prefetch("memberships", queryset=StudioMember.objects.select_related("studio")),
            models.Prefetch(
                "episode_credits",
                queryset=EpisodeCredit.objects.select_related("episode__series").order_by(
                    *EPISODES_BY_SERIES
                ),
            ),
        )


class Staff(Entry):
    """A person: director, writer, designer, voice actor..."""

    entry_ptr = models.OneToOneField(
        Entry, on_delete=models.CASCADE, parent_link=True, primary_key=True, related_name="as_staff"
    )
    occupations = models.CharField(
        max_length=255, blank=True, help_text=_("Comma-separated, for example: director, writer.")
    )
    birth_date = models.DateField(null=True, blank=True)

    objects = StaffQuerySet.as_manager()

    KIND = Entry.Kind.STAFF

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff"
        ordering = ["title"]

    def get_absolute_url(self):
        return reverse("entries:staff-detail", kwargs={"slug": self.slug})

    @property
    def occupation_list(self) -> list[str]:
        return [item.strip() for item in self.occupations.split(",") if item.strip()]


class StudioQuerySet(KindQuerySet):
    def for_page(self):
        # credits.py builds on this module: import from it when called.
        from .credits import SeriesStudio, StudioMember

        return self.select_related("predecessor", "parent").prefetch_related(
            "tags",
            "aliases",
            models.Prefetch(
                "series_roles",
                queryset=SeriesStudio.objects.select_related("series").order_by(
                    F("series__year").asc(nulls_last=True), "series__title"
                ),
            ),
            models.Prefetch("members", queryset=StudioMember.objects.select_related("person")),
            "successors",
            "subsidiaries",
        )


class Studio(Entry):
    """An animation studio or production company."""

    entry_ptr = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_studio",
    )
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    headquarters = models.CharField(max_length=255, blank=True)
    website = models.URLField(blank=True)
    predecessor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
        help_text=_("The studio this one grew out of, for example through its founders."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        verbose_name=_("parent company"),
    )

    objects = StudioQuerySet.as_manager()

    KIND = Entry.Kind.STUDIO

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=MIN_YEAR, founded_year__lte=MAX_YEAR),
                name="studio_founded_year_plausible",
            ),
        ]

    def get_absolute_url(self):
        return reverse("entries:studio-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.pk and (self.predecessor_id == self.pk or self.parent_id == self.pk):
            raise ValidationError(_("A studio cannot be its own predecessor or parent."))


class CharacterQuerySet(KindQuerySet):
    def for_page(self):
        # credits.py builds on this module: import from it when called.
        from .credits import Appearance, EpisodeAppearance, VoiceCredit

        return self.prefetch_related(
            "tags",
            "aliases",
            models.Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("series").order_by(
                    F("series__year").asc(nulls_last=True), "series__title"
                ),
            ),
            # The episodes it is in, under their series in the order of its appearances.
            models.Prefetch(
                "episode_appearances",
                queryset=EpisodeAppearance.objects.with_series_mark()
                .select_related("episode__series")
                .order_by(*EPISODES_BY_SERIES),
            ),
            models.Prefetch(
                "voice_credits",
                queryset=VoiceCredit.objects.select_related("actor").order_by("language"),
            ),
        )


class Character(Entry):
    """A character of one or more series."""

    entry_ptr = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_character",
    )
    objects = CharacterQuerySet.as_manager()

    KIND = Entry.Kind.CHARACTER

    class Meta:
        ordering = ["title"]

    def get_absolute_url(self):
        return reverse("entries:character-detail", kwargs={"slug": self.slug})


class EpisodeQuerySet(EntryQuerySet):
    def for_page(self):
        """An episode with its characters (each with the spoiler mark of its part in
        the series) and its staff, with their thumbnails: two queries for both lists."""
        # credits.py builds on this module: import from it when called.
        from .credits import EpisodeAppearance, EpisodeCredit

        return self.select_related("series").prefetch_related(
            "tags",
            "aliases",
            models.Prefetch(
                "cast",
                queryset=EpisodeAppearance.objects.with_series_mark().select_related(
                    "character__image"
                ),
            ),
            models.Prefetch(
                "staff_credits", queryset=EpisodeCredit.objects.select_related("staff__image")
            ),
        )


class Episode(Entry):
    """One episode of a series; its synopsis is the entry body."""

    entry_ptr = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_episode",
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField()
    air_date = models.DateField(null=True, blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = EpisodeQuerySet.as_manager()

    KIND = Entry.Kind.EPISODE

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"], name="unique_episode_number_per_series"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="episode_number_positive"),
        ]

    def get_absolute_url(self):
        return reverse(
            "entries:episode-detail", kwargs={"slug": self.series.slug, "number": self.number}
        )

    @property
    def full_title(self) -> str:
        """ "Metallic Rouge 1: Crimson Is the Sound of Dawn": the episode named where its
        title alone could be another series' (fetch it with its series)."""
        return f"{self.series.title} {self.number}: {self.title}"

    def slug_source(self) -> str:
        # Episode titles repeat across series ("Episode 1"); the series keeps slugs apart.
        # The series may be new and unsaved (an episode added inline on its form).
        try:
            series_slug = self.series.slug or slugify_title(self.series.title)
        except Series.DoesNotExist:
            series_slug = ""
        return f"{series_slug} {self.number} {self.title}"


# Every kind of entry and its model, in the order a reader expects: the works
# first, the single episodes last. The one map from ``Entry.kind`` to a model.
KIND_MODELS: dict[str, type[Entry]] = {
    model.KIND: model for model in (Series, Character, Staff, Studio, Episode)
}
