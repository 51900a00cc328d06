import pytest

from . import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Every test stores files in a fresh, empty MEDIA_ROOT of its own."""
    root = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def editor(db):
    return factories.make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
