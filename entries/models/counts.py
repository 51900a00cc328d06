"""Stored counts that a page would otherwise compute over every row.

``TagCount``: how many entries of one kind carry one tag without a spoiler mark,
what the tag facet of an unfiltered index shows (``entries.filters``). Counting
them per request grouped every public tagging of the kind (57,000 for the
41,000 characters of the 100,000-entry benchmark: 90 ms on PostgreSQL); the
stored rows are one small read.

The counts are kept by the database, not by Python: triggers on
``entries_taggedentry`` (migration ``0013_tag_counts``, which also
counted the rows already there) change them in the statement that inserts,
deletes or updates a tagging, so every way of writing one keeps them exact: the
write path of ``entries.services``, taggit's ``tags.add``/``set``, bulk inserts
of imports, dumps and benchmarks, deletions by cascade, restores. On
PostgreSQL a ``TRUNCATE`` of the taggings (a restore from a backup, Django's
flush) empties the counts too. Nothing in Python writes these rows, and backups
leave them out (``entries.backups.LEFT_OUT``): loading the taggings counts them.
``tests/models/test_tag_counts.py`` compares them with a count from scratch
after each kind of write.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import CleanTextMixin
from .entries import Tag


class TagCount(CleanTextMixin, models.Model):
    """The entries of one kind that carry one tag publicly (no spoiler mark)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="counts")
    # Entry.Kind (its values; an entry never changes kind).
    kind = models.CharField(max_length=16)
    entries = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tag count")
        verbose_name_plural = _("tag counts")
        constraints = [
            # The triggers' upsert needs it: one row per tag and kind.
            models.UniqueConstraint(fields=["tag", "kind"], name="unique_count_per_tag_kind"),
        ]

    def __str__(self):
        return f"{self.tag_id} {self.kind}: {self.entries}"
