"""Throttles: who may try how often, so that no client can wear the site out.

- Admin logins: django-axes locks a user name, or an address, out after
  ``AXES_FAILURE_LIMIT`` wrong passwords (settings, "Throttles"); the
  lockout page says for how long, and ``manage.py axes_reset_username`` /
  ``axes_reset_ip`` unlock at once.
- Rate limits: ``throttled(group)`` wraps a view so that one address may call it
  ``FANDEX_RATE_<GROUP>`` times a minute (search, suggest, the feed), counted
  by django-ratelimit in the "default" cache (Redis with ``REDIS_URL``, so
  across app servers; otherwise per process); ``save_refused`` does the same for
  an editor's saves; ``over_limit(request, "api")`` is the same count for the
  read API's throttle (entries/api/throttling.py). Past the limit: ``429 Too Many Requests`` with
  ``Retry-After``. Pages the page cache answers cost nothing and are not counted.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_ratelimit.core import get_usage

WINDOW_SECONDS = 60


def client_ip(request) -> str:
    """The client's address: behind the HTTPS proxy, the one the proxy saw (the last
    hop it added to X-Forwarded-For); else the connection's own."""
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _rate(group: str):
    def rate(_group, _request):
        limit = getattr(settings, f"FANDEX_RATE_{group.upper()}")
        return f"{limit}/{WINDOW_SECONDS}s" if limit else None

    return rate


def _over_limit(request, group: str, key) -> int | None:
    """Seconds until the client may call again, when it is over ``group``'s limit."""
    usage = get_usage(
        request,
        group=f"fandex.{group}",
        key=key,
        rate=_rate(group),
        method=("GET", "HEAD", "POST"),
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def over_limit(request, group: str) -> int | None:
    """Seconds until this address may call ``group`` again, when it is over the limit
    (and counts this request)."""
    return _over_limit(request, group, lambda _group, req: client_ip(req))


def too_many_requests(request, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON for the suggestions, a short page otherwise."""
    message = f"Too many requests. Try again in {retry_after} seconds."
    if request.path.endswith("/suggest/"):
        response = JsonResponse({"error": message, "results": []}, status=429)
    else:
        page = render_to_string("429.html", {"message": message}, request=request)
        response = HttpResponse(page, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def throttled(group: str):
    """A view decorator: at most ``FANDEX_RATE_<GROUP>`` requests a minute per address."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            retry_after = over_limit(request, group)
            if retry_after is not None:
                return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def save_refused(request) -> HttpResponse | None:
    """A 429 when this editor saved more than ``FANDEX_RATE_SAVE`` times this minute."""
    retry_after = _over_limit(request, "save", lambda _group, req: str(req.user.pk))
    return too_many_requests(request, retry_after) if retry_after is not None else None
