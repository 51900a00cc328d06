"""``manage.py rebuild_search_index``: rewrite every entry's search document.

Search documents follow every save through signals; this command is for what
bypasses them (bulk loads, ``QuerySet.update``, restoring a dump) and for a
SQLite table rebuilt by a later migration, which loses the FTS triggers: it
reinstalls them. It runs in one transaction, so searches see the old index
until it is done.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from entries.search import indexing


class Command(BaseCommand):
    help = "Rebuild the search index of every entry (after bulk changes that bypass signals)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Entries read and written per batch (default 2000).",
        )

    def handle(self, *args, chunk_size, verbosity, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {done}/{total}")

        try:
            count = indexing.rebuild(chunk_size=chunk_size, progress=progress)
        except DatabaseError as error:
            raise CommandError(
                f"Could not rebuild the search index ({error}). "
                "Is the database reachable, and has `manage.py migrate` been run?"
            ) from error
        if verbosity >= 1:
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {count} entries in {elapsed:.1f} s ({connection.vendor})."
                )
            )
