"""The encyclopedia's data model.

Every wiki page is an ``Entry``; ``Series``, ``Character``, ``Staff``,
``Studio`` and ``Episode`` are its kinds, each a multi-table subclass (as
Wagtail's ``Page`` does), so aliases, tags, links, history and search work on
"any page". Facts about relations live on through models: ``SeriesStudio``
(a studio's role on a series), ``StaffCredit`` (a person's role on a series),
``Appearance`` (a character's role in a series), ``VoiceCredit`` (who voices a
character, per language), ``SeriesRelation`` (sequel, prequel, ...) and
``StudioMember`` (founders, presidents).
"""

from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Value, When
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from . import markup
from .slugs import SLUG_MAX_LENGTH, slugify_title, unique_slug
from .wikilinks import name_key

# The years a series, an episode's season or a studio's founding can have: the
# database constraints, the forms, the index filters and the importer all use these.
MIN_YEAR, MAX_YEAR = 1900, 2100


class Language(models.TextChoices):
    """Languages of names and voice casts (BCP 47 codes)."""

    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    ROMAJI = "ja-Latn", _("Japanese (romaji)")
    CHINESE_SIMPLIFIED = "zh-Hans", _("Chinese (simplified)")
    CHINESE_TRADITIONAL = "zh-Hant", _("Chinese (traditional)")
    KOREAN = "ko", _("Korean")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    OTHER = "und", _("Other")


class TagQuerySet(models.QuerySet):
    def with_counts(self, *, kind: str = ""):
        """Tags used by at least one entry (of ``kind``, if given), each with ``count``."""
        uses = Q(tagged_entries__content_object__kind=kind) if kind else Q()
        return self.annotate(count=Count("tagged_entries", filter=uses)).filter(count__gt=0)

    def popular(self):
        return self.with_counts().order_by("-count", "name")


