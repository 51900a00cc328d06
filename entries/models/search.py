"""Search: ``SearchDocument``, what search reads for one entry (``entries.search``
builds and queries it)."""

from django.db import models

from ..text import CleanTextMixin
from .entries import Entry


class SearchDocument(CleanTextMixin, models.Model):
    """What search reads for one entry, rebuilt by ``entries.search.indexing`` on
    every change to the entry, its aliases or its tags.

    The texts are NFKC-normalized plain text, by weight: ``names`` (title, native
    title and aliases, one per line) over ``summary`` and ``tags`` over ``body``
    (the rendered body without markup). ``kind`` and ``year`` (a series' year, or
    an episode's series' year) let search filter without a join.

    Migration 0004 adds what depends on the database and is not a Django field:
    on PostgreSQL a generated, weighted ``vector`` tsvector column with a GIN
    index and a GIN trigram index on ``names``; on SQLite two external-content
    FTS5 tables (words of every text; trigrams of names) kept in step by
    triggers. A later migration that rebuilds this table on SQLite (Django does so
    for most field changes there) drops those triggers: run
    ``manage.py rebuild_search_index`` after it, which reinstalls them.
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    kind = models.CharField(max_length=16, choices=Entry.Kind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    names = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "year"], name="searchdoc_kind_year_idx"),
            models.Index(fields=["year"], name="searchdoc_year_idx"),
        ]

    def __str__(self):
        return self.names.partition("\n")[0]
