"""``manage.py bench_images``: time and memory of an upload, from 1 MP to the limit.

For JPEG and PNG inputs at about 1, 8 (4K) and 40 megapixels (the default
FANDEX_IMAGE_MAX_PIXELS), prints the median time of ``prepare`` (checking,
decoding, cleaning, re-encoding, renditions) and of ``store`` (writing the
files and the row), and the memory one ``prepare`` needs. See
``entries.benchmarks.images`` for what is measured and how; nothing is asserted.

Files go to a throw-away folder and each store is rolled back, so it can run
against any migrated database::

    python manage.py bench_images                      # 1, 8.3 and 40 MP, 3 runs each
    python manage.py bench_images --megapixels 2,12 --formats jpeg --repeat 5
"""

import platform

import PIL
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from entries.benchmarks import images
from entries.management.arguments import add_repeat
from entries.models import Picture


def _sizes(value: str) -> list[float]:
    try:
        sizes = [float(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValueError(value) from None
    if not sizes or any(size <= 0 for size in sizes):
        raise ValueError(value)
    return sizes


def _formats(value: str) -> list[str]:
    formats = [part.strip().lower() for part in value.split(",") if part.strip()]
    if not formats or any(fmt not in images.DEFAULT_FORMATS for fmt in formats):
        raise ValueError(value)
    return formats


class Command(BaseCommand):
    help = (
        "Time checking, re-encoding and storing uploaded images (JPEG and PNG, up to the "
        "pixel limit) and measure the memory it takes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--megapixels",
            type=_sizes,
            default=list(images.DEFAULT_MEGAPIXELS),
            help="Comma-separated input sizes in megapixels (default 1,8.2944,40: about "
            "1 MP, a 4K frame, the limit).",
        )
        parser.add_argument(
            "--formats",
            type=_formats,
            default=list(images.DEFAULT_FORMATS),
            help="Comma-separated input formats, jpeg and/or png (default: both).",
        )
        add_repeat(parser, default=images.DEFAULT_REPEAT, each="per input")

    def handle(self, *args, megapixels, formats, repeat, verbosity, **options):
        limit = settings.FANDEX_IMAGE_MAX_PIXELS / 1_000_000
        over = [size for size in megapixels if size > limit]
        if over:
            raise CommandError(
                f"{', '.join(f'{size:g}' for size in over)} MP is over the pixel limit "
                f"(FANDEX_IMAGE_MAX_PIXELS, {limit:g} MP): such an upload is refused."
            )
        try:
            Picture.objects.exists()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `manage.py migrate` been run?"
            ) from error
        log = self.stdout.write if verbosity >= 2 else None
        results = images.run(formats=formats, megapixels=megapixels, repeat=repeat, log=log)
        self.stdout.write(
            f"Python {platform.python_version()}, Pillow {PIL.__version__}, "
            f"{connection.vendor} database, storage {settings.STORAGES['default']['BACKEND']}; "
            f"median of {repeat} run(s) after one warm-up."
        )
        self.stdout.write("")
        for line in images.table(results):
            self.stdout.write(line)
