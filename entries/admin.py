"""The editors' workspace: one admin per kind of entry.

Each kind gets its own ``ModelAdmin`` (the bare ``Entry`` has none: a page is
always edited as its kind). The facts about relations (a studio's role, a
person's credits, a character's voice actors...) are edited as inlines on
either side of the relation, and every link to another entry is an
autocomplete, because a select listing every page in the encyclopedia does not
scale.

Changelists show what they need from a fixed number of queries: ``get_queryset``
prefetches tags and the related rows each list shows, and tests pin the count.

Every kind's admin is a django-reversion ``VersionAdmin``: each create, change
and delete records a revision (editor, time, the edit summary typed on the
form) with a ``Change`` row per entry, and editors can look at, revert to and
recover any revision. ``entries.history`` does the restoring.

Pictures: every kind's form has a main image (upload, remove, credit, a
preview) and a gallery inline. An upload is checked and re-encoded in memory
when the form is cleaned (``pictures.prepare``), so a bad file is an error on
its field; the files are written (``pictures.store``) only in ``save_model``
and ``save_formset``, after the form and every inline proved valid, and the
whole view runs inside ``pictures.discarding_on_error()``, so a save that
fails after that leaves no file behind. Replacing an image makes a new
``Picture``; the old one stays for the revisions that name it.
"""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from taggit.forms import TagWidget
from taggit.managers import TaggableManager
from taggit.models import Tag as TaggitTag

from . import history, pictures, services
from .conflicts import INVALID, UNCHANGED, ConflictCheckAdminMixin
from .models import (
    Alias,
    Appearance,
    Change,
    Character,
    Entry,
    Episode,
    GalleryImage,
    Picture,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    Studio,
    StudioMember,
    Tag,
    VoiceCredit,
)
from .revisions import note, register_models

# Before any VersionAdmin is built: it would otherwise register the models itself,
# with less to follow than a revision of an entry must hold.
register_models()

# --- Forms -----------------------------------------------------------------------------


class EntryAdminForm(forms.ModelForm):
    """Checks the slug of a kind of entry before ``Entry.save()`` fills it in.

    The model's constraints on the slug (one per kind, never empty) cannot be
    checked by the model form as they stand: ``kind`` is not a form field, so
    Django skips ``unique_slug_per_kind``, and an empty slug, which the editor
    may leave for ``save()`` to make from the title, would fail
    ``entry_slug_not_empty``.
    """

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        model = self._meta.model
        taken = Entry.objects.filter(kind=model.KIND, slug=slug).exclude(pk=self.instance.pk)
        if slug and taken.exists():
            raise ValidationError(
                _("Another %(kind)s already has this slug; choose another or leave it empty."),
                code="unique_slug_per_kind",
                params={"kind": model._meta.verbose_name},
            )
        return slug

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # Nothing to check yet: save() makes a unique, non-empty slug from the title.
        if not self.cleaned_data.get("slug"):
            exclude.add("slug")
        return exclude


class EpisodeAdminForm(EntryAdminForm):
    # The database refuses 0 (episode_number_positive); say why in words instead.
    number = forms.IntegerField(min_value=1, max_value=32767)


class EditSummaryMixin(forms.Form):
    """The edit summary an editor types on a kind's form: the revision's comment.

    Not a model field, and not part of the edit itself: left out of
    ``changed_data`` (so neither the change message nor a conflict check sees it).
    """

    edit_summary = forms.CharField(
        label=_("Edit summary"),
        max_length=255,
        required=False,
        help_text=_("Briefly, what you changed and why. Shown in the page's history."),
        widget=forms.TextInput(attrs={"class": "vTextField", "size": 80}),
    )

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "edit_summary"]


# --- Pictures on forms ---------------------------------------------------------------------

# What the file dialog offers; the file's content still decides (pictures.prepare).
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
IMAGE_HELP = _(
    "A JPEG, PNG, WebP or GIF of at most %(size)s. It is checked, cleaned of "
    "metadata (camera, GPS) and stored under a new name."
)
# Django's own message for a 0-byte upload, in the words pictures.prepare uses.
EMPTY_FILE = _("The file is empty.")


def _image_input():
    return forms.FileInput(attrs={"accept": IMAGE_ACCEPT})


def _image_help() -> str:
    return IMAGE_HELP % {"size": filesizeformat(pictures.max_bytes())}


