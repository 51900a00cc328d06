"""A real gunicorn, started as `make serve` starts it (deploy/gunicorn.conf.py)."""

import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from tests.servers import GUNICORN, free_port
from tests.servers import gunicorn as start_gunicorn

from .conftest import production_env, run


@contextmanager
def gunicorn(env: dict[str, str], log):
    """The server, started and always stopped: (it, its base URL)."""
    server = start_gunicorn(env, log)
    try:
        yield server, server.url
    finally:
        server.terminate()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_production_server_serves_pages_with_debug_off_and_stops_cleanly(
    production_site, tmp_path
):
    env = production_env(production_site, HOST="127.0.0.1", PORT=str(free_port()), WORKERS="2")

    with gunicorn(env, tmp_path / "gunicorn.log") as (server, base):
        status, home = get(base + "/")
        assert status == 200
        assert "Fandex" in home
        # Static files come from collectstatic's output, under hashed names.
        assert "/static/css/" in home

        status, missing = get(base + "/no-such-page/")
        assert status == 404
        assert "DEBUG = True" not in missing
        assert "Traceback" not in missing
        assert "URLconf" not in missing

        assert server.terminate() == 0
        log = server.output()
    assert "Shutting down: Master" in log
    # Access logging is off by default: no line per request.
    assert "/no-such-page/" not in log


def test_access_logging_can_be_turned_on(production_site, tmp_path):
    env = production_env(
        production_site, HOST="127.0.0.1", PORT=str(free_port()), WORKERS="1", FANDEX_ACCESS_LOG="1"
    )

    with gunicorn(env, tmp_path / "gunicorn.log") as (server, base):
        get(base + "/no-such-page/")
        server.terminate()
        log = server.output()
    assert '"GET /no-such-page/ HTTP/1.1" 404' in log


def test_the_server_answers_on_the_address_it_binds_to(production_site, tmp_path):
    # No DJANGO_ALLOWED_HOSTS: the HOST it binds to is allowed with the defaults.
    env = production_env(production_site, HOST="127.0.0.2", PORT=str(free_port("127.0.0.2")))

    with gunicorn(env, tmp_path / "gunicorn.log") as (_, base):
        status, _ = get(base + "/")
        assert status == 200


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PORT", "eighty", "PORT='eighty' is not a number"),
        ("PORT", "70000", "PORT=70000 is out of range"),
        ("WORKERS", "0", "WORKERS=0 is out of range"),
        ("WORKERS", "many", "WORKERS='many' is not a number"),
        ("HOST", "127.0.0.1/8", "HOST='127.0.0.1/8' is not an address"),
    ],
)
def test_a_bad_server_setting_stops_the_start_with_one_clear_line(tmp_path, name, value, says):
    env = production_env(tmp_path, **{name: value})

    # What `make serve` runs before migrating, then gunicorn itself.
    for args in (["deploy/gunicorn.conf.py"], GUNICORN[1:]):
        result = run(args, env)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"Fandex: {says}")