class Tag(TagBase):
    """A tag shared by every kind of entry ("mecha" on a series, a person and a studio)."""

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def get_absolute_url(self):
        return reverse("entries:tag-detail", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        # taggit's default keeps Unicode ("ロボット") and can come out empty (emoji);
        # ours romanises like entry slugs and is never empty. ``i`` de-duplicates.
        max_length = self._meta.get_field("slug").max_length - 8
        slug = slugify_title(tag)[:max_length].strip("-")
        return f"{slug}-{i}" if i is not None else slug


class TaggedEntry(TaggedItemBase):
    """One tag on one entry. A real foreign key to ``Entry`` (not taggit's generic
    relation) so that tags filter and prefetch across every kind at once."""

    content_object = models.ForeignKey(
        "Entry", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_entries")

    class Meta:
        verbose_name = _("tagged entry")
        verbose_name_plural = _("tagged entries")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_entry"),
        ]


class EntryQuerySet(models.QuerySet):
    def with_urls(self):
        """Rows whose ``get_absolute_url`` needs no further query (episodes need their series)."""
        return self.select_related("as_episode__series")

    def for_cards(self):
        """What a card in a list shows: title, kind, summary, image, tags and URL."""
        return self.with_urls().select_related("image").prefetch_related("tags")

    def with_gallery(self):
        """Rows with their main image and gallery (each picture with it), in order."""
        return self.select_related("image").prefetch_related(
            models.Prefetch("gallery", GalleryImage.objects.select_related("picture"))
        )

    def recently_updated(self):
        return self.order_by("-updated_at", "-pk")

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def similar_to(self, name: str):
        """Entries whose title, native title or an alias contains ``name``."""
        return self.filter(
            Q(title__icontains=name)
            | Q(native_title__icontains=name)
            | Q(pk__in=Alias.objects.filter(name__icontains=name).values("entry_id"))
        )

    def answering_to(self, key: str, *, kind: str = ""):
        """Entries a wiki link to ``key`` (a ``wikilinks.name_key``) leads to.

        The same rule as ``WikiLinkQuerySet.with_resolution``: the title, the
        native title or an alias has that key, and the kind is ``kind`` if given.
        """
        entries = self.filter(
            Q(title_key=key)
            | Q(native_key=key)
            | Q(pk__in=Alias.objects.filter(name_key=key).values("entry_id"))
        )
        return entries.of_kind(kind) if kind else entries

    def linking_to(self, entry: "Entry"):
        """Entries whose bodies link to ``entry`` (by any of its names), ``entry`` left out."""
        links = WikiLink.objects.pointing_to(entry)
        return self.filter(pk__in=links.values("source_id")).exclude(pk=entry.pk)


class Entry(models.Model):
    """One wiki page. Use the subclass (``entry.specific``) for kind-specific facts."""

    class Kind(models.TextChoices):
        SERIES = "series", _("Series")
        CHARACTER = "character", _("Character")
        STAFF = "staff", _("Staff")
        STUDIO = "studio", _("Studio")
        EPISODE = "episode", _("Episode")

    kind = models.CharField(max_length=16, choices=Kind.choices, editable=False, db_index=True)
    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        help_text=_("Part of the page's address. Leave empty to make one from the title."),
    )
    native_title = models.CharField(
        _("native title"),
        max_length=255,
        blank=True,
        help_text=_("For example the Japanese title."),
    )
    summary = models.TextField(blank=True, help_text=_("One plain-text paragraph, shown on cards."))
    body = models.TextField(blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    # Case- and space-insensitive forms of the names (wikilinks.name_key), kept
    # in step on save, so that links and /wiki/ look-ups match with an index.
    title_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    native_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # Pictures are never changed once stored: a new upload is a new Picture, so a
    # revision that names the old one can always show it again.
    image = models.ForeignKey(
        "Picture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main image"),
        help_text=_("Key visual, portrait, logo or episode still."),
    )
    image_credit = models.CharField(
        _("main image credit"),
        max_length=300,
        blank=True,
        help_text=_("Who made the main image, or where it comes from."),
    )
    tags = TaggableManager(through=TaggedEntry, blank=True, help_text=_("Comma-separated tags."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Bumped on every save; an edit form that was opened at an older version is stale.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EntryQuerySet.as_manager()

    # Set by each subclass; the value stored in ``kind``.
    KIND: str = ""

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_slug_per_kind"),
            models.CheckConstraint(condition=~Q(slug=""), name="entry_slug_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="entry_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=["series", "character", "staff", "studio", "episode"]),
                name="entry_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["kind", "title"], name="entry_kind_title_idx")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new Series knows it is a series before it is saved or validated.
        if self.KIND and not self.kind:
            self.kind = self.KIND

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.make_slug()
        self.title_key = name_key(self.title)
        self.native_key = name_key(self.native_title)
        rendered = markup.render(self.body)
        self.body_html = rendered.html
        if not self._state.adding:
            self.version += 1
        # The page and the record of its links change together or not at all.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            WikiLink.objects.record(source=self, targets=rendered.links)

    def get_absolute_url(self):
        if self.kind == self.Kind.EPISODE:
            return self.specific.get_absolute_url()
        return reverse(f"entries:{self.kind}-detail", kwargs={"slug": self.slug})

    def get_history_url(self) -> str:
        """The public history of this page (``entries:<kind>-history``)."""
        if self.kind == self.Kind.EPISODE:
            episode = self.specific
            kwargs = {"slug": episode.series.slug, "number": episode.number}
        else:
            kwargs = {"slug": self.slug}
        return reverse(f"entries:{self.kind}-history", kwargs=kwargs)

    def clean(self):
        super().clean()
        # Make the slug now, so that constraint validation (one slug per kind, no
        # empty slug) checks the slug the page will really get.
        if not self.slug and (self.title or self.native_title):
            self.slug = self.make_slug()

    @property
    def specific(self):
        """This page as its own kind (a ``Series``, ``Character``...)."""
        if self.KIND:
            return self
        # Each kind's parent link is named ``as_<kind>`` (``Entry.as_series``...).
        return getattr(self, f"as_{self.kind}")

    def make_slug(self) -> str:
        siblings = Entry.objects.filter(kind=self.kind or self.KIND).exclude(pk=self.pk)
        return unique_slug(
            slugify_title(self.slug_source()), lambda slug: siblings.filter(slug=slug).exists()
        )

    def slug_source(self) -> str:
        return self.title or self.native_title


class Alias(models.Model):
    """Another name of an entry: English, romaji, native, former names."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    is_former = models.BooleanField(_("former name"), default=False)
    name_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="unique_alias_per_entry"),
            models.CheckConstraint(condition=~Q(name=""), name="alias_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["name"], name="alias_name_idx"),
            models.Index(fields=["name_key"], name="alias_name_key_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


def _link_resolves() -> Q:
    """True for a ``WikiLink`` row that some entry answers to (title, native title or
    alias key equal to ``target_key``; of ``target_kind`` when the link names one)."""
    key = OuterRef("target_key")
    any_kind = Q(Exact(OuterRef("target_kind"), Value("")))
    by_title = Entry.objects.filter(Q(title_key=key) | Q(native_key=key)).filter(
        any_kind | Q(kind=OuterRef("target_kind"))
    )
    by_alias = Alias.objects.filter(name_key=key).filter(
        any_kind | Q(entry__kind=OuterRef("target_kind"))
    )
    return Q(Exists(by_title)) | Q(Exists(by_alias))


class WikiLinkQuerySet(models.QuerySet):
    def with_resolution(self):
        """Each link with ``resolves``: whether a page answers to it now (blue or red)."""
        return self.annotate(
            resolves=models.ExpressionWrapper(_link_resolves(), output_field=models.BooleanField())
        )

    def unresolved(self):
        """Red links: no page answers to their target."""
        return self.exclude(_link_resolves())

    def wanted(self):
        """Red-link targets, one row each (``target_kind``, ``target_key``, ``name``,
        ``pages``: how many pages link to it), most linked first."""
        return (
            self.unresolved()
            .values("target_kind", "target_key")
            .annotate(name=Min("target_name"), pages=Count("source_id", distinct=True))
            .order_by("-pages", "target_key", "target_kind")
        )

    def pointing_to(self, entry: Entry):
        """Links that lead to ``entry``: to its title, native title or an alias, with no
        kind or with ``entry``'s kind."""
        keys = [key for key in (entry.title_key, entry.native_key) if key]
        names = Q(target_key__in=keys) | Q(
            target_key__in=Alias.objects.filter(entry_id=entry.pk).values("name_key")
        )
        return self.filter(names, Q(target_kind="") | Q(target_kind=entry.kind))

    def record(self, *, source: Entry, targets) -> None:
        """Make ``source``'s recorded links exactly ``targets`` (``wikilinks.LinkTarget``)."""
        wanted = {(target.kind, target.key): target for target in targets}
        existing = set(
            self.filter(source=source).values_list("target_kind", "target_key", named=False)
        )
        stale = existing - wanted.keys()
        if stale:
            stale_q = Q()
            for kind, key in stale:
                stale_q |= Q(target_kind=kind, target_key=key)
            self.filter(Q(source=source) & stale_q).delete()
        self.bulk_create(
            WikiLink(
                source=source,
                target_kind=target.kind,
                target_name=target.name,
                target_key=target.key,
            )
            for pair, target in wanted.items()
            if pair not in existing
        )


class WikiLink(models.Model):
    """A ``[[link]]`` in an entry's body, recorded when the entry is saved.

    The target is a name, not a foreign key: whether a page by that name exists
    is decided when a page is shown, so creating, renaming or deleting the target
    recolours every link to it without re-saving the pages that link.
    """

    source = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="outgoing_links")
    target_kind = models.CharField(
        max_length=16, choices=Entry.Kind.choices, blank=True, help_text=_("Empty: any kind.")
    )
    target_name = models.CharField(max_length=255)
    target_key = models.CharField(max_length=255)

    objects = WikiLinkQuerySet.as_manager()

    class Meta:
        ordering = ["target_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_kind", "target_key"], name="unique_wikilink_per_source"
            ),
        ]
        indexes = [models.Index(fields=["target_key"], name="wikilink_target_key_idx")]

    def __str__(self):
        return f"{self.source} → {self.target_name}"


