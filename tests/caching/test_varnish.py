"""Varnish (Debian's varnishd, with deploy/varnish/fandex.vcl) in front of the app:
it keeps anonymous pages, passes editors, and an edit is visible through it at once
because the app bans what changed."""

import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from entries import services
from entries.models import Change
from tests import factories
from tests.servers import ServerProcess, clean_env, free_port

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL = Path(django_settings.BASE_DIR) / "deploy" / "varnish" / "fandex.vcl"


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    """The URL of a varnishd in front of the live server, which the app bans pages in."""
    if not Path(VARNISHD).exists():
        message = "varnishd not found: apt-get install varnish"
        if os.environ.get("FANDEX_REQUIRE_VARNISH"):
            pytest.fail(message)
        pytest.skip(message)
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "fandex.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = free_port()
    varnishd = ServerProcess(
        # -F: in the foreground, ours to stop; -j none: no privilege separation, so
        # the run needs no varnish user or system folders.
        [VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl)]
        + ["-n", str(tmp_path / "varnish"), "-s", "malloc,32m", "-T", "127.0.0.1:0"],
        env=clean_env(),
        log=tmp_path / "varnishd.log",
        name="varnishd",
    )
    try:
        varnishd.wait_listening(port, seconds=20)
        url = f"http://127.0.0.1:{port}"
        settings.FANDEX_PAGE_CACHE = True
        settings.FANDEX_PURGE_URLS = [url]
        settings.FANDEX_SHARED_MAX_AGE = 86400
        yield url
    finally:
        varnishd.terminate()


def fetch(url: str, cookie: str = "") -> tuple[str, str]:
    """(body, X-Cache) of a GET through Varnish."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode(), response.headers.get("X-Cache", "")


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_read_through_varnish_at_once(varnish):
    series = factories.make_series(title="Metallic Rouge", summary="Androids on Mars.")
    url = varnish + series.get_absolute_url()
    assert fetch(url)[1] == "miss"
    body, cache = fetch(url)
    assert (cache, "Androids on Mars." in body) == ("hit", True)

    with services.recorded(summary="New summary"):
        series.summary = "Rouge hunts the Immortal Nine."
        series.save()
        services.note(series, Change.Action.CHANGE)

    body, cache = fetch(url)
    assert "Rouge hunts the Immortal Nine." in body
    assert "Androids on Mars." not in body
    assert cache == "miss"


@pytest.mark.django_db(transaction=True)
def test_varnish_never_keeps_an_editors_page(varnish):
    series = factories.make_series(title="Metallic Rouge")
    url = varnish + series.get_absolute_url()

    for _ in range(2):
        assert fetch(url, cookie="sessionid=not-a-reader")[1] == "miss"
    # A cookie that says nothing about who reads (a CSRF token) shares the reader's copy.
    fetch(url)
    assert fetch(url, cookie="csrftoken=abc")[1] == "hit"
