"""Serving what was stored: pictures under /media/ (Django, in the embedded setup),
static files through WhiteNoise when DEBUG is off, and the storage chosen from the
environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from entries import pictures
from tests import image_corpus as corpus

BASE_DIR = Path(settings.BASE_DIR)
YEAR = 31_536_000


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "which", "media_type"),
    [
        (corpus.png(900, 600), "webp", "image/webp"),
        (corpus.png(900, 600), "fallback", "image/jpeg"),
        (corpus.transparent_png(900, 600), "fallback", "image/png"),
    ],
)
def test_a_stored_rendition_is_served_for_good(client, content, which, media_type):
    picture = pictures.store_upload(corpus.upload("key-visual.png", content))
    name = picture.renditions[1][which]

    response = client.get(picture.url(name))

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"public", f"max-age={YEAR}", "immutable"} <= cache_directives(response)
    with default_storage.open(name) as file:
        assert body(response) == file.read()


@pytest.mark.django_db
def test_the_full_size_picture_is_served_too(client):
    picture = pictures.store_upload(corpus.upload("a.jpg", corpus.jpeg_with_exif(800, 500)))
    response = client.get(picture.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../settings.py",
        "/media/../outside.txt",
        "/media/%2e%2e/outside.txt",
        "/media/%2E%2E/outside.txt",
        "/media/..%2foutside.txt",
        "/media/%2e%2e%2foutside.txt",
        "/media/pictures/../../outside.txt",
        "/media/..%5coutside.txt",
        "/media/%252e%252e/outside.txt",
        "/media//etc/passwd",
        "/media/%2fetc%2fpasswd",
        f"/media/{BASE_DIR}/wiki/settings.py",
        "/media/../../../../../../etc/passwd",
    ],
)
def test_nothing_outside_the_media_root_is_served(client, media_root, path):
    (Path(media_root).parent / "outside.txt").write_text("SECRET_KEY = 'outside'")
    (Path(media_root) / "pictures").mkdir()

    response = client.get(path)

    assert response.status_code == 404
    assert b"outside" not in body(response)
    assert b"root:" not in body(response)


def test_a_missing_picture_and_a_folder_are_404(client, media_root):
    (Path(media_root) / "pictures" / "ab").mkdir(parents=True)
    assert client.get("/media/pictures/ab/nothing.webp").status_code == 404
    assert client.get("/media/pictures/ab/").status_code == 404


# --- Production settings, in a process of their own -------------------------------------------


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "wiki.settings", **env}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-secret-key-for-a-production-like-process-0123456789",
    "DJANGO_ALLOWED_HOSTS": "testserver",
}

GET_STATIC = """
import json
import django

django.setup()
from django.templatetags.static import static
from django.test import Client

client = Client()
hashed_url = static("css/site.css")
answers = {}
for url in (hashed_url, "/static/css/site.css", "/static/css/nothing-here.css"):
    response = client.get(url, headers={"accept-encoding": "identity"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    answers[url] = {
        "status": response.status_code,
        "type": response.get("Content-Type"),
        "cache": response.get("Cache-Control"),
        "body": content.decode(errors="replace"),
    }
print(json.dumps({"hashed_url": hashed_url, "answers": answers}))
"""


def test_whitenoise_serves_collected_static_files_when_debug_is_off(tmp_path):
    env = {**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    collected = run(["manage.py", "collectstatic", "--no-input", "-v0"], **env)
    assert collected.returncode == 0, collected.stderr

    answer = run(["-c", GET_STATIC], **env)
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    hashed_url = result["hashed_url"]
    assert hashed_url != "/static/css/site.css"  # the manifest named it by its content
    served = result["answers"][hashed_url]

    assert served["status"] == 200
    assert served["type"].startswith("text/css")
    assert "max-age=315360000" in served["cache"] and "immutable" in served["cache"]
    on_disk = (tmp_path / "static" / hashed_url.removeprefix("/static/")).read_text()
    assert served["body"] == on_disk
    assert "{" in on_disk  # real CSS

    unhashed = result["answers"]["/static/css/site.css"]
    assert unhashed["status"] == 200
    assert "immutable" not in (unhashed["cache"] or "")  # may change with the next deploy
    assert result["answers"]["/static/css/nothing-here.css"]["status"] == 404


PRINT_STORAGE = """
import json
import django

django.setup()
from django.conf import settings
from django.urls import get_resolver

media = [str(p.pattern) for p in get_resolver().url_patterns if "media" in str(p.pattern)]
print(json.dumps({"default": settings.STORAGES["default"], "serve": settings.FANDEX_SERVE_MEDIA,
                  "media_routes": media}))
"""


def storage_settings(**env: str) -> dict:
    answer = run(["-c", PRINT_STORAGE], **env)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_the_default_storage_is_the_media_root_served_by_django():
    result = storage_settings(FANDEX_MEDIA_STORAGE="filesystem")
    assert result["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert result["serve"] is True
    assert result["media_routes"]


def test_s3_storage_is_configured_from_the_environment():
    result = storage_settings(
        FANDEX_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="fandex-pictures",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_CUSTOM_DOMAIN="pictures.example.org",
    )
    default = result["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "fandex-pictures"
    assert options["endpoint_url"] == "https://s3.example.net"
    assert options["custom_domain"] == "pictures.example.org"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert "immutable" in options["object_parameters"]["CacheControl"]
    # The bucket serves the pictures; Django does not route /media/ any more.
    assert result["serve"] is False
    assert result["media_routes"] == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FANDEX_MEDIA_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        ({"FANDEX_MEDIA_STORAGE": "ftp"}, "use 'filesystem' or 's3'"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start_with_a_clear_message(env, message):
    answer = run(["-c", PRINT_STORAGE], **{"AWS_STORAGE_BUCKET_NAME": "", **env})
    assert answer.returncode != 0
    assert "ImproperlyConfigured" in answer.stderr and message in answer.stderr
