"""Log records as JSON lines on stderr, for the journal or a log shipper to read.

One record is one line, whatever it holds: a traceback is a field of the line,
not lines of its own, so that nothing downstream splits an error in pieces.
Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``;
records about a request (Django's ``django.request`` and ``django.security``)
add ``method``, ``path`` and ``status``; an exception adds ``exc_type`` and
``traceback``. 404s are not logged (``not_a_missing_page``).
"""

import json
import logging
from datetime import UTC, datetime


def not_a_missing_page(record: logging.LogRecord) -> bool:
    """Drop Django's "Not Found" warning: one line per 404 is an access log, which
    nginx keeps (and gunicorn's, with FANDEX_ACCESS_LOG=1), and bots asking for
    pages that never existed would drown the warnings that matter."""
    return getattr(record, "status_code", None) != 404


class JSONLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            line["method"] = getattr(request, "method", None)
            line["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
