import pytest
from django.test import Client

from entries import pictures
from entries.models import GalleryImage, Series, Streaming
from tests import factories, image_corpus


@pytest.fixture(autouse=True)
def no_api_rate_limit(settings):
    """Off, as the site's other limits are in tests/conftest.py; test_throttle turns it on."""
    settings.FANDEX_RATE_API = 0


@pytest.fixture
def api():
    """An anonymous API client (no session cookie: what the page cache serves)."""
    return Client()


@pytest.fixture
def picture(db):
    return pictures.store_upload(image_corpus.upload("key-visual.png", image_corpus.png(800, 450)))


def series_with(n: int, picture) -> Series:
    """A series with ``n`` of every related row its detail shows."""
    series = factories.make_series(
        title="Metallic Rouge", native_title="メタリックルージュ", year=2024, image=picture
    )
    series.tags.add(*[f"tag {i}" for i in range(n)])
    platform_rows = []
    for i in range(n):
        factories.alias(series, f"Rouge alias {i}")
        factories.studio_role(series, factories.make_studio(title=f"Studio {i}"))
        factories.credit(series, factories.make_staff(title=f"Director {i}"))
        character = factories.make_character(series=series, title=f"Character {i}", image=picture)
        factories.voice(character, factories.make_staff(title=f"Voice {i}"))
        factories.make_episode(series=series, number=i + 1, image=picture)
        factories.relate(series, factories.make_series(title=f"Sequel {i}"))
        factories.relate(factories.make_series(title=f"Prequel {i}"), series)
        platform_rows.append(Streaming(series=series, platform=factories.make_platform()))
        GalleryImage.objects.create(
            entry=series, picture=picture, caption=f"Still {i}", credit="Bones"
        )
    Streaming.objects.bulk_create(platform_rows)
    return series
