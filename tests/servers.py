"""Real server processes for the tests that need one: gunicorn as `make serve` starts it
(``deploy/gunicorn.conf.py``), or varnishd in front of the app.

One place for what every such test needs: a free port, an environment without
this process's settings in it, the test database as a ``DATABASE_URL``, and a
process that is waited for (bounded) until it listens and always stopped,
with its whole process group (gunicorn's workers too).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
# The settings a server takes from its environment, which must come from the test and
# never from the environment the tests run in.
SETTINGS_PREFIXES = ("DJANGO_", "FANDEX_", "SENTRY_")
SETTINGS_NAMES = {"DATABASE_URL", "REDIS_URL", "HOST", "PORT", "WORKERS"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any setting of Fandex's, plus ``settings``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(SETTINGS_PREFIXES) and name not in SETTINGS_NAMES
    }
    env.update(settings)
    return env


def test_database_url() -> str:
    """The test database as a server's ``DATABASE_URL`` (PostgreSQL), so that a server
    sees what a ``transaction=True`` test commits."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "postgres")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, whatever its name says


class ServerProcess:
    """A server started in a process group of its own, its output in ``log``."""

    # Where it answers, once it listens (``gunicorn`` sets it).
    url = ""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path, name: str):
        self.name = name
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                args,
                cwd=PROJECT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_listening(self, port: int, host: str = "127.0.0.1", seconds: float = 60) -> None:
        """Until the server accepts connections on ``port``; RuntimeError, with its
        output, if it stops or is not listening after ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped early:\n{self.output()}")
            with socket.socket() as probe:
                if probe.connect_ex((host, port)) == 0:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} did not listen within {seconds} s:\n{self.output()}"
                )
            time.sleep(0.1)

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM to the whole group and wait; SIGKILL if it does not stop in time.
        Returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode


def gunicorn(env: dict[str, str], log: Path, *, seconds: float = 60) -> ServerProcess:
    """The production server on ``env``'s HOST and PORT, once it listens."""
    server = ServerProcess(GUNICORN, env=env, log=log, name="gunicorn")
    host, port = env.get("HOST", "127.0.0.1"), int(env["PORT"])
    try:
        server.wait_listening(port, host, seconds)
    except RuntimeError:
        server.terminate()
        raise
    server.url = f"http://{host}:{port}"
    return server
