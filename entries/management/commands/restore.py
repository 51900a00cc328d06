"""``manage.py restore PATH``: put a backup made by ``manage.py backup`` back.

Into a new database, migrated first; ``--force`` replaces whatever an existing
one holds. All or nothing (see ``entries.backups``)::

    python manage.py migrate
    python manage.py restore backups/fandex-2025-01-31.tar.gz
"""

import tarfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from entries.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the media files from a backup made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, force, database, **options):
        started = time.perf_counter()
        try:
            report = restore(path, force=force, using=database)
        except (BackupError, OSError, tarfile.TarError) as error:
            raise CommandError(str(error)) from error
        took = time.perf_counter() - started
        self.stdout.write(f"Restored {report.summary()} from {path} in {took:.1f} s.")
