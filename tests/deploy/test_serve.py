"""A real gunicorn, started as `make serve` starts it (deploy/gunicorn.conf.py)."""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from .conftest import PROJECT, free_port, production_env, run

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]


@contextmanager
def gunicorn(env: dict[str, str], host: str):
    """Start the server, wait (bounded) until it answers, and always stop it."""
    process = subprocess.Popen(
        GUNICORN,
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://{host}:{env['PORT']}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited early: {process.stdout.read()}")
            try:
                urllib.request.urlopen(base + "/favicon.ico", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not answer within 20 seconds")
                time.sleep(0.1)
        yield process, base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        process.stdout.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_production_server_serves_pages_with_debug_off_and_stops_cleanly(production_site):
    env = production_env(production_site, HOST="127.0.0.1", PORT=str(free_port()), WORKERS="2")

    with gunicorn(env, "127.0.0.1") as (process, base):
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

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        log = process.stdout.read()
    assert "Shutting down: Master" in log
    # Access logging is off by default: no line per request.
    assert "/no-such-page/" not in log


def test_access_logging_can_be_turned_on(production_site):
    env = production_env(production_site, PORT=str(free_port()), WORKERS="1", FANDEX_ACCESS_LOG="1")

    with gunicorn(env, "127.0.0.1") as (process, base):
        get(base + "/no-such-page/")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
        log = process.stdout.read()
    assert '"GET /no-such-page/ HTTP/1.1" 404' in log


def test_the_server_answers_on_the_address_it_binds_to(production_site):
    # No DJANGO_ALLOWED_HOSTS: the HOST it binds to is allowed with the defaults.
    env = production_env(production_site, HOST="127.0.0.2", PORT=str(free_port("127.0.0.2")))

    with gunicorn(env, "127.0.0.2") as (_, base):
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
    for args in (["deploy/gunicorn.conf.py"], ["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]):
        result = run(args, env)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"Fandex: {says}")
