"""Email settings from the environment (the password reset is the one mail Fandex sends).

The console backend by default: a developer's reset mail is printed where
``runserver`` runs. SMTP from ``DJANGO_EMAIL_URL``, or else from ``EMAIL_HOST``
and friends:

- ``DJANGO_EMAIL_URL=smtp://user:password@mail.example.org:587?tls=1`` (STARTTLS),
  ``smtps://...:465`` (TLS from the start), ``smtp://localhost:25`` (neither),
  ``console:`` (print); user and password percent-encoded;
- ``EMAIL_HOST``, ``EMAIL_PORT`` (25), ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
  ``EMAIL_USE_TLS`` (STARTTLS, ``0``) and ``EMAIL_USE_SSL`` (``0``).

``DJANGO_DEFAULT_FROM_EMAIL`` is the sender either way.
"""

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
TRUE = {"1", "true", "yes", "on"}


def email_settings(environ: Mapping[str, str]) -> dict:
    """The ``EMAIL_*`` and ``DEFAULT_FROM_EMAIL`` settings ``environ`` asks for."""
    sender = environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip() or "Fandex <fandex@localhost>"
    settings = {"DEFAULT_FROM_EMAIL": sender, "SERVER_EMAIL": sender, "EMAIL_BACKEND": CONSOLE}
    url = environ.get("DJANGO_EMAIL_URL", "").strip()
    if url:
        return settings | _from_url(url)
    if environ.get("EMAIL_HOST", "").strip():
        return settings | {
            "EMAIL_BACKEND": SMTP,
            "EMAIL_HOST": environ["EMAIL_HOST"].strip(),
            "EMAIL_PORT": _port(environ.get("EMAIL_PORT", "") or "25"),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": environ.get("EMAIL_USE_TLS", "0").strip().lower() in TRUE,
            "EMAIL_USE_SSL": environ.get("EMAIL_USE_SSL", "0").strip().lower() in TRUE,
        }
    return settings


def _from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured(
            "DJANGO_EMAIL_URL: use smtp://user:password@host:port (or smtps://, console:)."
        )
    query = parse_qs(parts.query)
    ssl = parts.scheme == "smtps"
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and query.get("tls", ["0"])[0].lower() in TRUE,
    }


def _port(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_PORT={value!r} is not a port number.") from None
