"""``export_dump --publish`` and ``/about/data/``: the page links the newest published
dump with its date and size, and is fresh as soon as a dump is published."""

import datetime
import gzip
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from entries.caching.middleware import STATUS_HEADER
from entries.dumps import latest_published, publish
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.FANDEX_PAGE_CACHE = True


def test_the_page_says_when_no_dump_was_published(client):
    page = client.get(reverse("entries:about-data")).content.decode()

    assert "No dump of the data has been published yet." in page
    assert "bangumi-data" in page


def test_publishing_puts_a_dump_in_the_media_storage_and_on_the_page_at_once(
    client, django_capture_on_commit_callbacks
):
    factories.make_series(title="Metallic Rouge")
    url = reverse("entries:about-data")
    client.get(url)
    assert client.get(url)[STATUS_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        output = io.StringIO()
        call_command("export_dump", "--publish", stdout=output)

    dump = latest_published()
    name = f"dumps/fandex-{datetime.date.today():%Y%m%d}.jsonl.gz"
    assert dump.name == name and name in output.getvalue()
    with default_storage.open(name) as stored, gzip.open(stored) as stream:
        assert json.loads(stream.readline())["type"] == "header"
        assert json.loads(stream.readline())["type"] == "series"
    response = client.get(url)
    assert response[STATUS_HEADER] == "miss"
    page = response.content.decode()
    assert f'href="{dump.url}"' in page
    assert dump.date.strftime("%-d %B %Y") in page
    assert f"({filesizeformat(dump.size)}," in page


def test_the_newest_dump_is_the_one_linked_and_a_second_one_the_same_day_replaces_it(client):
    publish(date=datetime.date(2026, 11, 30))
    factories.make_series(title="Metallic Rouge")
    publish(date=datetime.date(2026, 12, 1))
    first_size = latest_published().size
    factories.make_series(title="Bubblegum Crisis")

    published, _report = publish(date=datetime.date(2026, 12, 1))

    assert published.name == "dumps/fandex-20261201.jsonl.gz"
    assert published.size > first_size
    assert sorted(default_storage.listdir("dumps")[1]) == [
        "fandex-20261130.jsonl.gz",
        "fandex-20261201.jsonl.gz",
    ]
    assert "1 December 2026" in client.get(reverse("entries:about-data")).content.decode()


def test_export_needs_a_path_or_publish_but_not_both(tmp_path):
    with pytest.raises(CommandError, match="either a PATH"):
        call_command("export_dump", stdout=io.StringIO())
    with pytest.raises(CommandError, match="either a PATH"):
        call_command("export_dump", str(tmp_path / "x.gz"), "--publish", stdout=io.StringIO())


def test_a_path_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot write the dump"):
        call_command("export_dump", str(tmp_path / "missing" / "x.gz"), stdout=io.StringIO())


def test_the_published_dump_downloads_as_the_gzip_file_it_is(client):
    """Not labelled ``Content-Encoding: gzip`` (a browser would save it unpacked under
    its .gz name), and not cached for good: a second publish that day replaces it."""
    factories.make_series(title="Metallic Rouge")
    publish()

    response = client.get(latest_published().url)

    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body[:2] == b"\x1f\x8b"
    assert "Content-Encoding" not in response
    assert response["Content-Type"] == "application/gzip"
    assert "immutable" not in response["Cache-Control"]
    assert json.loads(gzip.decompress(body).splitlines()[0])["type"] == "header"
