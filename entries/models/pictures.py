"""Pictures: ``Picture`` (an uploaded image and its renditions, never changed once
stored) and ``GalleryImage`` (a picture in an entry's gallery)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import spoilers
from ..text import CleanTextMixin
from .entries import Entry
from .naturalkeys import NaturalKeyMixin, NaturalKeyQuerySet


class PictureQuerySet(NaturalKeyQuerySet):
    def unreferenced(self):
        """Pictures no entry and no gallery uses now (revisions may still name them)."""
        in_use = Entry.objects.filter(image__isnull=False).values("image_id")
        return self.exclude(pk__in=in_use).exclude(pk__in=GalleryImage.objects.values("picture_id"))


class Picture(NaturalKeyMixin, CleanTextMixin, models.Model):
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

    # Storage names are never reused (entries.pictures.storage).
    natural_key_fields = ("file",)

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


class GalleryImage(CleanTextMixin, models.Model):
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
    # A picture that shows a reveal (entries.spoilers).
    revealed_in = spoilers.revealed_in_field()
    revealed_in_series = spoilers.revealed_in_series_field()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery")
        constraints = [spoilers.revealed_in_constraint("galleryimage")]
        indexes = [models.Index(fields=["entry", "position"], name="gallery_entry_position_idx")]

    def __str__(self):
        return self.caption or str(self.picture)
