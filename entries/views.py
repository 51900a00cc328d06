"""Placeholder views, to be replaced by the public-pages work."""

from django.http import HttpResponse
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("not yet")


HomeView = SeriesListView = SeriesDetailView = EpisodeDetailView = _Stub
CharacterListView = CharacterDetailView = StaffListView = StaffDetailView = _Stub
StudioListView = StudioDetailView = TagListView = TagDetailView = _Stub


def resolve_name(request, name):
    return HttpResponse("not yet")
