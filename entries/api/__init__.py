"""The read API at ``/api/v1/``: JSON for every kind of entry, tags, recent changes
and an entry's revisions, built on Django REST framework with drf-spectacular
(why DRF and not django-ninja: docs/benchmarks.md, "Read API").

Read-only: GET and HEAD. Answers go through the page cache like the HTML pages
(``entries.caching``: one generation per write, ETags, 304s); anonymous clients
are rate limited (``throttling``); CORS headers come from django-cors-headers
for ``/api/`` only (settings, "Read API").

- ``negotiation``: JSON whatever ``Accept`` says (the page cache keys by address).
- ``errors``: every error as ``{"detail": ..., "errors": {...}}``, JSON 404s.
- ``throttling``: ``FANDEX_RATE_API`` requests a minute per anonymous address.
- ``params``: the query strings each list takes, checked (a bad value is a 400).
- ``pagination``: keyset cursors for lists, page cursors for search results.
- ``querysets``: what each endpoint fetches, in a fixed number of queries.
- ``serializers``: the JSON of every object; the rows issue 15 marks with
  ``revealed_in`` (tags, appearances, relations, gallery pictures) have their
  serializers together in one section there.
- ``views`` and ``urls``: the endpoints, the schema and the docs.
"""
