"""``/about/data/``: where the data comes from, its licence, and the latest dump."""

from django.views.generic import TemplateView

from .export import latest_published


class AboutDataView(TemplateView):
    """Cached like every public page (``caching.middleware``); ``publish`` announces a
    new dump, so the page is rendered again with it."""

    template_name = "entries/about_data.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "latest_dump": latest_published()}