class Change(models.Model):
    """One entry's part in a revision, for recent changes and the public history.

    django-reversion's ``Revision`` holds who, when and the edit summary, and its
    versions hold the data; this row says which entry the revision was about
    and what happened to it, and survives the entry's deletion.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        REVERT = "revert", _("reverted")
        RECOVER = "recover", _("recovered")

    revision = models.ForeignKey(
        "reversion.Revision", on_delete=models.CASCADE, related_name="changes"
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    # The entry's id, kept after the entry is deleted (``entry`` is then empty).
    entry_pk = models.PositiveBigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=Entry.Kind.choices)
    title = models.CharField(max_length=255)
    action = models.CharField(max_length=16, choices=Action.choices)
    # The entry's version after this change (0 for a deletion).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-revision__date_created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "entry_pk"], name="unique_change_per_revision"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.get_action_display()}"


# --- Kinds ----------------------------------------------------------------------------


class SeriesQuerySet(EntryQuerySet):
    def for_page(self):
        """Everything a series page shows, in a fixed number of queries."""
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
            models.Prefetch(
                "relations_from", queryset=SeriesRelation.objects.select_related("target")
            ),
            models.Prefetch(
                "relations_to", queryset=SeriesRelation.objects.select_related("source")
            ),
            models.Prefetch("streaming", queryset=Streaming.objects.select_related("platform")),
        )

    def for_cards(self):
        return self.select_related("image").prefetch_related("tags")

    def for_list(self, *, tag: str = "", year: int | None = None, query: str = ""):
        """The series index: cards, narrowed by a tag slug, a year and words of a name."""
        series = self.for_cards()
        if tag:
            series = series.filter(tags__slug=tag)
        if year is not None:
            series = series.filter(year=year)
        if query:
            series = series.filter(
                Q(title__icontains=query)
                | Q(native_title__icontains=query)
                | Q(pk__in=Alias.objects.filter(name__icontains=query).values("entry_id"))
            )
        return series

    def featured(self):
        """What the home page shows first: airing series, then the newest."""
        airing_first = Case(When(status=Series.Status.AIRING, then=Value(0)), default=Value(1))
        return self.for_cards().order_by(
            airing_first, F("year").desc(nulls_last=True), "-updated_at", "-pk"
        )

    def years(self):
        """The distinct years of these series, newest first."""
        return (
            self.filter(year__isnull=False)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
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
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
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
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.year is not None and not 1900 <= self.year <= 2100:
            errors["year"] = _("Enter a year between 1900 and 2100.")
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


class StaffQuerySet(EntryQuerySet):
    def for_page(self):
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
        )

    def for_cards(self):
        return self.select_related("image").prefetch_related("tags")


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


class StudioQuerySet(EntryQuerySet):
    def for_page(self):
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

    def for_cards(self):
        return self.select_related("image").prefetch_related("tags")


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
                | Q(founded_year__gte=1900, founded_year__lte=2100),
                name="studio_founded_year_plausible",
            ),
        ]

    def get_absolute_url(self):
        return reverse("entries:studio-detail", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.pk and (self.predecessor_id == self.pk or self.parent_id == self.pk):
            raise ValidationError(_("A studio cannot be its own predecessor or parent."))


class CharacterQuerySet(EntryQuerySet):
    def for_page(self):
        return self.prefetch_related(
            "tags",
            "aliases",
            models.Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("series").order_by(
                    F("series__year").asc(nulls_last=True), "series__title"
                ),
            ),
            models.Prefetch(
                "voice_credits",
                queryset=VoiceCredit.objects.select_related("actor").order_by("language"),
            ),
        )

    def for_cards(self):
        return self.select_related("image").prefetch_related("tags")


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
        return self.select_related("series").prefetch_related("tags", "aliases")


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

    def slug_source(self) -> str:
        # Episode titles repeat across series ("Episode 1"); the series keeps slugs apart.
        # The series may be new and unsaved (an episode added inline on its form).
        try:
            series_slug = self.series.slug or slugify_title(self.series.title)
        except Series.DoesNotExist:
            series_slug = ""
        return f"{series_slug} {self.number} {self.title}"


# --- Relations --------------------------------------------------------------------------


class SeriesStudio(models.Model):
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


class StaffCredit(models.Model):
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


class Appearance(models.Model):
    """A character's role in a series."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main")
        SUPPORTING = "supporting", _("Supporting")
        BACKGROUND = "background", _("Background")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="appearances")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MAIN)

    class Meta:
        # "main" < "supporting" < "background" is not alphabetical; order by title
        # here and let pages group by role.
        ordering = ["character__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "character"], name="unique_character_per_series"
            ),
        ]

    def __str__(self):
        return f"{self.character} ({self.get_role_display()}) in {self.series}"


