"""Pictures in the editors' admin: a main image and a gallery on every kind, uploaded
through the change form as a browser posts it; every refused file is a form error with
nothing stored; awkward names are stored under generated names inside MEDIA_ROOT."""

import re
import uuid
from html import escape
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError
from django.db.models.signals import post_save

from entries import pictures
from entries.models import (
    Change,
    Character,
    Entry,
    Episode,
    GalleryImage,
    Picture,
    Series,
    Staff,
    Studio,
)
from tests import factories, image_corpus
from tests.helpers import add_rows, admin_url, files_under, form_data, form_errors, open_form

pytestmark = pytest.mark.django_db

KINDS = [Series, Character, Staff, Studio, Episode]
# pictures.store's names: pictures/<2 hex>/<32 hex>.<ext> and its renditions -<width>.<ext>
GENERATED_NAME = re.compile(r"^pictures/[0-9a-f]{2}/[0-9a-f]{32}(-\d+)?\.(jpg|png|webp)$")


def kind_id(model):
    return model._meta.model_name


make_entry = factories.make_entry


def png(colour=(200, 30, 40), name="key-visual.png", **size):
    """A good PNG upload; a different ``colour`` makes a different picture."""
    return image_corpus.upload(name, image_corpus.png(colour=colour, **size))


def store_picture(colour=(10, 20, 30), name="stored.png") -> Picture:
    return pictures.store_upload(png(colour, name))


