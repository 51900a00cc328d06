"""The inlines of the entry admins: a relation's facts, edited on either side of it.

Every link to another entry is an autocomplete: a select listing every page in
the encyclopedia does not scale.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    Alias,
    Appearance,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StudioMember,
    TaggedEntry,
    VoiceCredit,
)
from .autocomplete import EpisodeFieldMixin
from .forms import HTTPS_URLS, EpisodeAdminForm

# --- Inlines ----------------------------------------------------------------------------


class AliasInline(admin.TabularInline):
    # Alias points at Entry, the parent of every kind; Django finds that foreign
    # key from a multi-table subclass too.
    model = Alias
    fields = ["name", "language", "is_former"]
    extra = 0


class SeriesStudioInline(admin.TabularInline):
    model = SeriesStudio
    fields = ["studio", "role"]
    autocomplete_fields = ["studio"]
    extra = 0
    verbose_name = _("studio")
    verbose_name_plural = _("studios")


class StudioWorkInline(admin.TabularInline):
    model = SeriesStudio
    fields = ["series", "role"]
    autocomplete_fields = ["series"]
    extra = 0
    verbose_name = _("work")
    verbose_name_plural = _("works")


class StaffCreditInline(admin.TabularInline):
    model = StaffCredit
    fields = ["staff", "role", "note"]
    autocomplete_fields = ["staff"]
    extra = 0


class StaffCreditOnStaffInline(admin.TabularInline):
    model = StaffCredit
    fields = ["series", "role", "note"]
    autocomplete_fields = ["series"]
    extra = 0
    verbose_name = _("credit")
    verbose_name_plural = _("credits")


class AppearanceInline(admin.TabularInline):
    model = Appearance
    fields = ["character", "role", "revealed_in"]
    autocomplete_fields = ["character"]
    extra = 0
    verbose_name = _("character")
    verbose_name_plural = _("characters")


class AppearanceOnCharacterInline(admin.TabularInline):
    model = Appearance
    fields = ["series", "role", "revealed_in"]
    autocomplete_fields = ["series"]
    extra = 0


class EpisodeInline(admin.TabularInline):
    """A quick list of episodes; synopsis, tags and aliases are on each episode's own form."""

    model = Episode
    fk_name = "series"
    form = EpisodeAdminForm
    fields = ["number", "title", "air_date", "runtime_minutes"]
    ordering = ["number"]
    show_change_link = True
    extra = 0


class EpisodeCastInline(admin.TabularInline):
    """The characters in an episode; a spoiler mark counts the episodes of its series."""

    model = EpisodeAppearance
    fields = ["character", "note", "revealed_in"]
    autocomplete_fields = ["character"]
    extra = 0
    verbose_name = _("character in this episode")
    verbose_name_plural = _("characters in this episode")


class EpisodeStaffInline(admin.TabularInline):
    model = EpisodeCredit
    fields = ["staff", "role", "note"]
    autocomplete_fields = ["staff"]
    extra = 0
    verbose_name = _("staff credit")
    verbose_name_plural = _("staff")


class EpisodesOfCharacterInline(EpisodeFieldMixin, admin.TabularInline):
    model = EpisodeAppearance
    fields = ["episode", "note", "revealed_in"]
    autocomplete_fields = ["episode"]
    extra = 0
    verbose_name = _("episode")
    verbose_name_plural = _("episodes")


class EpisodeCreditOnStaffInline(EpisodeFieldMixin, admin.TabularInline):
    model = EpisodeCredit
    fields = ["episode", "role", "note"]
    autocomplete_fields = ["episode"]
    extra = 0
    verbose_name = _("episode credit")
    verbose_name_plural = _("episode credits")


class SeriesRelationForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # The inline's foreign key is left out of the model's own checks, so
        # series_relation_not_to_itself would only fail on save, as a server error.
        target = cleaned_data.get("target")
        if target is not None and target.pk == self.instance.source_id:
            self.add_error("target", _("A series cannot be related to itself."))
        return cleaned_data