class VoiceCredit(models.Model):
    """Who voices a character, in one language."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="voice_credits")
    actor = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="voice_roles")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.JAPANESE)

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


class SeriesRelation(models.Model):
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
        ]

    def __str__(self):
        return f"{self.target} is a {self.get_type_display().lower()} of {self.source}"


class StudioMember(models.Model):
    """A person's position at a studio: founder, president..."""

    class Position(models.TextChoices):
        FOUNDER = "founder", _("Founder")
        PRESIDENT = "president", _("President")
        EXECUTIVE = "executive", _("Executive")
        STAFF = "staff", _("Staff member")

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="memberships")
    position = models.CharField(max_length=16, choices=Position.choices)

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


class StreamingPlatform(models.Model):
    """A service a series streams on (Crunchyroll, Netflix...)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="unique_streaming_platform_slug"),
        ]

    def __str__(self):
        return self.name


class Streaming(models.Model):
    """A series on a streaming platform, with its page there when known."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="streaming")
    platform = models.ForeignKey(
        StreamingPlatform, on_delete=models.CASCADE, related_name="listings"
    )
    url = models.URLField(blank=True)

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


# --- Search -----------------------------------------------------------------------------


# --- Pictures -----------------------------------------------------------------------------


class PictureQuerySet(models.QuerySet):
    def unreferenced(self):
        """Pictures no entry and no gallery uses now (revisions may still name them)."""
        in_use = Entry.objects.filter(image__isnull=False).values("image_id")
        return self.exclude(pk__in=in_use).exclude(pk__in=GalleryImage.objects.values("picture_id"))


