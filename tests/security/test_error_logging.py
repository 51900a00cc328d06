"""Errors are seen: a 500 is a JSON line with its traceback on the server's stderr, an
email to ADMINS and, with SENTRY_DSN, an event sent to Sentry."""

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from entries import views
from wiki.settings import _admins

from .conftest import Browser

pytestmark = pytest.mark.django_db(transaction=True)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        if time.monotonic() > deadline:
            return found
        time.sleep(0.1)
    return found


@pytest.fixture
def broken_site(start_site, tmp_path):
    """A server given a database nobody migrated: every page fails."""
    (tmp_path / "empty.sqlite3").touch()

    def start(**extra):
        return start_site(
            WORKERS="1", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", **extra
        )

    return start


def test_a_500_is_one_structured_line_with_its_traceback_on_stderr(broken_site):
    site = broken_site()
    reader = Browser(site)
    assert reader.open("/series/").status == 500

    def error_line():
        return [
            line
            for line in json_lines(site.stderr())
            if line["level"] == "ERROR" and line["logger"] == "django.request"
        ]

    [line] = wait_for(error_line)
    assert line["path"] == "/series/"
    assert line["method"] == "GET"
    assert line["status"] == 500
    assert line["exc_type"] == "OperationalError"
    assert "Traceback (most recent call last)" in line["traceback"]
    assert "no such table" in line["traceback"]
    assert set(line) >= {"time", "level", "logger", "message"}
    # One record, one line: the traceback is inside the JSON, not lines of its own.
    assert not any(text.startswith("Traceback") for text in site.stderr().splitlines())


def test_a_warning_is_a_structured_line_too_and_a_404_is_left_to_the_access_log(start_site):
    site = start_site(WORKERS="1")
    reader = Browser(site)
    assert reader.open("/series/no-such-series/").status == 404
    assert reader.open("/search/", method="DELETE").status == 405
    lines = wait_for(
        lambda: [line for line in json_lines(site.stderr()) if line.get("status") == 405]
    )
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["path"] == "/search/"
    assert lines[0]["method"] == "DELETE"
    assert "/series/no-such-series/" not in site.stderr()


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_with_a_sentry_dsn_a_500_is_sent_to_sentry(broken_site):
    handler = type("Handler", (_Collector,), {"received": []})
    collector = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{collector.server_address[1]}/7"
        site = broken_site(SENTRY_DSN=dsn)
        assert Browser(site).open("/series/").status == 500
        assert wait_for(lambda: any(b"no such table" in body for _p, body in handler.received))
    finally:
        collector.shutdown()
    path, body = next((p, b) for p, b in handler.received if b"no such table" in b)
    assert path == "/api/7/envelope/"
    assert b"OperationalError" in body
    # send_default_pii is off: no cookies or addresses go out.
    assert b"sessionid" not in body


def test_admins_are_emailed_a_500(client, settings, monkeypatch):
    settings.ADMINS = _admins("Ada Lovelace <ada@example.org>, ops@example.org")

    def broken(self, **kwargs):
        raise RuntimeError("the series list broke")

    monkeypatch.setattr(views.SeriesListView, "get_context_data", broken)
    client.raise_request_exception = False
    assert client.get("/series/").status_code == 500
    [email] = mail.outbox
    assert email.to == ["ada@example.org", "ops@example.org"]
    assert "the series list broke" in email.body


def test_admins_come_from_the_environment():
    assert _admins("") == []
    assert _admins("Ada Lovelace <ada@example.org>,ops@example.org") == [
        ("Ada Lovelace", "ada@example.org"),
        ("ops@example.org", "ops@example.org"),
    ]
    with pytest.raises(ImproperlyConfigured):
        _admins("Ada Lovelace")
