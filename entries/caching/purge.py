"""Telling shared HTTP caches (Varnish) that pages changed.

Each URL in ``FANDEX_PURGE_URLS`` (``http://127.0.0.1:6081``, say) gets a
``BAN`` request whose ``X-Ban-Url`` header is a regular expression of the paths
to drop; ``deploy/varnish/fandex.vcl`` accepts it from the app servers only.
The whole site is banned on each write, for the same reason the page cache
keeps one generation: lists, search and feeds change with any page.
A cache that cannot be reached is logged, never an error for the editor: the
write has committed.
"""

import logging
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT = 2.0
EVERYTHING = "."


def ban(pattern: str = EVERYTHING) -> int:
    """Ban the paths matching ``pattern`` in every configured cache; how many answered."""
    answered = 0
    for url in settings.FANDEX_PURGE_URLS:
        parts = urlsplit(url)
        connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT)
        try:
            connection.request("BAN", parts.path or "/", headers={"X-Ban-Url": pattern})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                answered += 1
            else:
                logger.warning("%s answered the ban with %s", url, response.status)
        except (OSError, HTTPException) as error:
            logger.warning("could not ban pages at %s: %s", url, error)
        finally:
            connection.close()
    return answered
