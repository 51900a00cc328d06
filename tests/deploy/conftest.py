import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import PROJECT, clean_env


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh production machine: DEBUG off, no key, files in ``tmp``."""
    env = clean_env(
        DJANGO_DEBUG="0",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        FANDEX_SECRET_KEY_FILE=str(tmp / "secret_key"),
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


@pytest.fixture(scope="session")
def production_site(tmp_path_factory) -> Path:
    """A folder with what `make serve` prepares before gunicorn: a migrated database,
    collected static files and a secret key."""
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(tmp)
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        result = run(["manage.py", *command], env)
        assert result.returncode == 0, result.stderr
    return tmp
