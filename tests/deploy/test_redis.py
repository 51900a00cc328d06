import socket

import pytest

from .conftest import production_env, run

SHARE = (
    "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wiki.settings'); "
    "django.setup(); from django.core.cache import cache; "
    "cache.set('fandex-deploy-test', sys.argv[1]) if sys.argv[1] else None; "
    "print(cache.get('fandex-deploy-test'))"
)


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_two_processes_share_one_cache(tmp_path):
    # What REDIS_URL promises: every app server sees what another one cached.
    env = production_env(tmp_path, DJANGO_SECRET_KEY="k", REDIS_URL="redis://127.0.0.1:6379/15")
    value = tmp_path.name

    writer = run(["-c", SHARE, value], env)
    reader = run(["-c", SHARE, ""], env)

    assert writer.returncode == 0, writer.stderr
    assert reader.stdout.strip() == value
