"""The page cache and HTTP caching of public pages.

``PageCacheMiddleware`` sits near the top of ``MIDDLEWARE`` (after WhiteNoise),
so a cached page is answered before sessions, CSRF or authentication are
looked at. It applies to GET and HEAD requests that carry no session or
messages cookie: editors (logged in, so with a session cookie) never get a
cached page and never put one in the cache, and their pages are marked
``private`` so that no shared cache keeps them either.

For those requests a page is cached when the view made it public: a 200, 301
or 404 with no cookie set and no ``private``/``no-store``/``no-cache`` of the
view's own (the admin, CSRF-protected forms and ``never_cache`` views keep
theirs). It is stored under the site's generation (``generation``) read before
the view ran, so no write can leave it stale, and it carries

- ``ETag`` (a hash of the content) and ``Last-Modified`` (the generation's
  time): a conditional GET that matches is answered 304 from the cache, without
  rendering;
- ``Cache-Control: public, max-age=0`` (browsers revalidate every time, which
  costs a 304) and ``s-maxage``: long when a purgeable shared cache is
  configured (``FANDEX_PURGE_URLS``), 0 otherwise (a CDN that cannot be told
  of changes then revalidates too); ``Vary: Cookie``.

``FANDEX_PAGE_CACHE=0`` turns the storing and reading off (for measuring and
debugging); the HTTP headers and 304s stay.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import generation

# Says how a response was made, for benchmarks and debugging: hit, miss, or
# bypass (an editor's request, or a response that may not be shared).
STATUS_HEADER = "X-Fandex-Cache"
CACHED_STATUSES = frozenset({200, 301, 404})
UNSHARED = ("private", "no-store", "no-cache")
# Response headers not kept with a cached page: per-response, or set again.
NOT_STORED = frozenset({"set-cookie", STATUS_HEADER.lower()})


def editor_request(request) -> bool:
    """Whether the request may belong to someone logged in (or be shown a message)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def _shared(response) -> bool:
    if response.streaming or response.cookies or response.status_code not in CACHED_STATUSES:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in UNSHARED)


def _page_key(request, host: str, at: int) -> str:
    method = "GET" if request.method == "HEAD" else request.method
    digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{at}:{method}:{host}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if editor_request(request) or request.path_info.startswith("/admin/"):
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            response[STATUS_HEADER] = "bypass"
            return response
        try:
            host = request.get_host()
        except DisallowedHost:
            # CommonMiddleware answers it (400); nothing to cache.
            return self.get_response(request)

        at = generation.current()
        use_cache = settings.FANDEX_PAGE_CACHE
        key = _page_key(request, host, at)
        if use_cache and (stored := generation.cache().get(key)) is not None:
            return self._answer(request, _rebuilt(stored), "hit")

        response = self.get_response(request)
        if not _shared(response):
            response[STATUS_HEADER] = "bypass"
            return response
        self._make_public(response, at)
        if use_cache:
            stored = (
                response.status_code,
                [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in NOT_STORED
                ],
                response.content,
            )
            generation.cache().set(key, stored, settings.FANDEX_PAGE_CACHE_TIMEOUT)
        return self._answer(request, response, "miss" if use_cache else "off")

    @staticmethod
    def _make_public(response, at: int) -> None:
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["Last-Modified"] = http_date(at // 1_000_000_000)
        directives = {"public": True, "s_maxage": settings.FANDEX_SHARED_MAX_AGE}
        if "max-age" not in response.get("Cache-Control", ""):
            # Browsers revalidate every time (a 304), unless the view said otherwise
            # (search suggestions may be a minute old).
            directives["max_age"] = 0
        if settings.FANDEX_SHARED_MAX_AGE:
            directives["stale_while_revalidate"] = settings.FANDEX_STALE_WHILE_REVALIDATE
        patch_cache_control(response, **directives)
        patch_vary_headers(response, ["Cookie"])

    @staticmethod
    def _answer(request, response, status: str):
        response[STATUS_HEADER] = status
        if response.status_code != 200:
            return response
        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=None, response=response
        )
        # A 304 keeps only the caching headers: say how it was made on it too.
        conditional[STATUS_HEADER] = status
        return conditional


def _rebuilt(stored) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response
