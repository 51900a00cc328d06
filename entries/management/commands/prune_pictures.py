"""``manage.py prune_pictures``: delete pictures nothing refers to, and stray files.

A picture is kept while anything may show it again:

- an entry's main image or a gallery row uses it now, or
- a stored revision names it: the ``image`` of a version of ``Entry`` or the
  ``picture`` of a version of ``GalleryImage``. Reverting or recovering an
  entry writes those ids back, so their pictures must still be there.

Any other picture is deleted, row and files (the full-size image and every
rendition). Then files under ``pictures/`` in storage that no picture owns are
deleted too: what a crashed upload or a hand-made copy left behind.

Both steps leave alone what is younger than ``--min-age`` (default one hour):
an upload in progress writes its files, then its ``Picture`` row, then the
entry that uses it, in one transaction that other connections cannot see until
it commits. ``--dry-run`` reports what would go and deletes nothing::

    python manage.py prune_pictures --dry-run
    python manage.py prune_pictures --min-age 1d
"""

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from reversion.models import Version

from entries import pictures
from entries.models import Entry, GalleryImage, Picture

# Where pictures.store writes; nothing outside it is ever touched.
PICTURES_DIR = "pictures"
DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(value: str) -> timedelta:
    """``3600``, ``90s``, ``30m``, ``2h`` or ``1d``."""
    match = DURATION.match(value)
    if match is None:
        raise ValueError(value)
    return timedelta(seconds=int(match[1]) * UNITS[match[2]])


def _age_text(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


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


@dataclass
class Summary:
    deleted: list[Picture] = field(default_factory=list)
    files_of_deleted: int = 0
    in_use: int = 0
    kept_for_revisions: int = 0
    too_young: int = 0
    stray_deleted: list[str] = field(default_factory=list)
    stray_too_young: int = 0
    stray_age_unknown: int = 0


class Command(BaseCommand):
    help = (
        "Delete pictures that no entry, gallery row or stored revision refers to, with "
        "their files, and files under pictures/ that no picture owns."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=duration,
            default=timedelta(hours=1),
            help=(
                "Leave pictures and files younger than this alone, so that an upload in "
                "progress is safe: seconds, or a number with s, m, h or d (default 1h)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be deleted, and delete nothing.",
        )

    def handle(self, *args, min_age: timedelta, dry_run: bool, verbosity: int, **options):
        self.verbosity = verbosity
        cutoff = timezone.now() - min_age
        summary = Summary()
        self._prune_rows(summary, cutoff=cutoff, dry_run=dry_run)
        self._prune_stray_files(summary, cutoff=cutoff, dry_run=dry_run)
        self._report(summary, min_age=min_age, dry_run=dry_run)

    # --- Picture rows -----------------------------------------------------------------------

    def _prune_rows(self, summary: Summary, *, cutoff, dry_run: bool) -> None:
        unreferenced = Picture.objects.unreferenced()
        summary.in_use = Picture.objects.count() - unreferenced.count()
        in_revisions = pictures_in_revisions()
        for picture in unreferenced.order_by("pk").iterator():
            if picture.pk in in_revisions:
                summary.kept_for_revisions += 1
            elif picture.created_at >= cutoff:
                summary.too_young += 1
            else:
                described = f"  picture {picture.pk}: {picture} ({picture.file.name})"
                if dry_run or self._delete(picture):
                    summary.deleted.append(picture)
                    summary.files_of_deleted += len(picture.storage_names())
                    if self.verbosity >= 2:
                        self.stdout.write(described)

    def _delete(self, picture: Picture) -> bool:
        """Delete the row, then (once that is committed) its files; False if an entry
        started using it in the meantime."""
        try:
            with transaction.atomic():
                picture.delete()
        except (ProtectedError, IntegrityError):
            return False
        pictures.delete_files(picture)
        return True

    # --- Stray files --------------------------------------------------------------------------

    def _prune_stray_files(self, summary: Summary, *, cutoff, dry_run: bool) -> None:
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
                summary.stray_age_unknown += 1
                continue
            if modified >= cutoff:
                summary.stray_too_young += 1
                continue
            if not dry_run:
                default_storage.delete(name)
            summary.stray_deleted.append(name)
            if self.verbosity >= 2:
                self.stdout.write(f"  stray file: {name}")

    # --- Summary --------------------------------------------------------------------------------

    def _report(self, summary: Summary, *, min_age: timedelta, dry_run: bool) -> None:
        verb = "Would delete" if dry_run else "Deleted"
        age = _age_text(min_age)
        lines = [
            f"{verb} {len(summary.deleted)} unused picture(s) ({summary.files_of_deleted} files).",
            f"Kept {summary.in_use} picture(s) in use, {summary.kept_for_revisions} named only "
            f"by revisions, {summary.too_young} unused but younger than {age}.",
            f"{verb} {len(summary.stray_deleted)} stray file(s) under {PICTURES_DIR}/; kept "
            f"{summary.stray_too_young} younger than {age}.",
        ]
        if summary.stray_age_unknown:
            lines.append(
                f"Left {summary.stray_age_unknown} stray file(s) whose age the storage cannot tell."
            )
        if dry_run:
            lines.append("Dry run: nothing was deleted.")
        style = self.style.WARNING if dry_run else self.style.SUCCESS
        for line in lines:
            self.stdout.write(style(line))


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
