"""Entry pages: one view per kind, on a shared ``EntryDetailView``.

A slug longer than any slug can be, or an episode number no episode can have,
is a 404 before the database is asked.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .. import selectors
from ..models import Character, Episode, Series, Staff, Studio, StudioMember
from ..slugs import SLUG_MAX_LENGTH
from .admin_links import change_url, red_link_target
from .mixins import SectionMixin

# "What links here" on an entry page.
LINKS_HERE_SHOWN = 100
# Episode numbers are PositiveSmallIntegerField: no larger number can exist.
MAX_EPISODE_NUMBER = 32767


class EntryDetailView(SectionMixin, DetailView):
    """An entry page; the queryset is the kind's ``for_page()`` with its main image
    and gallery (one query more, whatever the number of pictures).

    Every kind's page also shows its body with link colours as of now, the pages
    that link to it, and when and by whom it was last edited: three queries more
    whatever the number of links (two when its body links nowhere).
    """

    context_object_name = "entry"

    def get_queryset(self):
        return self.model.objects.for_page().with_gallery()

    def get_object(self, queryset=None):
        if len(self.kwargs["slug"]) > SLUG_MAX_LENGTH:
            raise Http404("No page has such a long address.")
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        entry, user = self.object, self.request.user
        return super().get_context_data(
            body_html=selectors.body_html(entry, create_url=red_link_target(user, context=entry)),
            links_here=selectors.links_here(entry, limit=LINKS_HERE_SHOWN),
            last_edit=selectors.last_edit(entry),
            edit_url=change_url(user, entry),
            history_url=entry.get_history_url(),
            **kwargs,
        )


class SeriesDetailView(EntryDetailView):
    model = Series

    def get_context_data(self, **kwargs):
        series = self.object
        return super().get_context_data(
            studios=selectors.roles_by(series.studio_roles.all(), "studio"),
            staff=selectors.credits_by_person(series.staff_credits.all()),
            cast=selectors.cast_by_role(series.appearances.all()),
            related=selectors.related_series(series),
            **kwargs,
        )


class CharacterDetailView(EntryDetailView):
    model = Character


class StaffDetailView(EntryDetailView):
    model = Staff

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            works=selectors.roles_by(self.object.credits.all(), "series"), **kwargs
        )


class StudioDetailView(EntryDetailView):
    model = Studio

    def get_context_data(self, **kwargs):
        studio = self.object
        founders = [
            member
            for member in studio.members.all()
            if member.position == StudioMember.Position.FOUNDER
        ]
        return super().get_context_data(
            works=selectors.roles_by(studio.series_roles.all(), "series"),
            founders=founders,
            **kwargs,
        )


class EpisodeDetailView(EntryDetailView):
    """``/series/<slug>/episodes/<number>/``: found by its series and number."""

    model = Episode

    def get_object(self, queryset=None):
        slug, number = self.kwargs["slug"], self.kwargs["number"]
        if len(slug) > SLUG_MAX_LENGTH or number > MAX_EPISODE_NUMBER:
            raise Http404("No such episode.")
        return get_object_or_404(self.get_queryset(), series__slug=slug, number=number)

    def get_context_data(self, **kwargs):
        previous, following = selectors.episode_neighbours(self.object)
        return super().get_context_data(previous=previous, next=following, **kwargs)