class SeriesRelationInline(admin.TabularInline):
    model = SeriesRelation
    fk_name = "source"
    form = SeriesRelationForm
    fields = ["type", "target", "revealed_in"]
    autocomplete_fields = ["target"]
    extra = 0


class StreamingInline(admin.TabularInline):
    model = Streaming
    fields = ["platform", "url"]
    autocomplete_fields = ["platform"]
    formfield_overrides = HTTPS_URLS
    extra = 0


class VoiceCreditInline(admin.TabularInline):
    model = VoiceCredit
    fk_name = "character"
    fields = ["actor", "language"]
    autocomplete_fields = ["actor"]
    extra = 0


class VoiceRoleInline(admin.TabularInline):
    model = VoiceCredit
    fk_name = "actor"
    fields = ["character", "language"]
    autocomplete_fields = ["character"]
    extra = 0
    verbose_name = _("voice role")
    verbose_name_plural = _("voice roles")


class StudioMemberInline(admin.TabularInline):
    model = StudioMember
    fields = ["person", "position"]
    autocomplete_fields = ["person"]
    extra = 0


class MembershipInline(admin.TabularInline):
    model = StudioMember
    fk_name = "person"
    fields = ["studio", "position"]
    autocomplete_fields = ["studio"]
    extra = 0
    verbose_name = _("studio position")
    verbose_name_plural = _("studio positions")


# --- Spoiler marks on tags -----------------------------------------------------------------


class TagMarkFormSet(forms.BaseInlineFormSet):
    """The entry's tags, to mark as spoilers. Tags themselves are added and removed
    in the page's "Tags" field, which is saved first: a row whose tag was just
    removed there is gone, and saving its form would put the tag back."""

    def save_existing(self, form, obj, commit=True):
        if not TaggedEntry.objects.filter(pk=obj.pk).exists():
            return obj
        return super().save_existing(form, obj, commit=commit)

    def save_new(self, form, commit=True):
        # A row whose tag someone else removed since the form was opened comes back
        # as a "new" row without a tag: there is nothing to mark any more.
        return form.instance


class TagMarkForm(forms.ModelForm):
    class Meta:
        model = TaggedEntry
        fields = ["revealed_in", "revealed_in_series"]

    def clean(self):
        cleaned_data = super().clean()
        # A person's or a studio's page has no one series of its own to count episodes in.
        kind = (
            Entry.objects.filter(pk=self.instance.content_object_id)
            .values_list("kind", flat=True)
            .first()
        )
        if (
            cleaned_data.get("revealed_in")
            and not cleaned_data.get("revealed_in_series")
            and kind in (Entry.Kind.STAFF, Entry.Kind.STUDIO)
        ):
            self.add_error(
                "revealed_in_series", _("Name the series whose episode reveals this tag.")
            )
        return cleaned_data


class TagMarkInline(admin.TabularInline):
    """Spoiler marks on the entry's tags (entries.spoilers): "revealed in episode 9"."""

    model = TaggedEntry
    fk_name = "content_object"
    form = TagMarkForm
    formset = TagMarkFormSet
    fields = ["tag_name", "revealed_in", "revealed_in_series"]
    readonly_fields = ["tag_name"]
    autocomplete_fields = ["revealed_in_series"]
    extra = 0
    max_num = 0  # rows come from the "Tags" field, not from here
    can_delete = False
    verbose_name = _("tag spoiler mark")
    verbose_name_plural = _("tag spoiler marks")
    # Its rows come and go with the "Tags" field, which the conflict check already
    # compares (and merges); hashing them too would call every tag edit a conflict.
    conflict_checked = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tag", "revealed_in_series")

    @admin.display(description=_("tag"))
    def tag_name(self, obj):
        # A row whose tag was removed meanwhile (see TagMarkFormSet) has none.
        return obj.tag.name if obj is not None and obj.tag_id else ""
