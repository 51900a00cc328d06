"""Changes: ``Change``, one entry's part in a revision (django-reversion), for
recent changes and the public history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import CleanTextMixin
from .entries import Entry
from .naturalkeys import NaturalKeyMixin, NaturalKeyQuerySet


class Change(NaturalKeyMixin, CleanTextMixin, models.Model):
    """One entry's part in a revision, for recent changes and the public history.

    django-reversion's ``Revision`` holds who, when and the edit summary, and its
    versions hold the data; this row says which entry the revision was about
    and what happened to it, and survives the entry's deletion.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        REVERT = "revert", _("reverted")
        RECOVER = "recover", _("recovered")

    revision = models.ForeignKey(
        "reversion.Revision", on_delete=models.CASCADE, related_name="changes"
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    # The entry's id, kept after the entry is deleted (``entry`` is then empty).
    entry_pk = models.PositiveBigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=Entry.Kind.choices)
    title = models.CharField(max_length=255)
    action = models.CharField(max_length=16, choices=Action.choices)
    # The entry's version after this change (0 for a deletion).
    version = models.PositiveIntegerField(default=0)
    # Written by a program (an import, the demo load), not an editor: recent changes
    # and the home page hide these unless asked (MediaWiki's "hide bots"). Every
    # change of a revision has the same value (``services.recorded(automated=...)``).
    automated = models.BooleanField(default=False)

    objects = NaturalKeyQuerySet.as_manager()

    natural_key_fields = ("revision", "entry_pk")  # unique_change_per_revision

    class Meta:
        ordering = ["-revision__date_created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "entry_pk"], name="unique_change_per_revision"
            ),
        ]
        indexes = [
            # Whether a program made an entry's latest change, from the index alone
            # (``EntryQuerySet.recently_updated``): the home page asks it of entry
            # after entry until it has 12 a person changed, of all 8,800 when an
            # import wrote every one (SQLite: 37 ms, 18 ms with this index).
            models.Index(fields=["entry_pk", "id", "automated"], name="change_entry_latest_idx"),
        ]

    def __str__(self):
        return f"{self.title} {self.get_action_display()}"
