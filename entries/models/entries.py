"""Entries: ``Entry`` (the page every kind is) with its queryset, its other names
(``Alias``), its tags (``Tag``, ``TaggedEntry``) and the ``Language`` of names.

The bottom of ``entries.models``: every other submodule builds on this one.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .. import markup, spoilers
from ..slugs import SLUG_MAX_LENGTH, slugify_title, unique_slug
from ..text import CleanTextMixin, clean_text, clean_text_fields
from ..wikilinks import name_key
from .naturalkeys import NaturalKeyMixin, NaturalKeyQuerySet


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


class TagQuerySet(NaturalKeyQuerySet):
    def with_counts(self, *, kind: str = ""):
        """Tags used by at least one entry (of ``kind``, if given), each with ``count``.
        Spoiler uses (``entries.spoilers``) are not counted: a count tells too.

        The counts are the stored ``TagCount`` rows (``entries.models.counts``, kept
        by the database's triggers): counting all 139,000 taggings of 100,000
        entries took 60 to 80 ms on PostgreSQL for each of the home page and the
        tag index; summing a tag's few rows takes none of that.
        """
        rows = Q(counts__kind=kind) if kind else Q()
        return self.annotate(count=Sum("counts__entries", filter=rows)).filter(count__gt=0)

    def popular(self):
        return self.with_counts().order_by("-count", "name")

    def unused(self):
        """Tags no entry carries (an ``EXISTS``, so the rows can be locked for update)."""
        return self.exclude(models.Exists(TaggedEntry.objects.filter(tag_id=models.OuterRef("pk"))))


class Tag(NaturalKeyMixin, CleanTextMixin, TagBase):
    """A tag shared by every kind of entry ("mecha" on a series, a person and a studio)."""

    objects = TagQuerySet.as_manager()

    natural_key_fields = ("name",)

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


class CleanTagsManager(_TaggableManager):
    """``entry.tags``: tag names given as strings (``tags.add("mecha")``, the admin's
    comma-separated field) are cleaned (``clean_text``) before taggit looks them up,
    so that a name with a control character finds the tag it will be saved as.

    Each tag an entry's ``tags`` give (prefetched or not) also carries its spoiler
    mark on that entry: ``revealed_in`` and ``revealed_in_series_slug`` (None when
    the tag is no spoiler), read from the join table the query goes through
    anyway, so that pages and cards know which tags to hide at no query more.
    """

    def get_queryset(self, extra_filters=None):
        found = super().get_queryset(extra_filters)
        if self.prefetch_cache_name in getattr(self.instance, "_prefetched_objects_cache", {}):
            # Prefetched (with the marks, through get_prefetch_querysets, which calls
            # this without a cache): a clone here would query again.
            return found
        through = self.through._meta.db_table
        return found.extra(
            select={
                "revealed_in": f"{through}.revealed_in",
                "revealed_in_series_slug": (
                    "SELECT spoiler_series.slug FROM entries_entry spoiler_series "
                    f"WHERE spoiler_series.id = {through}.revealed_in_series_id"
                ),
            }
        )

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [clean_text(tag).strip() if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances([tag for tag in tags if tag != ""], tag_kwargs)


class TaggedEntry(NaturalKeyMixin, TaggedItemBase):
    """One tag on one entry. A real foreign key to ``Entry`` (not taggit's generic
    relation) so that tags filter and prefetch across every kind at once."""

    content_object = models.ForeignKey(
        "Entry", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_entries")
    # A spoiler tag ("android" on a character who turns out to be one): see entries.spoilers.
    revealed_in = spoilers.revealed_in_field()
    revealed_in_series = spoilers.revealed_in_series_field()

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("content_object", "tag")

    class Meta:
        verbose_name = _("tagged entry")
        verbose_name_plural = _("tagged entries")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_entry"),
            spoilers.revealed_in_constraint("taggedentry"),
        ]
        indexes = [
            # A tag's entries from the index alone: the admin's tag filter asks, for
            # each tag, whether an entry of one kind carries it (entries.admin.kinds).
            models.Index(fields=["tag", "content_object"], name="taggedentry_tag_entry_idx"),
        ]


# Leading characters a title's sort key skips: ASCII punctuation (but ``%``, which
# SQL parameters reserve) and the brackets and marks Japanese titles start with
# (name keys are NFKC, so full-width forms are ASCII already).
SORT_SKIPPED = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~「」『』【】〈〉《》〔〕・…‥〜※☆★♪♡"


class TitleSortKey(models.Func):
    """What titles sort by in the indexes: the name key (case-folded NFKC) without
    leading punctuation, so ``.hack//Sign`` sorts under H and ``#コンパス2.0``
    among the other kana instead of all of them first.

    SQL ``LTRIM(title_key, '<SORT_SKIPPED>')``, the same on SQLite and PostgreSQL
    (compared by code point on both), with the characters written into the SQL
    rather than passed as a parameter:
    SQLite uses an expression index (``entry_kind_sort_key_idx``) only for the
    very expression it was built on.
    """

    output_field = models.CharField()

    def __init__(self):
        super().__init__(models.F("title_key"))

    def as_sql(self, compiler, connection, **extra_context):
        literal = "'" + SORT_SKIPPED.replace("'", "''") + "'"
        template = f"LTRIM(%(expressions)s, {literal})"
        if connection.vendor == "postgresql":
            # By code point, as SQLite compares: the same order on both databases (kana
            # in gojūon order), and a sort several times cheaper than a locale's.
            template = f'({template} COLLATE "C")'
        return super().as_sql(compiler, connection, template=template, **extra_context)


def card_taggings() -> models.Prefetch:
    """An entry's taggings with their tags, by tag name, as a list (``card_tags``).

    Into a list (``to_attr``) rather than ``tags``' cache: filling a manager's cache
    makes Django build each entry's own tag query first, only to replace its
    rows (taggit's ``tags_for``, some 15 ms for a tag page's 96 cards).
    """
    return models.Prefetch(
        "tagged_items",
        queryset=TaggedEntry.objects.select_related("tag").order_by("tag__name"),
        to_attr="card_taggings",
    )


class TaggedEntryTitle(models.Expression):
    """``entries_taggedentry.entry_title``: the title of the tagging's entry, a copy
    the database keeps (triggers of migration ``0014_home_and_tag_pages``) in a
    column no model declares, so that no form, revision, dump or backup carries
    it. For ordering a tag's taggings by ``taggedentry_tag_title_idx``.

    The column of the query's own table, whatever alias a subquery gives it.
    """

    output_field = models.CharField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.entry_title", []


class EntryQuerySet(NaturalKeyQuerySet):
    def with_urls(self):
        """Rows whose ``get_absolute_url`` needs no further query (episodes need their series)."""
        return self.select_related("as_episode__series")

    def for_cards(self):
        """What a card in a list shows: title, kind, summary, image, tags
        (``card_tags``) and URL."""
        return self.with_urls().select_related("image").prefetch_related(card_taggings())

    def with_gallery(self):
        """Rows with their main image and gallery (each picture with it), in order."""
        # pictures.py builds on this module: import from it when called.
        from .pictures import GalleryImage

        # With the series a spoiler picture's episode number counts in (entries.spoilers).
        return self.select_related("image").prefetch_related(
            models.Prefetch(
                "gallery", GalleryImage.objects.select_related("picture", "revealed_in_series")
            )
        )

    def recently_updated(self, *, automated: bool = True):
        """Newest first. ``automated=False`` leaves out the entries whose latest
        recorded change a program made (an import, the demo load: ``Change.automated``),
        as recent changes hide them; an entry with no recorded change stays."""
        entries = self.order_by("-updated_at", "-pk")
        if automated:
            return entries
        # changes.py builds on this module: import from it when called.
        from .changes import Change

        # Change ids grow with time: the highest is the latest, and the entry_pk
        # index finds it without reading the revisions.
        latest = Change.objects.filter(entry_pk=OuterRef("pk")).order_by("-pk")
        return entries.alias(
            by_program=Coalesce(Subquery(latest.values("automated")[:1]), Value(False))
        ).filter(by_program=False)

    def featured_first(self, *, limit: int):
        """The ``limit`` entries the home page features: the editors' picks
        (``featured``, 1 first), then series, airing first, then the newest (by year,
        then last edit). Each row carries its series row (``as_series``), for a
        card's format and year.

        One query, which sorts no more than ``3 * limit`` rows: the first ``limit`` of
        each group (picks; airing series; other series) are found by a subquery
        each, and only they are sorted together. Sorting every series joined to its
        entry by the "airing first" CASE, which no index serves, took 110 ms of the
        home page at 100,000 entries on PostgreSQL.
        """
        # kinds.py builds on this module: import from it when called.
        from .kinds import Series

        # "airing" is Series.Status.AIRING.
        airing_first = Case(When(as_series__status="airing", then=Value(0)), default=Value(1))
        order = (
            F("featured").asc(nulls_last=True),
            airing_first,
            F("as_series__year").desc(nulls_last=True),
            "-updated_at",
            "-pk",
        )
        picks = self.filter(featured__isnull=False).order_by(*order)
        # The same order among series that are no picks, on the series table itself
        # (series_newest_idx serves it).
        series = Series.objects.filter(featured__isnull=True).order_by(
            F("year").desc(nulls_last=True), "-updated_at", "-pk"
        )
        candidates = _first(picks, limit).union(
            _first(series.filter(status="airing"), limit),
            _first(series.exclude(status="airing"), limit),
            all=True,
        )
        return self.filter(pk__in=candidates).select_related("as_series").order_by(*order)[:limit]

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def tagged_page(self, tag: "Tag", *, start: int, stop: int):
        """Rows ``start`` to ``stop`` (by title, then id) of the entries that carry
        ``tag`` openly: a spoiler tag (``entries.spoilers``) would give away who has it.

        The page's ids come from ``taggedentry_tag_title_idx``, in order, by the
        copy of each entry's title its taggings keep (``TaggedEntryTitle``); only
        they are fetched whole. Joined to every entry, the planner hashed all
        100,000 of them to sort the 5,085 of the largest tag (80 ms on PostgreSQL).
        """
        page = (
            TaggedEntry.objects.filter(tag=tag, revealed_in__isnull=True)
            .order_by(TaggedEntryTitle().asc(), "content_object_id")
            .values("content_object_id")[start:stop]
        )
        return self.filter(pk__in=page).order_by("title", "pk")

    def similar_to(self, name: str):
        """Entries whose title, native title or an alias contains ``name``."""
        return self.filter(
            Q(title__icontains=name)
            | Q(native_title__icontains=name)
            | Q(pk__in=Alias.objects.filter(name__icontains=name).values("entry_id"))
        )

    def answering_to(self, key: str, *, kind: str = ""):
        """Entries a wiki link to ``key`` (a ``wikilinks.name_key``) leads to: those
        that answer to it (``answers_to``), of ``kind`` if given."""
        entries = self.filter(answers_to(key))
        return entries.of_kind(kind) if kind else entries

    def linking_to(self, entry: "Entry"):
        """Entries whose bodies link to ``entry`` (by any of its names) outside spoiler
        passages, ``entry`` left out."""
        # links.py builds on this module: import from it when called.
        from .links import WikiLink

        links = WikiLink.objects.shown().pointing_to(entry)
        return self.filter(pk__in=links.values("source_id")).exclude(pk=entry.pk)


def _first(queryset, limit: int):
    """The ids of ``queryset``'s first ``limit`` rows, as a query a UNION can hold on
    SQLite too (which refuses a LIMIT in a member of a compound SELECT, but not in a
    subquery of one)."""
    return Entry.objects.filter(pk__in=queryset.values("pk")[:limit]).order_by().values("pk")


class Entry(NaturalKeyMixin, CleanTextMixin, models.Model):
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
    tags = TaggableManager(
        through=TaggedEntry,
        manager=CleanTagsManager,
        blank=True,
        help_text=_("Comma-separated tags."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Bumped on every save; an edit form that was opened at an older version is stale.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Protected pages are changed by senior editors only (entries.editors).
    protected = models.BooleanField(
        _("protected"),
        default=False,
        help_text=_("Only senior editors can change or delete a protected page."),
    )
    # Editors' picks for the home page, which shows them first (``featured_first``).
    featured = models.PositiveSmallIntegerField(
        _("featured position"),
        null=True,
        blank=True,
        help_text=_(
            "Feature this page on the home page: 1 comes first, then 2... "
            "Leave empty not to feature it."
        ),
    )

    objects = EntryQuerySet.as_manager()

    natural_key_fields = ("kind", "slug")  # unique_slug_per_kind

    # Set by each subclass; the value stored in ``kind``.
    KIND: str = ""

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "entries"
        permissions = [("protect_entry", "Can protect pages from other editors")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_slug_per_kind"),
            models.CheckConstraint(condition=~Q(slug=""), name="entry_slug_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="entry_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=["series", "character", "staff", "studio", "episode"]),
                name="entry_kind_known",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "title"], name="entry_kind_title_idx"),
            # The indexes' title order (entries.filters), walked instead of sorted. The
            # title key included (PostgreSQL; SQLite has no INCLUDE): the planner reads
            # an expression's column from an index only when the index holds it, and
            # the walk to a deep page is then index-only (the 4,800 entries before
            # page 200 of the characters: 55 pages read instead of 4,900).
            models.Index(
                models.F("kind"),
                TitleSortKey(),
                models.F("title"),
                models.F("id"),
                name="entry_kind_sort_key_idx",
                include=["title_key"],
            ),
            # The indexes' "Newest pages" and "Recently edited" orders, walked (backwards)
            # to a deep page instead of sorting every entry of the kind.
            models.Index(fields=["kind", "created_at", "id"], name="entry_kind_created_idx"),
            models.Index(fields=["kind", "updated_at", "id"], name="entry_kind_edited_idx"),
            models.Index(
                fields=["featured"],
                name="entry_featured_idx",
                condition=Q(featured__isnull=False),
            ),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new Series knows it is a series before it is saved or validated.
        if self.KIND and not self.kind:
            self.kind = self.KIND

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Before the slug, the name keys and the rendering are made from them.
        clean_text_fields(self)
        if not self.slug:
            self.slug = self.make_slug()
        self.title_key = name_key(self.title)
        self.native_key = name_key(self.native_title)
        # links.py builds on this module: import from it when called.
        from .links import WikiLink

        rendered = markup.render(self.body)
        self.body_html = rendered.html
        if not self._state.adding:
            self.version += 1
        # The page and the record of its links change together or not at all.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            WikiLink.objects.record(source=self, targets=rendered.links, hidden=rendered.hidden)

    def get_absolute_url(self):
        if self.kind == self.Kind.EPISODE:
            return self.specific.get_absolute_url()
        return reverse(f"entries:{self.kind}-detail", kwargs={"slug": self.slug})

    def url_kwargs(self) -> dict:
        """What this page's URLs are keyed by: its slug, or an episode's series and number."""
        if self.kind == self.Kind.EPISODE:
            episode = self.specific
            return {"slug": episode.series.slug, "number": episode.number}
        return {"slug": self.slug}

    @property
    def card_tags(self) -> list[Tag]:
        """The tags a card lists, each with its spoiler mark on this entry
        (``revealed_in``), as ``tags.all()`` gives them: from ``for_cards()``'s
        taggings, else a query."""
        taggings = getattr(self, "card_taggings", None)
        if taggings is None:
            return list(self.tags.all())
        tags = []
        for tagging in taggings:
            tag = tagging.tag  # a row of its own for each tagging: marking it is safe
            tag.revealed_in = tagging.revealed_in
            tag.revealed_in_series_slug = None  # only entry pages open marked tags
            tags.append(tag)
        return tags

    def get_history_url(self) -> str:
        """The public history of this page (``entries:<kind>-history``)."""
        return reverse(f"entries:{self.kind}-history", kwargs=self.url_kwargs())

    def get_revision_url(self, revision_id: int) -> str:
        """The diff page of one revision of this page (``entries:<kind>-revision``)."""
        return reverse(
            f"entries:{self.kind}-revision",
            kwargs={**self.url_kwargs(), "revision_id": revision_id},
        )

    def clean(self):
        super().clean()
        errors = {}
        # A card or a share card shows the summary whole: it cannot hide a spoiler.
        if spoilers.has_spoiler_syntax(self.summary):
            errors["summary"] = _(
                "The summary is shown on cards and link previews, which cannot hide a "
                "spoiler: put spoiler passages in the body."
            )
        if body_errors := spoilers.source_errors(self.body):
            errors["body"] = body_errors
        if errors:
            raise ValidationError(errors)
        # Make the slug now, so that constraint validation (one slug per kind, no
        # empty slug) checks the slug the page will really get.
        if not self.slug and (self.title or self.native_title):
            self.slug = self.make_slug()

    @property
    def shown_native_title(self) -> str:
        """The native title where it says more than the title: a page whose title
        is its native name (``ボンズ``, ``ボンズ``) shows that name once."""
        if name_key(self.native_title) == name_key(self.title):
            return ""
        return self.native_title

    def other_names(self) -> list["Alias"]:
        """The aliases "Also known as" lists: each name once, never the title or the
        native title again (by name key: letter case and spacing aside). From
        ``aliases.all()``, so a prefetch serves it."""
        seen = {name_key(self.title), name_key(self.native_title)}
        names = []
        for alias in self.aliases.all():
            if alias.name_key not in seen:
                seen.add(alias.name_key)
                names.append(alias)
        return names

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


class Alias(NaturalKeyMixin, CleanTextMixin, models.Model):
    """Another name of an entry: English, romaji, native, former names."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    is_former = models.BooleanField(_("former name"), default=False)
    name_key = models.CharField(max_length=255, editable=False, default="")

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("entry", "name")  # unique_alias_per_entry

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
        clean_text_fields(self)  # before the name key is made from the name
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


# --- The names an entry answers to -------------------------------------------------------
#
# An entry answers to its title, its native title and each of its aliases, compared by
# name key (``wikilinks.name_key``, stored on save as ``Entry.title_key``,
# ``Entry.native_key`` and ``Alias.name_key``): a wiki link, a /wiki/ look-up and a
# search for exactly a name find it by any of them. These functions are the one
# definition; ``ANSWERS_TO_SQL`` below repeats it in SQL, and search's suggestions
# (``_STARTS`` in ``entries.search.base``) read the same three name key columns.


def own_names_are(key) -> Q:
    """``Entry`` rows whose title or native title has the name key ``key`` (a value,
    or an expression such as ``OuterRef("target_key")``)."""
    return Q(title_key=key) | Q(native_key=key)


def aliases_keyed(key):
    """``Alias`` rows with the name key ``key`` (a value or an expression)."""
    return Alias.objects.filter(name_key=key)


def answers_to(key) -> Q:
    """``Entry`` rows that answer to the name key ``key``: by title, native title or alias."""
    return own_names_are(key) | Q(pk__in=aliases_keyed(key).values("entry_id"))


def names_of(entry: Entry, *, field: str) -> Q:
    """Rows whose ``field`` holds one of the name keys ``entry`` answers to."""
    keys = [key for key in (entry.title_key, entry.native_key) if key]
    aliases = Alias.objects.filter(entry_id=entry.pk).values("name_key")
    return Q(**{f"{field}__in": keys}) | Q(**{f"{field}__in": aliases})


# ``answers_to`` again, for the raw SQL of the search backends (``entries.search``):
# the ids of the entries that answer to a name key, given as each of the three ``%s``.
# Change it together with the functions above.
ANSWERS_TO_SQL = """
    SELECT id FROM entries_entry WHERE title_key = %s OR native_key = %s
    UNION SELECT entry_id FROM entries_alias WHERE name_key = %s
"""
