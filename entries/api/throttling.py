"""The API's rate limit: ``FANDEX_RATE_API`` requests a minute per anonymous address.

Counted by django-ratelimit in the "default" cache, as the site's other limits
(``entries.throttles``); past it, DRF answers ``429`` with ``Retry-After`` and a
JSON message. Editors (signed in) are not limited. Answers the page cache gives
never reach the view, so they cost nothing and are not counted.
"""

from rest_framework.throttling import BaseThrottle

from .. import throttles

GROUP = "api"


class AnonymousRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        user = getattr(request._request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        self.retry_after = throttles.over_limit(request._request, GROUP)
        return self.retry_after is None

    def wait(self):
        return self.retry_after
