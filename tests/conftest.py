import pytest

from . import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Every test stores files in a fresh, empty MEDIA_ROOT of its own."""
    root = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def page_cache(settings, request):
    """A page cache of the test's own, and off: most tests change rows directly (not
    through ``entries.services``) and read the pages again. The tests of the cache
    itself (tests/caching/) turn it on with ``settings.FANDEX_PAGE_CACHE = True``.
    The fragment cache lives in the same cache and is off too."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pages-{request.node.nodeid}",
        },
    }
    settings.FANDEX_PAGE_CACHE = False
    # Fragments of entry pages likewise (tests/caching/test_fragments.py turns them on).
    settings.FANDEX_FRAGMENT_CACHE = False
    settings.FANDEX_PURGE_URLS = []


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Rate limits off: their counts live in the process's cache and would carry over
    from test to test. tests/security/test_throttles.py turns them on."""
    for group in ("SEARCH", "SUGGEST", "FEED", "SAVE"):
        setattr(settings, f"FANDEX_RATE_{group}", 0)


@pytest.fixture
def editor(db):
    return factories.make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def senior_editor(db):
    return factories.make_editor("senior", senior=True)


@pytest.fixture
def senior_client(client, senior_editor):
    """A senior editor's browser: may delete pages and tags, and protect pages."""
    client.force_login(senior_editor)
    return client
