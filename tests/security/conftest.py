"""A production server for the security tests: gunicorn as `make serve` starts it
(deploy/gunicorn.conf.py, DEBUG off), on a database of the test's own.

On SQLite the server's database is a copy of a file migrated once per session; on
PostgreSQL it is the test database itself (the tests mark themselves
``django_db(transaction=True)`` so that the server sees what they commit). The
tests reach the server's database through ``Site.manage``: a ``manage.py shell``
in the server's environment, so that the same test runs on both backends.
"""

import http.cookiejar
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.helpers import form_data
from tests.servers import PROJECT, ServerProcess, clean_env, free_port, gunicorn, test_database_url

PASSWORD = "correct-horse-battery"


def server_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A production environment with nothing of this process's settings in it."""
    env = clean_env(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="security-tests-only",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        FANDEX_CACHE_DIR=str(tmp / "cache"),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 180):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory) -> Path:
    """Collected static files and a migrated SQLite database, made once."""
    tmp = tmp_path_factory.mktemp("security-site")
    env = server_env(tmp, DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}")
    manage(env, "collectstatic", "--no-input", "-v0")
    if connection.vendor == "sqlite":
        manage(env, "migrate", "--no-input", "-v0")
    return tmp


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    body: str
    headers: dict = field(default_factory=dict)
    url: str = ""


@dataclass
class Site:
    """A running server, its environment and its database file (SQLite)."""

    url: str
    env: dict
    database: Path | None
    server: ServerProcess

    def manage(self, code: str) -> object:
        """Run ``code`` in a Django shell on the server's database; it prints one JSON."""
        return json.loads(manage(self.env, "shell", "-c", code).stdout.strip().splitlines()[-1])

    def stderr(self) -> str:
        return self.server.output()


class Browser:
    """A cookie jar and urllib, not following redirects: a save answers 302."""

    def __init__(self, site: Site, jar: http.cookiejar.CookieJar | None = None):
        self.site = site
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def copy(self) -> "Browser":
        jar = http.cookiejar.CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return Browser(self.site, jar)

    def open(self, path: str, data=None, *, method: str | None = None, headers=None) -> Response:
        body = None
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data, doseq=True).encode()
        elif data is not None:
            body = data
        request = urllib.request.Request(
            self.site.url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=120) as answer:
                return Response(answer.status, answer.read().decode(), dict(answer.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), dict(error.headers))

    def form(self, path: str, form_id: str) -> dict:
        page = self.open(path)
        assert page.status == 200, (page.status, page.body[:500])
        return form_data(SimpleNamespace(content=page.body.encode()), form_id)

    def log_in(self, username: str, password: str = PASSWORD) -> "Browser":
        fields = self.form("/admin/login/", "login-form")
        fields.update(username=username, password=password)
        answer = self.open("/admin/login/", fields)
        assert answer.status == 302, "the login was refused"
        return self


@pytest.fixture
def start_site(prepared_site, tmp_path):
    """``start_site(**env)`` starts a production server (4 workers unless told)."""
    started: list[Site] = []

    def start(**extra: str) -> Site:
        database = None
        if connection.vendor == "sqlite":
            database = tmp_path / "db.sqlite3"
            if not database.exists():
                shutil.copy(prepared_site / "db.sqlite3", database)
            database_url = f"sqlite:///{database}"
        else:
            database_url = test_database_url()
        port = free_port()
        env = server_env(
            prepared_site,
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(port),
            WORKERS="4",
            FANDEX_CACHE_DIR=str(tmp_path / "cache"),
            DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        )
        env.update(extra)
        try:
            server = gunicorn(env, tmp_path / f"server-{len(started)}.log")
        except RuntimeError as error:
            pytest.fail(str(error))
        site = Site(server.url, env, database, server)
        started.append(site)
        return site

    yield start
    for site in started:
        site.server.terminate()
