"""Several app servers on PostgreSQL and Redis: an edit through one is on the next read
through the other, and the page cache of both is fresh."""

import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connection

from entries.caching.middleware import STATUS_HEADER
from entries.models import Series
from tests import factories
from tests.helpers import admin_url, form_data
from tests.servers import clean_env, free_port, gunicorn, test_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("FANDEX_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct-horse-battery"
# The name readers reach the site by, the same through either server (as behind a
# load balancer): pages are cached per host name.
HOST = "fandex.example"


def _redis_answers() -> bool:
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def servers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the servers share the test database")
    if not _redis_answers():
        pytest.fail(f"Redis does not answer at {REDIS_URL}")
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("gunicorn is not installed in this environment")
    env = clean_env(
        DATABASE_URL=test_database_url(),
        REDIS_URL=REDIS_URL,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="two-app-servers-test",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        FANDEX_PAGE_CACHE="1",
        # A cache of this run's own in the shared Redis.
        FANDEX_CACHE_PREFIX=f"fandex-test-{uuid.uuid4().hex}",
        HOST="127.0.0.1",
        WORKERS="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=django_settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    started = []
    try:
        for name in "ab":
            port = str(free_port())
            started.append(gunicorn({**env, "PORT": port}, tmp_path / f"server-{name}.log"))
        yield started
    finally:
        for server in started:
            server.terminate()


def request(url: str, data: dict | None = None) -> urllib.request.Request:
    """A request to ``url`` (a server's address) for the site's public host name."""
    path = urllib.parse.urlsplit(url).path
    headers = {"Host": HOST, "Referer": f"http://{HOST}{path}"}
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    return urllib.request.Request(url, data=body, headers=headers)


def get(opener, url: str):
    with opener.open(request(url), timeout=15) as response:
        return response.read().decode(), response.headers.get(STATUS_HEADER, "")


def test_an_edit_through_one_server_is_read_through_the_other(servers):
    first, second = servers
    series = factories.make_series(title="Metallic Rouge", summary="Androids on Mars.")
    editor = factories.make_editor(password=PASSWORD)
    reader = urllib.request.build_opener()
    page = series.get_absolute_url()

    assert get(reader, first.url + page)[1] == "miss"
    # One cache for both: the second server's first read is a hit.
    body, status = get(reader, second.url + page)
    assert (status, "Androids on Mars." in body) == ("hit", True)

    # An editor logs in to the first server and changes the summary.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = first.url + "/admin/login/"
    form, _status = get(browser, login)
    fields = form_data(SimpleNamespace(content=form.encode()), "login-form")
    fields.update(username=editor.username, password=PASSWORD)
    browser.open(request(login, fields), timeout=15).read()
    change = first.url + admin_url(Series, "change", series.pk)
    html, _status = get(browser, change)

    data = form_data(SimpleNamespace(content=html.encode()), "series_form")
    data["summary"] = "Rouge hunts the Immortal Nine."
    with browser.open(request(change, data), timeout=15) as response:
        assert response.url.endswith(admin_url(Series, "changelist")), "the save was refused"

    for server in (second, first):
        body, status = get(reader, server.url + page)
        assert "Rouge hunts the Immortal Nine." in body, server.url
        assert "Androids on Mars." not in body
    assert status == "hit", "the second read after the edit should come from the cache"