class Picture(models.Model):
    """An uploaded image after ``entries.pictures`` checked it and re-encoded it, with
    its renditions. Made once at upload and never changed or overwritten: replacing
    an entry's image makes a new Picture with renditions of its own.

    ``file`` is the full-size image (JPEG, or PNG when it has transparency);
    ``renditions`` lists the sized copies, smallest first, each
    ``{"width", "height", "webp", "fallback"}`` with storage names.
    """

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    # Through STORAGES["default"]: files under MEDIA_ROOT by default, any Django
    # storage (S3-compatible with django-storages) in production.
    file = models.FileField(max_length=255, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=8, choices=Format.choices, editable=False)
    renditions = models.JSONField(default=list, editable=False)
    # SHA-256 of the uploaded bytes: the same file uploaded twice is stored once.
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    # The uploader's file name, cleaned up, for editors; never used to store anything.
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PictureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0), name="picture_size_positive"
            ),
            models.CheckConstraint(condition=~Q(file=""), name="picture_file_not_empty"),
        ]

    def __str__(self):
        return self.original_name or self.file.name

    def storage_names(self) -> list[str]:
        """Every file this picture owns in storage."""
        names = [self.file.name]
        for rendition in self.renditions:
            names += [rendition["webp"], rendition["fallback"]]
        return names

    def url(self, name: str) -> str:
        return self.file.storage.url(name)

    def srcset(self, which: str) -> str:
        """``srcset`` of the renditions in ``which`` ("webp" or "fallback")."""
        return ", ".join(
            f"{self.url(rendition[which])} {rendition['width']}w" for rendition in self.renditions
        )

    def default_rendition(self, width: int = 640) -> dict:
        """The smallest rendition at least ``width`` wide (or the largest): the ``src``
        of browsers that ignore ``srcset``, and the ``width``/``height`` of the tag."""
        for rendition in self.renditions:
            if rendition["width"] >= width:
                return rendition
        return self.renditions[-1]

    @property
    def thumbnail_url(self) -> str:
        return self.url(self.renditions[0]["webp"])

    @property
    def media_type(self) -> str:
        return f"image/{self.format}"


class GalleryImage(models.Model):
    """One picture in an entry's gallery, with its caption and credit."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="gallery")
    picture = models.ForeignKey(Picture, on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(
        _("credit or source"),
        max_length=300,
        blank=True,
        help_text=_("Who made it, or where it comes from (a name or an address)."),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Lower numbers come first."))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery")
        indexes = [models.Index(fields=["entry", "position"], name="gallery_entry_position_idx")]

    def __str__(self):
        return self.caption or str(self.picture)


class SearchDocument(models.Model):
    """What search reads for one entry, rebuilt by ``entries.search.indexing`` on
    every change to the entry, its aliases or its tags.

    The texts are NFKC-normalized plain text, by weight: ``names`` (title, native
    title and aliases, one per line) over ``summary`` and ``tags`` over ``body``
    (the rendered body without markup). ``kind`` and ``year`` (a series' year, or
    an episode's series' year) let search filter without a join.

    Migration 0004 adds what depends on the database and is not a Django field:
    on PostgreSQL a generated, weighted ``vector`` tsvector column with a GIN
    index and a GIN trigram index on ``names``; on SQLite two external-content
    FTS5 tables (words of every text; trigrams of names) kept in step by
    triggers. A later migration that rebuilds this table on SQLite (Django does so
    for most field changes there) drops those triggers: run
    ``manage.py rebuild_search_index`` after it, which reinstalls them.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    kind = models.CharField(max_length=16, choices=Entry.Kind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    names = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "year"], name="searchdoc_kind_year_idx"),
            models.Index(fields=["year"], name="searchdoc_year_idx"),
        ]

    def __str__(self):
        return self.names.partition("\n")[0]


# Every kind of entry and its model, in the order a reader expects: the works
# first, the single episodes last. The one map from ``Entry.kind`` to a model.
KIND_MODELS: dict[str, type[Entry]] = {
    model.KIND: model for model in (Series, Character, Staff, Studio, Episode)
}
