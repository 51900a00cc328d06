"""``manage.py prune_tags``: delete the tags no entry carries.

Deleting goes through the one write path (``services.delete_unused_tags``), so the
tag pages and caches follow. ``--dry-run`` lists them and deletes nothing::

    python manage.py prune_tags --dry-run
    python manage.py prune_tags
"""

from django.core.management.base import BaseCommand

from entries import services
from entries.models import Tag


class Command(BaseCommand):
    help = "Delete the tags that no entry carries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the unused tags and delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            names = list(Tag.objects.unused().order_by("name").values_list("name", flat=True))
            verb = "Would delete"
        else:
            names = services.delete_unused_tags()
            verb = "Deleted"
        for name in names:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"{verb} {len(names)} unused tag{'' if len(names) == 1 else 's'}.")
