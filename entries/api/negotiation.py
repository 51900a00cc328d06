"""JSON for every request, whatever its ``Accept`` header.

The page cache (``entries.caching.middleware``) keys an answer by its address
only; an API that chose its format by ``Accept`` could hand a cached answer in
one format to a client that asked for another. So there is one format, JSON,
and no ``?format=`` (settings: ``URL_FORMAT_OVERRIDE = None``).
"""

from rest_framework.negotiation import BaseContentNegotiation


class JSONOnly(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type
