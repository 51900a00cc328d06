import pytest


@pytest.fixture(autouse=True)
def allowed_hosts(settings):
    """Pages asked for at the public address the tests check absolute links against."""
    settings.ALLOWED_HOSTS = ["fandex.example", "testserver"]
