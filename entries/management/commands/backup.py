"""``manage.py backup PATH``: the database and the pictures' files in one ``.tar.gz``.

What a backup holds and why is ``entries.backups``' to say (see there)::

    python manage.py backup backups/fandex-2025-01-31.tar.gz
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from entries.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files together into PATH (a .tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        started = time.perf_counter()
        try:
            report = backup(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        took = time.perf_counter() - started
        self.stdout.write(f"Backed up {report.summary()} to {path} in {took:.1f} s.")
