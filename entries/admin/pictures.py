"""Pictures in the admin: the main image's form fields, the gallery inline, previews.

An upload is checked and re-encoded in memory when the form is cleaned
(``pictures.prepare``), so a bad file is an error on its field; the files are
written (``pictures.store``) only in ``save_model`` and ``save_formset``, after
the form and every inline proved valid, and the whole view runs inside
``pictures.discarding_on_error()``, so a save that fails after that leaves no
file behind. Replacing an image makes a new ``Picture``; the old one stays for
the revisions that name it.
"""

from django import forms
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import pictures
from ..history.conflicts import INVALID, UNCHANGED
from ..models import Entry, GalleryImage, Picture

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
        """What the editor did to ``Entry.image`` (see ``entries.history.conflicts``)."""
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
        fields = ["caption", "credit", "position", "revealed_in", "revealed_in_series"]

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
    # GalleryImage also points at a series (revealed_in_series): the gallery is "entry".
    fk_name = "entry"
    form = GalleryImageForm
    fields = [
        "preview",
        "upload",
        "caption",
        "credit",
        "position",
        "revealed_in",
        "revealed_in_series",
    ]
    readonly_fields = ["preview"]
    autocomplete_fields = ["revealed_in_series"]
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


class PictureAdminMixin:
    """An entry admin's main image and gallery: previews, and uploads stored only once
    everything is valid."""

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

    def save_formset(self, request, form, formset, change):
        if formset.model is GalleryImage:
            self._save_gallery(request, formset)
        super().save_formset(request, form, formset, change)
