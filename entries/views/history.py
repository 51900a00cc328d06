"""Public history pages: an entry's revisions, and the diff of one revision.

``<entry url>history/`` lists the revisions newest first (paginated);
``<entry url>history/<revision id>/`` compares that revision of the entry with
the one before it. The work is in ``history``; these views find the entry and
hand over. An unknown page, a revision that is not one of the entry's, or an
id too large to be a revision is a 404.
"""

from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView
from reversion.models import Revision

from .. import history
from ..models import Entry, Episode
from ..slugs import SLUG_MAX_LENGTH
from .details import MAX_EPISODE_NUMBER
from .mixins import SectionMixin
from .pagination import PaginatedMixin

_, MAX_REVISION_ID = connection.ops.integer_field_range(Revision._meta.pk.get_internal_type())


class EntryHistoryMixin(SectionMixin):
    """Finds the entry from the URL: a kind's slug, or a series' slug and episode number."""

    model: type[Entry] | None = None

    def get_entry(self) -> Entry:
        slug = self.kwargs["slug"]
        if len(slug) > SLUG_MAX_LENGTH:
            raise Http404("No page has such a long address.")
        if self.model is Episode:
            number = self.kwargs["number"]
            if number > MAX_EPISODE_NUMBER:
                raise Http404("No such episode.")
            return get_object_or_404(
                Episode.objects.select_related("series"), series__slug=slug, number=number
            )
        return get_object_or_404(self.model.objects.all(), slug=slug)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("entry", self.entry)
        return super().get_context_data(**kwargs)


class EntryHistoryView(EntryHistoryMixin, PaginatedMixin, ListView):
    """Every revision of an entry, newest first."""

    template_name = "entries/history.html"
    context_object_name = "changes"

    def get_queryset(self):
        self.entry = self.get_entry()
        return history.changes_of(self.entry)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revisions"] = [
            (change, self.entry.get_revision_url(change.revision_id))
            for change in context["changes"]
        ]
        return context


class RevisionDiffView(EntryHistoryMixin, TemplateView):
    """One revision of an entry, field by field against the revision before it."""

    template_name = "entries/history_diff.html"

    def get(self, request, *args, **kwargs):
        self.entry = self.get_entry()
        revision_id = self.kwargs["revision_id"]
        diff = (
            # Editors (who sign in to the admin) recognise pictures by their file names,
            # and see spoiler text, which a diff page could not hide from readers.
            history.revision_diff(
                self.entry,
                revision_id,
                file_names=request.user.is_staff,
                spoilers=request.user.is_staff,
            )
            if revision_id <= MAX_REVISION_ID
            else None
        )
        if diff is None:
            raise Http404("This page has no such revision.")
        self.diff = diff
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        diff = self.diff
        return super().get_context_data(
            diff=diff,
            change=diff.change,
            comparison=diff.comparison,
            history_url=self.entry.get_history_url(),
            previous_url=(
                self.entry.get_revision_url(diff.previous.revision_id) if diff.previous else ""
            ),
            next_url=(
                self.entry.get_revision_url(diff.following.revision_id) if diff.following else ""
            ),
            **kwargs,
        )
