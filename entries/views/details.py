"""Entry pages: one view per kind, on a shared ``EntryDetailView``.

A slug longer than any slug can be, or an episode number no episode can have,
is a 404 before the database is asked.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from .. import selectors
from ..caching import fragments
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

    A reader (not logged in) gets the share card and the article from the
    fragment cache (``entries.caching.fragments``) when they are there: the page
    then costs the entry's row alone, and the rows its article shows are fetched
    (``page_context``) only for a fragment that is missing. Editors' pages differ
    (edit links, red links to the add forms) and are always made whole.
    """

    context_object_name = "entry"
    # What the page outside its fragments needs of other rows (an episode's title
    # names its series).
    frame_related: tuple[str, ...] = ()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.use_fragments = fragments.enabled() and not request.user.is_authenticated

    def get_queryset(self):
        if self.use_fragments:
            return self.model.objects.select_related(*self.frame_related)
        return self.page_queryset()

    def page_queryset(self):
        return self.model.objects.for_page().with_gallery()

    def get_object(self, queryset=None):
        if len(self.kwargs["slug"]) > SLUG_MAX_LENGTH:
            raise Http404("No page has such a long address.")
        return super().get_object(queryset)

    def page_context(self, entry) -> dict:
        """What the article shows, for ``entry`` fetched with ``page_queryset``;
        each kind adds its lists."""
        return {
            "entry": entry,
            "body_html": selectors.body_html(
                entry, create_url=red_link_target(self.request.user, context=entry)
            ),
            "links_here": selectors.links_here(entry, limit=LINKS_HERE_SHOWN),
            "history_url": entry.get_history_url(),
            "spoiler_series": selectors.spoiler_series(entry),
        }

    def get_context_data(self, **kwargs):
        entry, user = self.object, self.request.user
        context = {"edit_url": change_url(user, entry)}
        if self.use_fragments:
            cached = fragments.EntryFragments(
                entry.pk,
                site=self.request.build_absolute_uri("/"),
                fill=lambda: self.page_context(
                    get_object_or_404(self.page_queryset(), pk=entry.pk)
                ),
            )
            context["fragments"] = cached
            context["last_edit"] = cached.value("last_edit", lambda: selectors.last_edit(entry))
        else:
            context.update(self.page_context(entry), last_edit=selectors.last_edit(entry))
        return super().get_context_data(**context, **kwargs)


class SeriesDetailView(EntryDetailView):
    model = Series

    def page_context(self, series) -> dict:
        return {
            **super().page_context(series),
            "studios": selectors.roles_by(series.studio_roles.all(), "studio"),
            "staff": selectors.credits_by_person(series.staff_credits.all()),
            "cast": selectors.cast_by_role(series.appearances.all()),
            "related": selectors.related_series(series),
        }


class CharacterDetailView(EntryDetailView):
    model = Character

    def page_context(self, character) -> dict:
        return {
            **super().page_context(character),
            "episodes": selectors.episodes_by_series(character.episode_appearances.all()),
        }


class StaffDetailView(EntryDetailView):
    model = Staff

    def page_context(self, person) -> dict:
        return {
            **super().page_context(person),
            "works": selectors.roles_by(person.credits.all(), "series"),
            "episode_credits": selectors.episodes_by_series(person.episode_credits.all()),
        }


class StudioDetailView(EntryDetailView):
    model = Studio

    def page_context(self, studio) -> dict:
        founders = [
            member
            for member in studio.members.all()
            if member.position == StudioMember.Position.FOUNDER
        ]
        return {
            **super().page_context(studio),
            "works": selectors.roles_by(studio.series_roles.all(), "series"),
            "people": selectors.positions_by_person(studio.members.all()),
            "founders": founders,
        }


class EpisodeDetailView(EntryDetailView):
    """``/series/<slug>/episodes/<number>/``: found by its series and number."""

    model = Episode
    frame_related = ("series",)

    def get_object(self, queryset=None):
        slug, number = self.kwargs["slug"], self.kwargs["number"]
        if len(slug) > SLUG_MAX_LENGTH or number > MAX_EPISODE_NUMBER:
            raise Http404("No such episode.")
        return get_object_or_404(self.get_queryset(), series__slug=slug, number=number)

    def page_context(self, episode) -> dict:
        previous, following = selectors.episode_neighbours(episode)
        return {
            **super().page_context(episode),
            "previous": previous,
            "next": following,
            "staff": selectors.credits_by_person(episode.staff_credits.all()),
        }
