"""Reading costs almost nothing, and a reader never sees a stale page.

- ``generation``: the site's generation, shared by every app server (the
  ``pages`` cache: Redis with ``REDIS_URL``, else a folder every worker of this
  machine shares). Every write moves it on, so a page cached before the write
  is never read again.
- ``middleware``: ``PageCacheMiddleware``, the whole-page cache for anonymous
  GETs, with ``ETag``/``Last-Modified``, cheap 304s and the ``Cache-Control``
  that lets browsers revalidate and a shared HTTP cache keep pages.
- ``kept``: ``Kept``, HTML rendered once per process under a key of everything
  it shows (pictures, cards), so never stale.
- ``purge``: tells the shared HTTP caches (Varnish) in ``FANDEX_PURGE_URLS``
  to drop what they hold.
- ``receivers``: what happens when ``entries_changed`` says a write committed.
"""
