"""The home page: featured entries, recently updated entries, popular tags.

"Recently updated" leaves out what programs changed (an import, the demo load)
unless the address asks for them with ``?bots=1`` (as MediaWiki's "hide bots"),
a page of its own in the page cache (its key is the full address) whose
canonical address is the home page's.
"""

from django.views.generic import TemplateView

from .. import selectors
from ..models import Entry

HOME_FEATURED = 4
HOME_RECENT = 12
HOME_TAGS = 24


class HomeView(TemplateView):
    template_name = "entries/home.html"

    def get_context_data(self, **kwargs):
        show_bots = self.request.GET.get("bots") == "1"
        recent = Entry.objects.recently_updated(automated=show_bots)
        return super().get_context_data(
            featured=Entry.objects.for_cards().featured_first(limit=HOME_FEATURED),
            recent=recent.for_cards()[:HOME_RECENT],
            show_bots=show_bots,
            popular_tags=selectors.popular_tags(limit=HOME_TAGS),
            **kwargs,
        )
