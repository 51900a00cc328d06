"""Site-wide security middleware: a body cap for anonymous requests, and the
Permissions-Policy header. (Content-Security-Policy is django-csp's.)"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse


class AnonymousBodyLimitMiddleware:
    """Refuse with 413, before anything reads it, a body larger than
    ``FANDEX_ANONYMOUS_BODY_MAX_BYTES`` from a request without a session cookie.

    Readers never need to send more than a login form, and without this any
    POST of megabytes to a public URL is read (and parsed) before it is refused.
    The cookie is not checked here (that would cost a query per request): one who
    sends a made-up session cookie meets Django's own DATA_UPLOAD_MAX_MEMORY_SIZE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.FANDEX_ANONYMOUS_BODY_MAX_BYTES
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return HttpResponse(
                    f"Request body too large: at most {limit} bytes without logging in.\n",
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AdminStyleAttributesMiddleware:
    """Let the admin's own JavaScript (select2's autocomplete, inlines, collapsing
    fieldsets) set style attributes, which a strict ``style-src`` forbids. Only style
    attributes, and only in the admin: scripts stay ``'self'`` everywhere, and public
    pages allow no inline style at all. Sits after django-csp's middleware, which
    reads ``_csp_update`` from the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response._csp_update = {"style-src-attr": ["'unsafe-inline'"]}
        return response
