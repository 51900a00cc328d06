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
    Episode,
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StudioMember,
    VoiceCredit,
)
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
    fields = ["character", "role"]
    autocomplete_fields = ["character"]
    extra = 0
    verbose_name = _("character")
    verbose_name_plural = _("characters")


class AppearanceOnCharacterInline(admin.TabularInline):
    model = Appearance
    fields = ["series", "role"]
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
    fields = ["type", "target"]
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