class _PictureUploadField(forms.FileField):
    """A file input for an image; ``pictures.prepare`` does the real checking.

    No limit on the name's length: the name is only kept for editors to
    recognise (``pictures.clean_name`` shortens it), never used to store.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _image_input())
        kwargs.setdefault("error_messages", {"empty": EMPTY_FILE})
        super().__init__(**kwargs)


class MainImageFormMixin(forms.Form):
    """Upload, replace or remove an entry's main image.

    ``clean`` prepares the upload (checked and re-encoded in memory, nothing
    written); the admin's ``save_model`` stores it. ``Entry.image`` itself is
    not a form field, so the conflict check asks ``tracked_value`` what the
    editor did to it.
    """

    image_upload = _PictureUploadField(label=_("Upload a main image"), required=False)
    image_remove = forms.BooleanField(label=_("Remove the main image"), required=False)
    tracked_model_fields = ("image",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_image: pictures.Prepared | None = None
        self.fields["image_upload"].help_text = _image_help()

    def clean_image_upload(self):
        upload = self.cleaned_data.get("image_upload")
        if upload:
            self.prepared_image = pictures.prepare(upload)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        if self.prepared_image is not None and cleaned_data.get("image_remove"):
            self.add_error(
                "image_remove",
                _("Either upload a new main image or remove the current one, not both."),
            )
        return cleaned_data

    def tracked_value(self, name: str):
        """What the editor did to ``Entry.image`` (see ``entries.conflicts``)."""
        if self.has_error("image_upload") or self.has_error("image_remove"):
            return INVALID
        if self.prepared_image is not None:
            # A picture that does not exist yet: different from any stored one.
            return f"\x00upload\x00{self.prepared_image.sha256}"
        if self.cleaned_data.get("image_remove"):
            return None
        return UNCHANGED

    def new_image(self, *, user) -> tuple[bool, Picture | None]:
        """(whether the main image changes, the picture it becomes), storing an upload."""
        if self.prepared_image is not None:
            return True, pictures.store(self.prepared_image, user=user)
        if self.cleaned_data.get("image_remove"):
            return True, None
        return False, None


class EntryEditForm(EditSummaryMixin, MainImageFormMixin, EntryAdminForm):
    """The change form of a kind of entry."""


class EpisodeEditForm(EditSummaryMixin, MainImageFormMixin, EpisodeAdminForm):
    """The change form of an episode (episodes added inline on a series have no summary)."""


class GalleryImageForm(forms.ModelForm):
    """One gallery row: an upload (required on a new row; on an existing one it replaces
    the picture), caption, credit and position."""

    upload = _PictureUploadField(label=_("image"), required=False)
    # Left empty, a row goes after the others (EntryAdmin.save_formset).
    position = forms.IntegerField(
        label=_("position"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Lower numbers come first; leave empty to put it last."),
        widget=forms.NumberInput(attrs={"class": "vIntegerField", "style": "width: 5em"}),
    )

    class Meta:
        model = GalleryImage
        fields = ["caption", "credit", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: pictures.Prepared | None = None
        if self.instance.pk is None:
            field = self.fields["upload"]
            field.required = True
            field.error_messages["required"] = _("Choose an image for the new gallery row.")
        else:
            self.fields["upload"].label = _("replace image")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.prepared = pictures.prepare(upload)
        return upload


# A bare "example.com" typed into a URL field becomes https://, which Django 6 makes the
# default; saying so now also keeps Django 5's deprecation warning out of the logs.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


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


def picture_preview(picture: Picture | None, *, width: int = 160, details: bool = True):
    """A thumbnail of ``picture`` (its smallest rendition), with its size and file name."""
    if picture is None or not picture.renditions:
        return format_html('<span class="picture-preview--none">{}</span>', _("No image"))
    thumb = picture.renditions[0]
    shown_width = min(width, thumb["width"])
    shown_height = max(1, round(thumb["height"] * shown_width / thumb["width"]))
    image = format_html(
        # Lazy only in the changelist's long column; a form shows its few previews at once.
        '<img src="{}" width="{}" height="{}" alt="" loading="{}" decoding="async">',
        picture.thumbnail_url,
        shown_width,
        shown_height,
        "eager" if details else "lazy",
    )
    if not details:
        return image
    return format_html(
        '<figure class="picture-preview" style="margin: 0">{}<figcaption>{} × {} px · {}'
        "</figcaption></figure>",
        image,
        picture.width,
        picture.height,
        picture.original_name or _("unnamed"),
    )


class GalleryImageInline(admin.TabularInline):
    """An entry's gallery, in display order; ``EntryAdmin.save_formset`` stores uploads."""

    model = GalleryImage
    form = GalleryImageForm
    fields = ["preview", "upload", "caption", "credit", "position"]
    readonly_fields = ["preview"]
    # Replaced through "upload", never shown as a select; compared by the conflict check.
    conflict_fields = ["picture"]
    ordering = ["position", "pk"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("picture")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return picture_preview(obj.picture)


# --- History --------------------------------------------------------------------------------

# The request attribute holding what a revert or recover view restored
# (``history.Restored``), for ``save_related`` to record.
RESTORING = "_entries_restoring"


class _ShowAndRollBack(Exception):
    """Leaves the revert view's transaction with a rendered form, undoing the restore."""

    def __init__(self, response):
        super().__init__()
        self.response = response


@contextmanager
def _keeping_comment():
    """Keep a revision comment set before the block (the edit summary) over any the
    block sets."""
    comment = reversion.get_comment() if reversion.is_active() else ""
    yield
    if comment and reversion.is_active():
        reversion.set_comment(comment)


# --- Kinds of entry -----------------------------------------------------------------------

# Every kind's form starts with its names and ends with the page text; the kind's
# own facts go in between.
NAMES = (None, {"fields": ["title", "native_title", "slug"]})
PAGE = (_("Page"), {"fields": ["summary", "body", "tags"]})
IMAGE = (
    _("Main image"),
    {"fields": ["image_preview", "image_upload", "image_remove", "image_credit"]},
)
RECORD = (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]})


