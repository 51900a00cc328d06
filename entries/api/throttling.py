"""The API's rate limit: ``FANDEX_RATE_API`` requests a minute per anonymous address.

Counted by django-ratelimit in the "default" cache, as the site's other limits
(``entries.throttles``); past it, DRF answers ``429`` with ``Retry-After`` and a
JSON message. Editors (signed in) are not limited. Answers the page cache gives
never reach the view, so they cost nothing and are not counted.
"""

from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import BaseThrottle

from .. import throttles

GROUP = "api"


class SiteUser(BaseAuthentication):
    """The user the site's session signed in (Django's ``request.user``), if any.

    Not DRF's ``SessionAuthentication``: that one checks CSRF, which only unsafe
    methods need, and the API has none. Who the client is only decides whether
    it is rate limited; every client reads the same.
    """

    def authenticate(self, request):
        user = getattr(request._request, "user", None)
        return (user, None) if user is not None and user.is_authenticated else None


class AnonymousRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if request.user.is_authenticated:
            return True
        self.retry_after = throttles.over_limit(request._request, GROUP)
        return self.retry_after is None

    def wait(self):
        return self.retry_after
