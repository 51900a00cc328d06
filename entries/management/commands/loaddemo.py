"""``manage.py loaddemo``: load the demo content, or bring it up to date.

Safe to run any number of times: what is already there and unchanged is left
alone (the placeholder pictures too: a second run stores no file), and the
summary says how many objects were created, updated and left unchanged.
``-v 2`` lists them one by one; ``-v 0`` prints nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from entries.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo content (Metallic Rouge, Bones, Sunrise, their people, characters, "
        "episode 1, tags, and placeholder pictures drawn at load time). Running it again "
        "changes only what differs."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        try:
            report = load_demo()
        except ValidationError as error:
            # Demo data that no longer fits the models: name the problem, write nothing.
            raise CommandError(f"The demo content is not valid: {error}") from error
        except DatabaseError as error:
            raise CommandError(
                f"Could not write the demo content ({error}). "
                "Is the database reachable, and has `manage.py migrate` been run?"
            ) from error

        if verbosity >= 2:
            for heading, labels in [("created", report.created), ("updated", report.updated)]:
                for label in labels:
                    self.stdout.write(f"  {heading} {label}")
        if verbosity >= 1:
            summary = f"Demo content: {report.summary()}."
            if report.changed:
                self.stdout.write(self.style.SUCCESS(summary))
            else:
                self.stdout.write(f"{summary} Nothing to do: the demo content is up to date.")
