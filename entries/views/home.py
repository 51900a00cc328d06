"""The home page: featured series, recently updated entries, popular tags."""

from django.views.generic import TemplateView

from .. import selectors
from ..models import Entry, Series

HOME_FEATURED = 4
HOME_RECENT = 12
HOME_TAGS = 24


class HomeView(TemplateView):
    template_name = "entries/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            featured=Series.objects.featured()[:HOME_FEATURED],
            recent=Entry.objects.recently_updated().for_cards()[:HOME_RECENT],
            popular_tags=selectors.popular_tags(limit=HOME_TAGS),
            **kwargs,
        )
