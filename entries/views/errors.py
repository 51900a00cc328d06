"""Error pages Django renders without a view of ours: the CSRF failure page.

(The 403, 404 and 429 pages are templates: ``403.html``, ``404.html``,
``429.html``; Django's own handlers render the first two.)
"""

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: the site's 403 page, saying why, instead of Django's
    unstyled one. ``reason`` (which check failed) is for logs, not readers; Django
    logs it (``django.security.csrf``) before calling this."""
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
