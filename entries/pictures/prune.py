"""Pruning: deleting the pictures nothing refers to, and stray files.

A picture is kept while anything may show it again:

- an entry's main image or a gallery row uses it now, or
- a stored revision names it: the ``image`` of a version of ``Entry`` or the
  ``picture`` of a version of ``GalleryImage``. Reverting or recovering an
  entry writes those ids back, so their pictures must still be there.

Any other picture is deleted, row and files (the full-size image and every
rendition). Then files under ``pictures/`` in storage that no picture owns are
deleted too: what a crashed upload or a hand-made copy left behind.

Both steps leave alone what is younger than ``min_age`` (default one hour): an
upload in progress writes its files, then its ``Picture`` row, then the entry
that uses it, in one transaction that other connections cannot see until it
commits. With ``dry_run`` the report says what would go and nothing is deleted.
``manage.py prune_pictures`` runs ``prune_unused`` and prints its report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from reversion.models import Version

from entries.models import Entry, GalleryImage, Picture

from .storage import PICTURES_DIR, delete_files

PRUNE_MIN_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class PrunedPicture:
    """A picture ``prune_unused`` deleted (or would have): its row as it was."""

    pk: int
    name: str  # str(picture)
    file: str  # the full-size image's storage name
    files: int  # how many files it had in storage


@dataclass
class PruneReport:
    """What ``prune_unused`` deleted (or, in a dry run, would have) and what it kept, and why."""

    dry_run: bool
    deleted: list[PrunedPicture] = field(default_factory=list)
    in_use: int = 0
    kept_for_revisions: int = 0
    too_young: int = 0
    stray_deleted: list[str] = field(default_factory=list)
    stray_too_young: int = 0
    stray_age_unknown: int = 0

    @property
    def files_of_deleted(self) -> int:
        return sum(picture.files for picture in self.deleted)


def prune_unused(*, min_age: timedelta = PRUNE_MIN_AGE, dry_run: bool = False) -> PruneReport:
    """Delete unreferenced pictures and stray files older than ``min_age`` (or, with
    ``dry_run``, only say which), and report."""
    cutoff = timezone.now() - min_age
    report = PruneReport(dry_run=dry_run)
    _prune_rows(report, cutoff=cutoff)
    _prune_stray_files(report, cutoff=cutoff)
    return report


def pictures_in_revisions() -> set[int]:
    """Ids of every picture that a stored revision names."""
    ids: set[int] = set()
    for model, name in ((Entry, "image"), (GalleryImage, "picture")):
        versions = Version.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).values_list("format", "serialized_data")
        for fmt, data in versions.iterator(chunk_size=500):
            ids.update(_stored_values(fmt, data, name))
    return ids


def _stored_values(fmt: str, data: str, name: str) -> list[int]:
    if fmt == "json":
        # Reversion's default: read the field without building model instances.
        return [
            int(obj["fields"][name])
            for obj in json.loads(data)
            if obj.get("fields", {}).get(name) is not None
        ]
    attname = f"{name}_id"
    return [
        int(getattr(obj.object, attname))
        for obj in serializers.deserialize(fmt, data, ignorenonexistent=True)
        if getattr(obj.object, attname, None) is not None
    ]


# --- Picture rows -------------------------------------------------------------------------


def _prune_rows(report: PruneReport, *, cutoff) -> None:
    unreferenced = Picture.objects.unreferenced()
    report.in_use = Picture.objects.count() - unreferenced.count()
    in_revisions = pictures_in_revisions()
    for picture in unreferenced.order_by("pk").iterator():
        if picture.pk in in_revisions:
            report.kept_for_revisions += 1
        elif picture.created_at >= cutoff:
            report.too_young += 1
        else:
            # Taken before the delete, which leaves the instance without a pk.
            pruned = PrunedPicture(
                pk=picture.pk,
                name=str(picture),
                file=picture.file.name,
                files=len(picture.storage_names()),
            )
            if report.dry_run or _delete(picture):
                report.deleted.append(pruned)


def _delete(picture: Picture) -> bool:
    """Delete the row, then (once that is committed) its files; False if an entry
    started using it in the meantime."""
    try:
        with transaction.atomic():
            picture.delete()
    except (ProtectedError, IntegrityError):
        return False
    delete_files(picture)
    return True


# --- Stray files ----------------------------------------------------------------------------


def _prune_stray_files(report: PruneReport, *, cutoff) -> None:
    owned = set()
    for file_name, renditions in Picture.objects.values_list("file", "renditions").iterator():
        owned.add(file_name)
        for rendition in renditions or ():
            owned.update((rendition.get("webp"), rendition.get("fallback")))
    for name in _files_under(PICTURES_DIR):
        if name in owned:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            report.stray_age_unknown += 1
            continue
        if modified >= cutoff:
            report.stray_too_young += 1
            continue
        if not report.dry_run:
            default_storage.delete(name)
        report.stray_deleted.append(name)


def _files_under(directory: str):
    """Every file under ``directory`` in the default storage, as storage names."""
    try:
        folders, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _files_under(f"{directory}/{folder}")
