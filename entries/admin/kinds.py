"""One admin per kind of entry (the bare ``Entry`` has none: a page is always edited
as its kind), and the streaming platforms they point at.

Changelists show what they need from a fixed number of queries: ``get_queryset``
prefetches tags and the related rows each list shows, and tests pin the count.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .. import services
from ..models import (
    Appearance,
    Character,
    Episode,
    Series,
    Staff,
    StreamingPlatform,
    Studio,
    Tag,
    TaggedEntry,
)
from .busy import DatabaseBusyAdminMixin
from .changelists import EntryPaginator, search_names
from .conflicts import ConflictCheckAdminMixin
from .forms import HTTPS_URLS, EditSummaryMixin, EntryAdminForm, EpisodeAdminForm
from .history import AnnouncedAdminMixin, HistoryAdminMixin
from .inlines import (
    AliasInline,
    AppearanceInline,
    AppearanceOnCharacterInline,
    EpisodeCastInline,
    EpisodeCreditOnStaffInline,
    EpisodeInline,
    EpisodesOfCharacterInline,
    EpisodeStaffInline,
    MembershipInline,
    SeriesRelationInline,
    SeriesStudioInline,
    StaffCreditInline,
    StaffCreditOnStaffInline,
    StreamingInline,
    StudioMemberInline,
    StudioWorkInline,
    TagMarkInline,
    VoiceCreditInline,
    VoiceRoleInline,
)
from .pictures import GalleryImageInline, MainImageFormMixin, PictureAdminMixin
from .preview import PreviewAdminMixin, TagsWidget

# What the search documents' names are made of (entries.search.indexing), and the
# slug, which search_names finds too.
NAME_FIELDS = {"title", "native_title", "aliases__name"}
SLUG_FIELD = "=slug"


class EntryEditForm(EditSummaryMixin, MainImageFormMixin, EntryAdminForm):
    """The change form of a kind of entry."""


class EpisodeEditForm(EditSummaryMixin, MainImageFormMixin, EpisodeAdminForm):
    """The change form of an episode (episodes added inline on a series have no summary)."""


# own facts go in between.
NAMES = (None, {"fields": ["title", "native_title", "slug"]})
PAGE = (_("Page"), {"fields": ["summary", "body", "tags"]})
IMAGE = (
    _("Main image"),
    {"fields": ["image_preview", "image_upload", "image_remove", "image_credit"]},
)
RECORD = (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]})


class TagsOfKindFilter(admin.RelatedOnlyFieldListFilter):
    """The tags that entries of this admin's kind carry, as RelatedOnlyFieldListFilter
    lists them, found from the tag rows (an EXISTS per tag, which stops at the first
    entry of the kind it finds in the tag's index, ``taggedentry_tag_entry_idx``)
    rather than by joining every entry of the kind to its tags and keeping the
    distinct ones."""

    def field_choices(self, field, request, model_admin):
        model = model_admin.model
        if connection.vendor == "postgresql":
            # The kind's ids from its own table, hashed once for every tag: OFFSET 0
            # keeps PostgreSQL from turning the IN into a join, which it plans as a
            # hash of each tag's taggings instead (28 tags, 41,000 characters: twice
            # as long).
            ids = RawSQL(f"SELECT {model._meta.pk.column} FROM {model._meta.db_table} OFFSET 0", [])
            used = TaggedEntry.objects.filter(tag=OuterRef("pk"), content_object_id__in=ids)
        else:
            used = TaggedEntry.objects.filter(tag=OuterRef("pk"), content_object__kind=model.KIND)
        tags = Tag.objects.filter(Exists(used)).order_by("name")
        return [(tag.pk, str(tag)) for tag in tags]


class EntryAdmin(PreviewAdminMixin, DatabaseBusyAdminMixin, PictureAdminMixin, HistoryAdminMixin):
    """What every kind of entry shares: names, aliases, tags, search, pictures, history."""

    form = EntryEditForm
    # The edit summary sits beside each set of save buttons, with the Preview button.
    change_form_template = "admin/entries/entry_change_form.html"
    formfield_overrides = {
        **HTTPS_URLS,
        # As wide as the other text fields (a page often has half a dozen tags), with
        # suggestions of the tags there are.
        TaggableManager: {"widget": TagsWidget},
    }
    list_display = ["thumbnail", "title", "tag_list", "updated_at"]
    # Only the title links to the page: the thumbnail's image has no alt text (the
    # title beside it says what it shows), so as a link it would have no name (axe).
    list_display_links = ["title"]
    # Only the tags this kind uses, not every tag in the encyclopedia.
    list_filter = [("tags", TagsOfKindFilter)]
    # At 100,000 entries a changelist of 100 rows costs some 300 ms of rendering
    # alone (eight columns a row); and "N results (M total)" a second COUNT of the
    # whole table on every filtered view: "Show all" says how many instead.
    list_per_page = 50
    show_full_result_count = False
    # The names are searched in the search documents (get_search_results); a slug
    # is found whole, as copied from a page's address.
    search_fields = ["title", "native_title", "aliases__name", "=slug"]
    readonly_fields = ["created_at", "updated_at", "image_preview"]
    fieldsets = [NAMES, PAGE, IMAGE, RECORD]
    inlines = [AliasInline, GalleryImageInline, TagMarkInline]

    class Media:
        css = {"all": ["css/admin-pictures.css", "css/admin-editing.css"]}
        js = ["js/listbox.js", "js/admin-editing.js"]

    def get_queryset(self, request):
        # The image in the same query as the row: the thumbnail column costs nothing.
        # The changelist ignores list_select_related once the queryset selects anything
        # related, so a kind's own list_select_related is named here too.
        related = ["image"]
        if isinstance(self.list_select_related, list | tuple):
            related += self.list_select_related
        # No filter on the kind here, which every row of this model has: the count
        # would join the entries' table for it. EntryPaginator adds it where it
        # helps, to the query of a page's rows.
        rows = super().get_queryset(request).select_related(*related)
        # Into an attribute (to_attr): prefetching into each row's tags manager builds
        # a filtered queryset per row that is never run (a tenth of a page's time).
        return rows.prefetch_related(Prefetch("tags", to_attr="listed_tags"))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The changelist's (the history view pages log entries with Django's).
        if queryset.model is not self.model:
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        return EntryPaginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        """Every term (Django's split: words, or "quoted text") in a name, in the slug
        (whole) or in one of the kind's other ``search_fields``, as Django's search
        but with the names from the search documents' index (``search_names``):
        nothing is joined, so no row comes twice and no DISTINCT is needed."""
        others = [
            field
            for field in self.get_search_fields(request)
            if field not in NAME_FIELDS and field != SLUG_FIELD
        ]
        terms = []
        for term in smart_split(search_term):
            if term.startswith(('"', "'")) and term[0] == term[-1]:
                term = unescape_string_literal(term)
            found = search_names(term)
            for field in others:
                found |= Q(**{f"{field}__icontains": term})
            terms.append(found)
        if terms:
            queryset = queryset.filter(*terms)
        return queryset, False

    # --- Protected pages: senior editors only (entries.editors) ---------------------------

    @staticmethod
    def may_protect(request) -> bool:
        return request.user.has_perm("entries.protect_entry")

    def _unprotected_or_senior(self, request, obj) -> bool:
        return obj is None or not obj.protected or self.may_protect(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._unprotected_or_senior(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._unprotected_or_senior(request, obj)

    def get_fieldsets(self, request, obj=None):
        # Featuring is an edit like any other: saved, and kept in the history, with the page.
        fieldsets = [
            *super().get_fieldsets(request, obj),
            (_("Home page"), {"fields": ["featured"]}),
        ]
        if not self.may_protect(request):
            return fieldsets
        return [*fieldsets, (_("Protection"), {"fields": ["protected"]})]

    def action_checkbox(self, obj):
        # The HTML Django's CheckboxInput renders, without a template render per row
        # (a sixth of a changelist's time).
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        # From the prefetch in get_queryset: tags.names() would query once per row.
        return ", ".join(sorted(tag.name for tag in obj.listed_tags))


@admin.register(Series)
class SeriesAdmin(ConflictCheckAdminMixin, EntryAdmin):
    list_display = [
        "thumbnail",
        "title",
        "format",
        "status",
        "season",
        "year",
        "tag_list",
        "updated_at",
    ]
    list_filter = ["format", "status", "season", "year", "source", *EntryAdmin.list_filter]
    fieldsets = [
        NAMES,
        (
            _("Release"),
            {
                "fields": [
                    ("format", "source"),
                    "status",
                    ("season", "year"),
                    ("start_date", "end_date"),
                    "episode_count",
                    "premiere",
                    "official_site",
                ]
            },
        ),
        PAGE,
        IMAGE,
        (_("External databases"), {"fields": [("mal_id", "anidb_id", "anilist_id")]}),
        RECORD,
    ]
    inlines = [
        AliasInline,
        SeriesStudioInline,
        StaffCreditInline,
        AppearanceInline,
        EpisodeInline,
        SeriesRelationInline,
        StreamingInline,
        GalleryImageInline,
        TagMarkInline,
    ]
    # The form is long with its inlines: save buttons at the top too.
    save_on_top = True


@admin.register(Character)
class CharacterAdmin(ConflictCheckAdminMixin, EntryAdmin):
    list_display = ["thumbnail", "title", "native_title", "appears_in", "tag_list", "updated_at"]
    inlines = [
        AliasInline,
        AppearanceOnCharacterInline,
        VoiceCreditInline,
        EpisodesOfCharacterInline,
        GalleryImageInline,
        TagMarkInline,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "appearances",
                    queryset=Appearance.objects.select_related("series"),
                    to_attr="listed_appearances",
                )
            )
        )

    @admin.display(description=_("appears in"))
    def appears_in(self, obj):
        return ", ".join(appearance.series.title for appearance in obj.listed_appearances)


@admin.register(Staff)
class StaffAdmin(ConflictCheckAdminMixin, EntryAdmin):
    list_display = [
        "thumbnail",
        "title",
        "native_title",
        "occupations",
        "birth_date",
        "tag_list",
        "updated_at",
    ]
    fieldsets = [
        NAMES,
        (_("Person"), {"fields": ["occupations", "birth_date"]}),
        PAGE,
        IMAGE,
        RECORD,
    ]
    inlines = [
        AliasInline,
        StaffCreditOnStaffInline,
        VoiceRoleInline,
        MembershipInline,
        EpisodeCreditOnStaffInline,
        GalleryImageInline,
        TagMarkInline,
    ]


@admin.register(Studio)
class StudioAdmin(ConflictCheckAdminMixin, EntryAdmin):
    list_display = [
        "thumbnail",
        "title",
        "founded_year",
        "predecessor",
        "parent",
        "tag_list",
        "updated_at",
    ]
    list_select_related = ["predecessor", "parent"]
    autocomplete_fields = ["predecessor", "parent"]
    fieldsets = [
        NAMES,
        (
            _("Company"),
            {"fields": ["founded_year", "headquarters", "website", "predecessor", "parent"]},
        ),
        PAGE,
        IMAGE,
        RECORD,
    ]
    inlines = [AliasInline, StudioWorkInline, StudioMemberInline, GalleryImageInline, TagMarkInline]


@admin.register(Episode)
class EpisodeAdmin(ConflictCheckAdminMixin, EntryAdmin):
    form = EpisodeEditForm
    list_display = ["thumbnail", "title", "series", "number", "air_date", "tag_list", "updated_at"]
    list_select_related = ["series"]
    # Only series that have episodes, not every series in the encyclopedia.
    list_filter = [("series", admin.RelatedOnlyFieldListFilter), *EntryAdmin.list_filter]
    search_fields = [*EntryAdmin.search_fields, "series__title"]
    autocomplete_fields = ["series"]
    fieldsets = [
        (None, {"fields": ["series", "number", "title", "native_title", "slug"]}),
        (_("Broadcast"), {"fields": ["air_date", "runtime_minutes"]}),
        PAGE,
        IMAGE,
        RECORD,
    ]
    inlines = [
        AliasInline,
        EpisodeCastInline,
        EpisodeStaffInline,
        GalleryImageInline,
        TagMarkInline,
    ]


# --- Other models --------------------------------------------------------------------------


@admin.register(StreamingPlatform)
class StreamingPlatformAdmin(AnnouncedAdminMixin, admin.ModelAdmin):
    announce = services.announce_platforms
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


# taggit's own Tag model is unused (entries.Tag replaces it): keep it out of the
# editors' way.