def gallery_errors(response) -> list[dict]:
    """The gallery inline's errors, one dict per row, as the form shows them."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is GalleryImage:
            return inline.formset.errors
    raise AssertionError("the form has no gallery inline")


def main_form(response):
    return response.context["adminform"].form


# --- The main image --------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_editor_uploads_a_main_image_on_every_kind(editor_client, editor, media_root, model):
    entry = make_entry(model)
    url, data = open_form(editor_client, model, entry)
    data["image_upload"] = png(name="Key Visual.png", width=1600, height=900)
    data["image_credit"] = "Studio press kit"

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    entry = model.objects.get(pk=entry.pk)
    picture = entry.image
    assert (picture.width, picture.height) == (1600, 900)
    assert picture.original_name == "Key Visual.png"
    assert picture.uploaded_by == editor
    assert entry.image_credit == "Studio press kit"
    stored = files_under(media_root)
    assert sorted(picture.storage_names()) == stored
    assert [name for name in stored if not GENERATED_NAME.match(name)] == []

    # The form shows it now: a thumbnail with its size and name, and a way to remove it.
    content = editor_client.get(url).content.decode()
    assert picture.thumbnail_url in content
    assert "1600 × 900 px · Key Visual.png" in content
    assert 'name="image_remove"' in content
    assert "Studio press kit" in content


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_every_kind_has_the_picture_fields_and_a_gallery(editor_client, model):
    for obj in (None, make_entry(model)):
        url = admin_url(model, "change", obj.pk) if obj else admin_url(model, "add")
        response = editor_client.get(url)
        content = response.content.decode()

        assert 'enctype="multipart/form-data"' in content
        accept = 'accept="image/jpeg,image/png,image/webp,image/gif"'
        assert re.search(rf'<input type="file" name="image_upload"[^>]*{accept}', content)
        assert re.search(
            rf'<input type="file" name="gallery-__prefix__-upload"[^>]*{accept}', content
        )
        assert 'name="image_credit"' in content
        # Nothing to remove yet.
        assert 'name="image_remove"' not in content
        assert "No image" in content


def test_replacing_the_main_image_keeps_the_old_picture(editor_client, media_root):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = png((1, 2, 3), "first.png")
    assert editor_client.post(url, data).status_code == 302
    first = Series.objects.get(pk=series.pk).image

    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = png((4, 5, 6), "second.png")
    assert editor_client.post(url, data).status_code == 302

    second = Series.objects.get(pk=series.pk).image
    assert second.original_name == "second.png"
    assert second.pk != first.pk
    # The first one stays, files and all: the first revision still shows it.
    assert Picture.objects.filter(pk=first.pk).exists()
    assert set(first.storage_names()) <= set(files_under(media_root))


def test_removing_the_main_image(editor_client, media_root):
    picture = store_picture()
    character = factories.make_character(image=picture, image_credit="Someone")
    url, data = open_form(editor_client, Character, character)
    data["image_remove"] = "on"

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    character = Character.objects.get(pk=character.pk)
    assert character.image is None
    # The credit went with the image it credited.
    assert character.image_credit == ""
    assert Picture.objects.filter(pk=picture.pk).exists()
    assert set(picture.storage_names()) == set(files_under(media_root))


def test_a_picture_change_without_a_summary_says_main_image_changed(editor_client):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = png((7, 8, 9), "first.png")
    data["summary"] = "A new summary."
    assert editor_client.post(url, data).status_code == 302

    url, data = open_form(editor_client, Series, series)
    data["image_remove"] = "on"
    assert editor_client.post(url, data).status_code == 302

    comments = list(
        Change.objects.filter(entry_pk=series.pk)
        .order_by("pk")
        .values_list("revision__comment", flat=True)
    )
    assert comments == ["Changed Summary and Main image.", "Changed Main image."]


def test_uploading_and_removing_at_once_is_refused(editor_client, media_root):
    picture = store_picture()
    staff = factories.make_staff(image=picture)
    before = files_under(media_root)
    url, data = open_form(editor_client, Staff, staff)
    data["image_remove"] = "on"
    data["image_upload"] = png((9, 9, 9))

    response = editor_client.post(url, data)

    assert form_errors(response) == [
        "Either upload a new main image or remove the current one, not both."
    ]
    assert Staff.objects.get(pk=staff.pk).image == picture
    assert files_under(media_root) == before
    assert Picture.objects.count() == 1


def test_a_new_entry_with_a_main_image(editor_client, media_root):
    url, data = open_form(editor_client, Studio)
    data.update(title="Bones", image_upload=png(name="logo.png"), image_credit="Bones Inc.")

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    studio = Studio.objects.get(title="Bones")
    assert studio.image.original_name == "logo.png"
    assert sorted(studio.image.storage_names()) == files_under(media_root)


def test_the_image_waits_for_the_inlines_to_be_valid(editor_client, media_root):
    """A valid upload on a form whose inline has an error: nothing stored yet."""
    series = factories.make_series(title="Unchanged")
    url, data = open_form(editor_client, Series, series)
    data["title"] = "Changed"
    data["image_upload"] = png()
    add_rows(data, "relations_from", {"target": series.pk, "type": "sequel"})

    response = editor_client.post(url, data)

    assert form_errors(response) == ["A series cannot be related to itself."]
    assert not Picture.objects.exists()
    assert files_under(media_root) == []
    assert Series.objects.get(pk=series.pk).title == "Unchanged"


def test_a_save_that_fails_after_storing_leaves_no_file(editor_client, media_root):
    """The database refuses the gallery row after the pictures were written (a full
    disk, a lost connection): the save is rolled back and its files deleted."""
    series = factories.make_series(title="Unchanged")
    url, data = open_form(editor_client, Series, series)
    data["title"] = "Changed"
    data["image_upload"] = png((1, 1, 1))
    add_rows(data, "gallery", {"caption": "Doomed"})
    data["gallery-0-upload"] = png((2, 2, 2))

    def refuse(**kwargs):
        raise DatabaseError("could not write to the gallery table")

    post_save.connect(refuse, sender=GalleryImage, dispatch_uid="test.refuse")
    try:
        with pytest.raises(DatabaseError):
            editor_client.post(url, data)
    finally:
        post_save.disconnect(dispatch_uid="test.refuse", sender=GalleryImage)

    assert files_under(media_root) == []
    assert not Picture.objects.exists()
    assert Series.objects.get(pk=series.pk).title == "Unchanged"


# --- The gallery -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_editor_builds_a_gallery_on_every_kind(editor_client, media_root, model):
    entry = make_entry(model)
    url, data = open_form(editor_client, model, entry)
    add_rows(
        data,
        "gallery",
        {"caption": "Rouge on the rooftop", "credit": "Bones", "position": ""},
        {"caption": "Naomi", "credit": "", "position": ""},
    )
    data["gallery-0-upload"] = png((10, 0, 0), "rooftop.png")
    data["gallery-1-upload"] = png((20, 0, 0), "naomi.png")

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    rows = list(Entry.objects.get(pk=entry.pk).gallery.select_related("picture"))
    # Left empty, positions follow the order of the rows.
    assert [(row.position, row.caption, row.credit) for row in rows] == [
        (1, "Rouge on the rooftop", "Bones"),
        (2, "Naomi", ""),
    ]
    assert [row.picture.original_name for row in rows] == ["rooftop.png", "naomi.png"]
    assert {name for row in rows for name in row.picture.storage_names()} == set(
        files_under(media_root)
    )

    # The inline shows them in order, each with a preview.
    response = editor_client.get(url)
    data = form_data(response, f"{model._meta.model_name}_form")
    assert [data["gallery-0-caption"], data["gallery-1-caption"]] == [
        "Rouge on the rooftop",
        "Naomi",
    ]
    content = response.content.decode()
    assert content.index(rows[0].picture.thumbnail_url) < content.index(
        rows[1].picture.thumbnail_url
    )


def test_gallery_reorder_replace_and_delete(editor_client, media_root):
    series = factories.make_series()
    first, second, third = (store_picture((n, n, n), f"{n}.png") for n in (1, 2, 3))
    GalleryImage.objects.create(entry=series, picture=first, caption="First", position=1)
    GalleryImage.objects.create(entry=series, picture=second, caption="Second", position=2)
    GalleryImage.objects.create(entry=series, picture=third, caption="Third", position=3)
    url, data = open_form(editor_client, Series, series)

    data["gallery-0-position"] = "5"  # First goes last
    data["gallery-1-upload"] = png((7, 7, 7), "better second.png")  # Second gets a new image
    data["gallery-2-DELETE"] = "on"  # Third goes
    add_rows(data, "gallery", {"caption": "New", "position": ""})
    data["gallery-3-upload"] = png((8, 8, 8), "new.png")
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    rows = list(series.gallery.select_related("picture"))
    assert [(row.caption, row.picture.original_name, row.position) for row in rows] == [
        ("Second", "better second.png", 2),
        ("First", "1.png", 5),
        ("New", "new.png", 6),
    ]
    # Pictures are never deleted by an edit: revisions still name them.
    assert Picture.objects.filter(pk__in=[first.pk, second.pk, third.pk]).count() == 3


def test_a_new_gallery_row_needs_an_image(editor_client, media_root):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    add_rows(data, "gallery", {"caption": "No file chosen"})

    response = editor_client.post(url, data)

    assert form_errors(response) == ["Choose an image for the new gallery row."]
    assert gallery_errors(response)[0]["upload"] == ["Choose an image for the new gallery row."]
    assert not GalleryImage.objects.exists()


def test_an_existing_row_keeps_its_picture_without_an_upload(editor_client):
    series = factories.make_series()
    picture = store_picture()
    row = GalleryImage.objects.create(entry=series, picture=picture, caption="Old caption")
    url, data = open_form(editor_client, Series, series)
    data["gallery-0-caption"] = "New caption"

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    row.refresh_from_db()
    assert (row.caption, row.picture) == ("New caption", picture)


# --- The changelist ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS, ids=kind_id)
def test_changelist_shows_thumbnails(editor_client, model):
    picture = store_picture()
    with_image = make_entry(model, image=picture)
    without = make_entry(model)

    response = editor_client.get(admin_url(model, "changelist"))

    content = response.content.decode()
    assert content.count(picture.thumbnail_url) == 1
    shown = {obj.pk: obj for obj in response.context["cl"].result_list}
    assert shown.keys() == {with_image.pk, without.pk}


# --- Editors may do all of this ------------------------------------------------------------------


def test_editors_hold_the_gallery_and_picture_permissions(editor):
    for codename in [
        "add_galleryimage",
        "change_galleryimage",
        "delete_galleryimage",
        "view_galleryimage",
        "add_picture",
        "view_picture",
    ]:
        assert Permission.objects.filter(codename=codename).exists()
        assert editor.has_perm(f"entries.{codename}"), codename
    assert not editor.is_superuser


# --- The safe-upload corpus, through the admin -------------------------------------------------

SMALL_LIMIT = 200_000
REFUSED = [
    *image_corpus.REFUSED,
    ("over-the-byte-limit", "big.png", lambda: image_corpus.oversized(SMALL_LIMIT), "too_big"),
]
REFUSED_IDS = [case[0] for case in REFUSED]


def _post_refused(client, *, where: str, name: str, content: bytes):
    """Open a series' change form, change its title and send ``content`` as the main
    image or as a new gallery row."""
    series = factories.make_series(title="Unchanged", image_credit="Old credit")
    url, data = open_form(client, Series, series)
    data["title"] = "Changed"
    upload = image_corpus.upload(name, content)
    if where == "main":
        data["image_upload"] = upload
        data["image_credit"] = "New credit"
    else:
        add_rows(data, "gallery", {"caption": "Refused", "credit": "", "position": ""})
        data["gallery-0-upload"] = upload
    return series, client.post(url, data)


def _assert_refused(response, *, where: str, code: str, series, media_root):
    assert response.status_code == 200
    if where == "main":
        errors = main_form(response).errors.as_data()["image_upload"]
    else:
        errors = gallery_errors(response)[0].as_data()["upload"]
    assert [error.code for error in errors] == [code]
    message = errors[0].messages[0]
    assert escape(message) in response.content.decode()
    assert message in form_errors(response)
    # Nothing stored, nothing changed.
    assert not Picture.objects.exists()
    assert not GalleryImage.objects.exists()
    assert files_under(media_root) == []
    saved = Series.objects.get(pk=series.pk)
    assert (saved.title, saved.image, saved.image_credit) == ("Unchanged", None, "Old credit")


@pytest.mark.parametrize("where", ["main", "gallery"])
@pytest.mark.parametrize(("case", "name", "maker", "code"), REFUSED, ids=REFUSED_IDS)
def test_refused_files_through_the_admin(
    editor_client, media_root, settings, where, case, name, maker, code
):
    settings.FANDEX_IMAGE_MAX_BYTES = SMALL_LIMIT

    series, response = _post_refused(editor_client, where=where, name=name, content=maker())

    _assert_refused(response, where=where, code=code, series=series, media_root=media_root)


@pytest.mark.parametrize("where", ["main", "gallery"])
def test_a_file_over_the_default_byte_limit(editor_client, media_root, settings, where):
    limit = settings.FANDEX_IMAGE_MAX_BYTES
    assert limit == 15 * 1024 * 1024  # the setting's default: this is the real limit
    content = image_corpus.oversized(limit)
    assert len(content) > limit

    series, response = _post_refused(editor_client, where=where, name="huge.png", content=content)

    _assert_refused(response, where=where, code="too_big", series=series, media_root=media_root)
    assert "images may be at most 15.0\xa0MB" in response.content.decode()


def post_with_raw_file_names(client, url, data: dict, files: dict[str, tuple[str, bytes]]):
    """POST ``data`` and ``files`` as multipart, each file under the exact name given.

    Django's test client would strip the name to its last path component before
    sending; a browser (or an attacker's script) sends what it likes.
    """
    boundary = f"----fandex{uuid.uuid4().hex}"
    parts = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{item}\r\n".encode()
            )
    for key, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.generic(
        "POST", url, b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize("where", ["main", "gallery"])
@pytest.mark.parametrize(
    "name", image_corpus.AWKWARD_NAMES, ids=["dot-dot", "colon", "300-characters", "japanese"]
)
def test_awkward_names_are_stored_under_generated_names(
    editor_client, media_root, tmp_path_factory, where, name
):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    if where == "main":
        field = "image_upload"
    else:
        add_rows(data, "gallery", {"caption": "Awkward", "credit": "", "position": ""})
        field = "gallery-0-upload"

    response = post_with_raw_file_names(
        editor_client, url, data, {field: (name, image_corpus.png())}
    )

    assert response.status_code == 302, form_errors(response)
    series = Series.objects.get(pk=series.pk)
    picture = series.image if where == "main" else series.gallery.get().picture
    stored = files_under(media_root)
    assert stored == sorted(picture.storage_names())
    assert [name for name in stored if not GENERATED_NAME.match(name)] == []
    root = Path(media_root).resolve()
    assert all((root / stored_name).resolve().is_relative_to(root) for stored_name in stored)
    # The uploader's name is kept for editors to recognise, without any folder part.
    expected = {
        "../../x.png": "x.png",
        "a:b.png": "a:b.png",
        image_corpus.AWKWARD_NAMES[3]: image_corpus.AWKWARD_NAMES[3],
    }
    if name in expected:
        assert picture.original_name == expected[name]
    else:
        assert len(picture.original_name) == 255
        assert picture.original_name.endswith("nnn.png")
    # Nothing was written anywhere else under the test run's folders.
    last_part = name.rsplit("/", 1)[-1][-50:]
    basetemp = tmp_path_factory.getbasetemp()
    assert not [
        path for path in basetemp.rglob("*") if path.is_file() and path.name.endswith(last_part)
    ]


def test_a_form_shown_again_asks_for_the_file_again(editor_client):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = png()
    data["year"] = "3024"

    response = editor_client.post(url, data)

    assert form_errors(response) == ["Enter a year between 1900 and 2100."]
    assert "choose the file again before saving" in response.content.decode()
    assert not Picture.objects.exists()
