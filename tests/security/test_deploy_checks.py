"""Deploy checks clean: `check --deploy` passes in the documented production
environment, HTTPS settings come from the environment, plain http on loopback still
works, and every response carries a strict CSP and a Permissions-Policy; anonymous
bodies are capped and public pages answer GET and HEAD only."""

import json
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from entries.models import Tag
from tests import factories

from .conftest import PROJECT, Browser, server_env

# The README's "Security" environment, with a real key.
DOCUMENTED = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "wiki.example.org",
    "DJANGO_BEHIND_HTTPS_PROXY": "1",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
]


def production(tmp_path, **extra: str) -> dict[str, str]:
    env = server_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra)
    # As on a fresh machine: none of the tests' own HTTPS switches.
    for name in ("DJANGO_SECURE_COOKIES", "DJANGO_SECURE_SSL_REDIRECT"):
        if name not in extra:
            env.pop(name)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(env) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {SHOWN!r}}}))"
    )
    result = manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_check_deploy_is_clean_in_the_documented_production_environment(tmp_path):
    result = manage(
        production(tmp_path, **DOCUMENTED), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_settings_follow_the_proxy_switch_and_the_environment(tmp_path):
    behind = settings_in(production(tmp_path, **DOCUMENTED))
    assert behind["SECURE_SSL_REDIRECT"] is True
    assert behind["SECURE_HSTS_SECONDS"] == 31_536_000
    assert behind["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert behind["SECURE_HSTS_PRELOAD"] is True
    assert behind["SESSION_COOKIE_SECURE"] is behind["CSRF_COOKIE_SECURE"] is True
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "https://wiki.example.org" in behind["CSRF_TRUSTED_ORIGINS"]

    # Plain http on loopback (`make serve` with nothing set): no redirect, no HSTS.
    loopback = settings_in(production(tmp_path))
    assert loopback["SECURE_SSL_REDIRECT"] is False
    assert loopback["SECURE_HSTS_SECONDS"] == 0

    chosen = settings_in(
        production(
            tmp_path,
            **DOCUMENTED,
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_HSTS_SECONDS="600",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://admin.example.org",
        )
    )
    assert chosen["SECURE_SSL_REDIRECT"] is False
    assert chosen["SECURE_HSTS_SECONDS"] == 600
    assert chosen["SESSION_COOKIE_SECURE"] is chosen["CSRF_COOKIE_SECURE"] is False
    assert "https://admin.example.org" in chosen["CSRF_TRUSTED_ORIGINS"]


@pytest.mark.django_db(transaction=True)
def test_plain_http_on_loopback_serves_pages_and_with_secure_cookies_off_a_login(start_site):
    # As `make serve` with nothing set: pages over http, not a redirect to https.
    site = start_site(WORKERS="1", DJANGO_SECURE_SSL_REDIRECT="", DJANGO_SECURE_COOKIES="")
    home = Browser(site).open("/")
    assert home.status == 200
    assert "Strict-Transport-Security" not in home.headers
    site = start_site(WORKERS="1", DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0")
    site.manage("from tests import factories; factories.make_editor(); print(1)")
    Browser(site).log_in("editor")


# --- Headers ---------------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_every_page_has_a_strict_csp_and_a_permissions_policy(editor_client):
    series = factories.make_series()
    for url in ["/", series.get_absolute_url(), "/search/?q=a", "/admin/", "/admin/login/"]:
        response = Client().get(url) if url == "/admin/login/" else editor_client.get(url)
        policy = directives(response.headers["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert "geolocation=()" in response.headers["Permissions-Policy"]


class _Inline(HTMLParser):
    """What a strict CSP would block: inline scripts, style elements and attributes,
    event handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Data blocks (JSON, JSON-LD) are never run, so script-src does not apply.
        data_block = attrs.get("type") in {"application/json", "application/ld+json"}
        if tag == "script" and "src" not in attrs and not data_block:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")


@pytest.mark.django_db
def test_public_pages_have_nothing_inline_that_the_csp_would_block(client):
    series = factories.make_series(title="Metallic Rouge")
    character = factories.make_character(series=series)
    studio = factories.make_studio()
    factories.studio_role(series, studio)
    urls = [
        "/",
        series.get_absolute_url(),
        character.get_absolute_url(),
        studio.get_absolute_url(),
        reverse("entries:series-list"),
        reverse("entries:tag-list"),
        reverse("entries:search") + "?q=rouge",
        reverse("entries:recent-changes"),
        reverse("entries:wanted-pages"),
        reverse("entries:about-data"),
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        parser = _Inline()
        parser.feed(response.content.decode())
        assert parser.found == [], url


# --- Bodies and methods -------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_request_with_a_large_body_is_refused_unread(client, settings):
    big = "q=" + "a" * 30_000
    for url in ["/search/", "/", "/admin/login/"]:
        response = client.post(url, big, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, url
    # A login form is well within the cap.
    login = client.post("/admin/login/", {"username": "nobody", "password": "x" * 100})
    assert login.status_code == 200


@pytest.mark.django_db
def test_an_editor_may_send_a_large_body(editor_client):
    series = factories.make_series()
    url = reverse("admin:entries_series_change", args=[series.pk])
    response = editor_client.post(url, {"summary": "x" * 30_000})
    assert response.status_code == 200  # the form, with its errors: read, not refused


def public_urls() -> list[str]:
    series = factories.make_series(title="Metallic Rouge", tags=["mecha"])
    episode = factories.make_episode(series=series)
    tag = Tag.objects.get(name="mecha")
    urls = [
        "/",
        reverse("entries:series-list"),
        series.get_absolute_url(),
        episode.get_absolute_url(),
        reverse("entries:character-list"),
        reverse("entries:staff-list"),
        reverse("entries:studio-list"),
        reverse("entries:tag-list"),
        reverse("entries:wiki", args=["Metallic Rouge"]),
        reverse("entries:search") + "?q=rouge",
        reverse("entries:search-suggest") + "?q=rou",
        reverse("entries:about-data"),
        reverse("entries:recent-changes"),
        reverse("entries:recent-feed"),
        reverse("entries:wanted-pages"),
        reverse("entries:series-history", args=[series.slug]),
        reverse("entries:tag-detail", args=[tag.slug]),
        "/favicon.ico",
    ]
    return urls


@pytest.mark.django_db
def test_public_pages_answer_get_and_head_only(settings):
    reader = Client(enforce_csrf_checks=True)
    for url in public_urls():
        assert reader.get(url).status_code in {200, 301, 302}, url
        assert reader.head(url).status_code in {200, 301, 302}, url
        for method in ("post", "put", "patch", "delete", "options"):
            response = getattr(reader, method)(url)
            assert response.status_code == 405, (method, url, response.status_code)
            assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}


def test_the_readme_settings_table_names_every_security_variable():
    table = (PROJECT / "README.md").read_text().split("## Settings", 1)[1].split("## Deploying")[0]
    for name in [
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_HSTS_SECONDS",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
        "DJANGO_HSTS_PRELOAD",
        "DJANGO_SECURE_COOKIES",
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "DJANGO_BEHIND_HTTPS_PROXY",
        "FANDEX_ANONYMOUS_BODY_MAX_BYTES",
        "DJANGO_SQLITE_TIMEOUT",
        "DJANGO_LOG_LEVEL",
        "DJANGO_ADMINS",
        "SENTRY_DSN",
    ]:
        assert f"`{name}`" in table, name
