"""``manage.py prune_pictures``: delete pictures nothing refers to, and stray files.

What is kept and why is ``entries.pictures.prune_unused``'s to decide (see there); this
command reads the options and prints the report. ``--min-age`` (default one hour)
spares what an upload in progress is writing; ``--dry-run`` reports what would
go and deletes nothing::

    python manage.py prune_pictures --dry-run
    python manage.py prune_pictures --min-age 1d
"""

import re
from datetime import timedelta

from django.core.management.base import BaseCommand

from entries.pictures import PICTURES_DIR, PRUNE_MIN_AGE, PruneReport, prune_unused

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


class Command(BaseCommand):
    help = (
        "Delete pictures that no entry, gallery row or stored revision refers to, with "
        "their files, and files under pictures/ that no picture owns."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=duration,
            default=PRUNE_MIN_AGE,
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
        report = prune_unused(min_age=min_age, dry_run=dry_run)
        if verbosity >= 2:
            for picture in report.deleted:
                self.stdout.write(f"  picture {picture.pk}: {picture.name} ({picture.file})")
            for name in report.stray_deleted:
                self.stdout.write(f"  stray file: {name}")
        self._summary(report, min_age=min_age)

    def _summary(self, report: PruneReport, *, min_age: timedelta) -> None:
        verb = "Would delete" if report.dry_run else "Deleted"
        age = _age_text(min_age)
        lines = [
            f"{verb} {len(report.deleted)} unused picture(s) ({report.files_of_deleted} files).",
            f"Kept {report.in_use} picture(s) in use, {report.kept_for_revisions} named only "
            f"by revisions, {report.too_young} unused but younger than {age}.",
            f"{verb} {len(report.stray_deleted)} stray file(s) under {PICTURES_DIR}/; kept "
            f"{report.stray_too_young} younger than {age}.",
        ]
        if report.stray_age_unknown:
            lines.append(
                f"Left {report.stray_age_unknown} stray file(s) whose age the storage cannot tell."
            )
        if report.dry_run:
            lines.append("Dry run: nothing was deleted.")
        style = self.style.WARNING if report.dry_run else self.style.SUCCESS
        for line in lines:
            self.stdout.write(style(line))
