"""``manage.py export_dump PATH``: the whole encyclopedia as gzipped JSON Lines.

``--publish`` writes it to the media storage instead, as
``dumps/fandex-YYYYMMDD.jsonl.gz``, which ``/about/data/`` links. See
``entries.dumps`` for what a dump holds and the README for the format.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from entries import dumps
from entries.management.arguments import positive_int


class Command(BaseCommand):
    help = (
        "Write every entry with its relations, tags, aliases and picture metadata (not the "
        "history, not the files) to PATH as gzipped JSON Lines; --publish puts it in the "
        "media storage for /about/data/."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the dump (.jsonl.gz).")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Write it to the media storage as dumps/fandex-YYYYMMDD.jsonl.gz instead.",
        )
        parser.add_argument(
            "--chunk-size",
            type=positive_int,
            default=500,
            help="Objects read per query (default %(default)s).",
        )

    def handle(self, *args, path, publish: bool, chunk_size, verbosity, **options):
        if bool(path) == publish:
            raise CommandError("Give either a PATH to write to or --publish (not both).")
        started = time.perf_counter()
        try:
            if publish:
                published, report = dumps.publish(chunk_size=chunk_size)
                where = f"{published.name} in the media storage ({published.size} bytes)"
            else:
                report = dumps.export_dump(path, chunk_size=chunk_size)
                where = path
        except OSError as error:
            raise CommandError(f"Cannot write the dump: {error}.") from error
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `manage.py migrate` been run?"
            ) from error
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Wrote {where}: {report.summary()}.")
                + f" Took {time.perf_counter() - started:.1f} s."
            )