class EntryAdmin(VersionAdmin):
    """What every kind of entry shares: names, aliases, tags, search, history."""

    form = EntryEditForm
    # The edit summary sits just above the save buttons, after the inlines.
    change_form_template = "admin/entries/entry_change_form.html"
    object_history_template = "reversion/entries/object_history.html"
    revision_form_template = "reversion/entries/revision_form.html"
    recover_form_template = "reversion/entries/recover_form.html"
    history_latest_first = True
    formfield_overrides = {
        **HTTPS_URLS,
        # As wide as the other text fields: a page often has half a dozen tags.
        TaggableManager: {"widget": TagWidget(attrs={"class": "vTextField"})},
    }
    list_display = ["thumbnail", "title", "tag_list", "updated_at"]
    list_display_links = ["thumbnail", "title"]
    # Only the tags this kind uses, not every tag in the encyclopedia.
    list_filter = [("tags", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "native_title", "aliases__name", "slug"]
    readonly_fields = ["created_at", "updated_at", "image_preview"]
    fieldsets = [NAMES, PAGE, IMAGE, RECORD]
    inlines = [AliasInline, GalleryImageInline]

    class Media:
        css = {"all": ["css/admin-pictures.css"]}

    def get_queryset(self, request):
        # The image in the same query as the row: the thumbnail column costs nothing.
        # The changelist ignores list_select_related once the queryset selects anything
        # related, so a kind's own list_select_related is named here too.
        related = ["image"]
        if isinstance(self.list_select_related, list | tuple):
            related += self.list_select_related
        return super().get_queryset(request).select_related(*related).prefetch_related("tags")

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        # From the prefetch in get_queryset: tags.names() would query once per row.
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        if obj.image is None:
            return "—"
        return picture_preview(obj.image, width=64, details=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.image_id is not None:
            return fieldsets
        # No main image yet: a "remove" box with nothing to remove would only confuse.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "image_remove"]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("current main image"))
    def image_preview(self, obj):
        return picture_preview(obj.image if obj is not None else None)

    # --- Pictures: stored only once everything is valid ---------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The files of a save that fails after storing them (a database error when
        # the inlines are written, or at commit) are deleted again.
        with pictures.discarding_on_error():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if getattr(form, "prepared_image", None) is not None:
            # Shown again with errors elsewhere: browsers never refill a file input.
            text = _(
                "Your image was fine but is not saved yet: choose the file again before saving."
            )
            # The bound field copied the help text when it was made: change both.
            form.fields["image_upload"].help_text = form["image_upload"].help_text = text
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if isinstance(form, MainImageFormMixin):
            changes, picture = form.new_image(user=request.user)
            if changes:
                obj.image = picture
                if picture is None:
                    # A credit with no image would credit nothing.
                    obj.image_credit = ""
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's change message (the revision comment when there is no edit
        summary), with the upload and remove boxes named as what they change:
        "Changed Main image." rather than "Changed Upload a main image."."""
        message = super().construct_change_message(request, form, formsets, add)
        if not isinstance(form, MainImageFormMixin):
            return message
        # Django names the fields in English (translation.override(None)); so do we.
        with translation.override(None):
            boxes = {
                str(form.fields[name].label)
                for name in MainImageFormMixin.base_fields
                if name in form.fields
            }
            main_image = capfirst(str(Entry._meta.get_field("image").verbose_name))
        for part in message:
            fields = part.get("changed", {}).get("fields")
            if fields and "object" not in part["changed"] and boxes.intersection(fields):
                part["changed"]["fields"] = [
                    *(label for label in fields if label not in boxes),
                    main_image,
                ]
        return message

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        restoring: history.Restored | None = getattr(request, RESTORING, None)
        if restoring is not None and level == messages.SUCCESS:
            # Django's "was changed successfully" alone would hide that it was a revert.
            message = format_html(
                "{}. {}", history.restore_comment(restoring.action, restoring.revision), message
            )
        super().message_user(request, message, level, *args, **kwargs)

    def _save_gallery(self, request, formset) -> None:
        """Store the gallery rows' uploads and give rows without a position the next ones."""
        kept = [
            row
            for row in formset.forms
            if row not in formset.deleted_forms and (row.instance.pk or row.has_changed())
        ]
        for row in kept:
            if row.prepared is not None:
                row.instance.picture = pictures.store(row.prepared, user=request.user)
        positions = [row.instance.position for row in kept if row.instance.position is not None]
        following = max(positions, default=0) + 1
        for row in kept:
            if row.instance.position is None:
                row.instance.position = following
                following += 1

    # --- Recording: every save and delete is a revision with a Change per entry ---------

    def save_related(self, request, form, formsets, change):
        """After the entry, its tags and its inline rows are saved: the revision's
        comment, and a ``Change`` for the entry and for each episode saved inline."""
        super().save_related(request, form, formsets, change)
        entry = form.instance
        summary = form.cleaned_data.get("edit_summary", "")
        restoring: history.Restored | None = getattr(request, RESTORING, None)
        if restoring is not None:
            action = restoring.action
            reversion.set_comment(history.restore_comment(action, restoring.revision, summary))
        else:
            action = Change.Action.CHANGE if change else Change.Action.CREATE
            if summary:
                reversion.set_comment(summary)
        note(entry, action)
        noted = {entry.pk}
        for formset in formsets:
            if not issubclass(formset.model, Entry):
                continue
            saved = [
                *((obj, Change.Action.CREATE) for obj in formset.new_objects),
                *((obj, Change.Action.CHANGE) for obj, _fields in formset.changed_objects),
                *((obj, Change.Action.DELETE) for obj in formset.deleted_objects),
            ]
            for obj, obj_action in saved:
                note(obj, obj_action)
                noted.add(obj.pk)
        if restoring is not None:
            history.note_restored(restoring, skip=noted)

    def save_formset(self, request, form, formset, change):
        if formset.model is GalleryImage:
            self._save_gallery(request, formset)
        deleted = [
            (row.instance, row.instance.pk)
            for row in formset.deleted_forms
            if isinstance(row.instance, Entry) and row.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        # Django empties the key of what it deletes; save_related notes the deletion.
        for instance, pk in deleted:
            instance.pk = pk

    def log_addition(self, request, obj, message):
        # VersionAdmin makes Django's change message the comment; an edit summary wins.
        with _keeping_comment():
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        with _keeping_comment():
            return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        history.record_deletion(
            entries=[obj],
            user=request.user,
            summary=_("Deleted “%(title)s”.") % {"title": obj.title},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        entries = list(queryset)
        history.record_deletion(
            entries=entries,
            user=request.user,
            summary=_("Deleted with the “delete selected” action (%(count)d at once).")
            % {"count": len(entries)},
        )
        super().delete_queryset(request, queryset)

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin opens one revision around the whole changelist, for
        # list_editable (unused here). The "delete selected" action must write its
        # revision before the rows go (delete_queryset), which it cannot do inside
        # another revision: a revision keeps only the rows still there at its end.
        context = {"has_change_permission": self.has_change_permission(request)}
        context.update(extra_context or {})
        return super(VersionAdmin, self).changelist_view(request, context)

    # --- Revert and recover ---------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """Reversion's list of revisions, each with a link to its public diff page."""
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        entry, actions = context.get("object"), context.get("action_list") or []
        if entry is not None and actions:
            with_diff = set(
                Change.objects.filter(
                    entry_pk=entry.pk, revision__in=[action["revision"] for action in actions]
                ).values_list("revision_id", flat=True)
            )
            for action in actions:
                if action["revision"].pk in with_diff:
                    action["diff_url"] = history.revision_url(entry, action["revision"].pk)
        return response

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reversion's revert form, restoring with ``history.restore`` (see its docstring
        for how that differs from ``Revision.revert``)."""
        version = self._version_or_404(version_id, object_id=unquote(object_id))
        context = {
            "title": _("Revert %(name)s") % {"name": version.object_repr},
            "revert": True,
            **(extra_context or {}),
        }
        return self._restore_view(request, version, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self._version_or_404(version_id)
        context = {
            "title": _("Recover %(name)s") % {"name": version.object_repr},
            "recover": True,
            **(extra_context or {}),
        }
        return self._restore_view(request, version, self.recover_form_template, context)

    def _version_or_404(self, version_id, **filters):
        # Only versions of this admin's kind: reversion's own view would take any
        # version with a matching id and revert a revision of some other row.
        return get_object_or_404(
            Version.objects.select_related("revision"),
            pk=version_id,
            content_type=ContentType.objects.get_for_model(self.model),
            **filters,
        )

    def _restore_view(self, request, version, template_name, context):
        """The change form, on the entry as ``version``'s revision holds it.

        As in VersionAdmin: the revision is written back inside a transaction;
        a GET (or a form with errors) shows the form and rolls everything back,
        and a valid POST saves the form on top of it as a new revision. Unlike
        VersionAdmin, model signals are not muted for the GET: muting is
        process-wide and would drop other requests' signals; what our handlers
        write is rolled back with the rest.
        """
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                restored = history.restore(
                    revision=version.revision, model=self.model, pk=version.object_id
                )
                setattr(request, RESTORING, restored)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        return response
                    if response.status_code != 200:
                        raise RevertError(_("This revision could not be loaded."))
                    response.template_name = template_name
                    response.render()
                    raise _ShowAndRollBack(response)
        except _ShowAndRollBack as shown:
            return shown.response
        except (RevertError, models.ProtectedError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            )
        finally:
            if hasattr(request, RESTORING):
                delattr(request, RESTORING)


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
    ]
    # The form is long with its inlines: save buttons at the top too.
    save_on_top = True


@admin.register(Character)
class CharacterAdmin(ConflictCheckAdminMixin, EntryAdmin):
    list_display = ["thumbnail", "title", "native_title", "appears_in", "tag_list", "updated_at"]
    inlines = [AliasInline, AppearanceOnCharacterInline, VoiceCreditInline, GalleryImageInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("appearances", queryset=Appearance.objects.select_related("series"))
            )
        )

    @admin.display(description=_("appears in"))
    def appears_in(self, obj):
        return ", ".join(appearance.series.title for appearance in obj.appearances.all())


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
        GalleryImageInline,
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
    inlines = [AliasInline, StudioWorkInline, StudioMemberInline, GalleryImageInline]


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


# --- Other models --------------------------------------------------------------------------


@admin.register(StreamingPlatform)
class StreamingPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


# taggit's own Tag model is unused (entries.Tag replaces it): keep it out of the
# editors' way.
admin.site.unregister(TaggitTag)


class MergeTagsForm(forms.Form):
    new_tag_name = forms.CharField(
        label=_("Merge into the tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_("An existing tag's name, or a new one."),
    )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "uses"]
    ordering = ["name"]
    search_fields = ["name"]
    # The slug is made from the name (romanised, never empty) when left blank.
    fields = ["name", "slug"]
    actions = ["render_tag_form"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("tagged_entries"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["slug"].required = False
        return form

    @admin.display(description=_("uses"), ordering="uses")
    def uses(self, obj):
        return obj.uses

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_urls(self):
        merge = path(
            "merge-tags/",
            self.admin_site.admin_view(self.merge_tags_view),
            name="entries_tag_merge_tags",
        )
        return [merge, *super().get_urls()]

    @admin.action(description=_("Merge selected tags"), permissions=["change"])
    def render_tag_form(self, request, queryset):
        request.session["merge_tag_ids"] = list(queryset.values_list("pk", flat=True))
        return redirect("admin:entries_tag_merge_tags")

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        tags = Tag.objects.filter(pk__in=request.session.get("merge_tag_ids", []))
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            target = services.merge_tags(tags=tags, into_name=form.cleaned_data["new_tag_name"])
            request.session.pop("merge_tag_ids", None)
            self.message_user(request, _("Tags merged into “%s”.") % target.name, messages.SUCCESS)
            return redirect("admin:entries_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge tags"),
            "form": form,
            "tags": tags,
        }
        return render(request, "admin/entries/tag/merge_tags.html", context)
