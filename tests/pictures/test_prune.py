"""``manage.py prune_pictures``: pictures that nothing (no entry, no gallery row, no
stored revision) refers to go, with their files; stray files under pictures/ go once
they are old enough; everything else stays, and a dry run deletes nothing."""

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from entries import pictures, services
from entries.models import Change, GalleryImage, Picture, Series
from entries.services import note, recorded
from tests import factories, image_corpus
from tests.helpers import files_under

pytestmark = pytest.mark.django_db

TWO_HOURS_AGO = time.time() - 2 * 3600


def stored(name: str, colour, *, old: bool = True) -> Picture:
    picture = pictures.store_upload(image_corpus.upload(name, image_corpus.png(200, 100, colour)))
    if old:
        make_old(picture)
    return picture


def make_old(picture: Picture) -> None:
    Picture.objects.filter(pk=picture.pk).update(created_at=timezone.now() - timedelta(hours=2))
    for name in picture.storage_names():
        os.utime(Path(picture.file.storage.path(name)), (TWO_HOURS_AGO, TWO_HOURS_AGO))


def prune(*args) -> str:
    out = StringIO()
    call_command("prune_pictures", *args, stdout=out)
    return out.getvalue()


def record(entry):
    with recorded():
        entry.save()
        note(entry, Change.Action.CHANGE)
    return Change.objects.filter(entry_pk=entry.pk).latest("pk").revision


@pytest.fixture
def pictures_of_every_kind(media_root):
    """A picture for each reason to keep one (or not), and stray files."""
    main = stored("main.png", (1, 0, 0))
    in_gallery = stored("gallery.png", (2, 0, 0))
    old_main = stored("old-main.png", (3, 0, 0))
    old_gallery = stored("old-gallery.png", (4, 0, 0))
    unused = stored("unused.png", (5, 0, 0))
    unused_young = stored("just-uploaded.png", (6, 0, 0), old=False)

    series = factories.make_series(image=old_main)
    row = GalleryImage.objects.create(entry=series, picture=old_gallery, caption="Old")
    record(series)
    # Since then: a new main image, and a new gallery picture on the row.
    series.image = main
    series.save()
    row.picture = in_gallery
    row.save()
    record(series)

    stray_old = Path(media_root, "pictures", "ab", "left-over.jpg")
    stray_old.parent.mkdir(parents=True, exist_ok=True)
    stray_old.write_bytes(b"a crashed upload")
    os.utime(stray_old, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    stray_young = Path(media_root, "pictures", "cd", "in-flight.jpg")
    stray_young.parent.mkdir(parents=True, exist_ok=True)
    stray_young.write_bytes(b"an upload being saved right now")
    outside = Path(media_root, "elsewhere.txt")
    outside.write_bytes(b"not ours to touch")
    os.utime(outside, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return {
        "series": series,
        "kept": [main, in_gallery, old_main, old_gallery, unused_young],
        "unused": unused,
        "stray_old": "pictures/ab/left-over.jpg",
        "stray_young": "pictures/cd/in-flight.jpg",
        "outside": "elsewhere.txt",
    }


def test_prune_deletes_only_what_nothing_refers_to(pictures_of_every_kind, media_root):
    world = pictures_of_every_kind
    before = set(files_under(media_root))

    output = prune()

    assert set(Picture.objects.all()) == set(world["kept"])
    gone = set(world["unused"].storage_names()) | {world["stray_old"]}
    assert set(files_under(media_root)) == before - gone
    assert world["stray_young"] in files_under(media_root)
    assert world["outside"] in files_under(media_root)
    # The full-size image and two renditions (160 and 200 px wide), each as WebP and JPEG.
    assert "Deleted 1 unused picture(s) (5 files)." in output
    assert "2 named only by revisions, 1 unused but younger than 1 hour" in output
    assert "Deleted 1 stray file(s) under pictures/; kept 1 younger than 1 hour." in output


def test_dry_run_deletes_nothing(pictures_of_every_kind, media_root):
    before = files_under(media_root)
    pictures_before = set(Picture.objects.all())

    output = prune("--dry-run")

    assert files_under(media_root) == before
    assert set(Picture.objects.all()) == pictures_before
    assert "Would delete 1 unused picture(s) (5 files)." in output
    assert "Would delete 1 stray file(s)" in output
    assert "Dry run: nothing was deleted." in output


def test_min_age_protects_recent_uploads(pictures_of_every_kind, media_root):
    output = prune("--min-age", "3h")

    # Everything is younger than three hours: nothing goes.
    assert Picture.objects.filter(pk=pictures_of_every_kind["unused"].pk).exists()
    assert pictures_of_every_kind["stray_old"] in files_under(media_root)
    assert "Deleted 0 unused picture(s)" in output

    prune("--min-age", "0")

    assert not Picture.objects.filter(pk=pictures_of_every_kind["unused"].pk).exists()
    assert pictures_of_every_kind["stray_young"] not in files_under(media_root)


def test_a_bad_min_age_is_a_clear_error(db):
    with pytest.raises(CommandError, match="invalid duration value: 'soon'"):
        prune("--min-age", "soon")


def test_a_picture_only_an_old_revision_names_survives_and_comes_back(
    pictures_of_every_kind, client
):
    world = pictures_of_every_kind
    series = world["series"]
    old_main = Picture.objects.get(original_name="old-main.png")
    old_gallery = Picture.objects.get(original_name="old-gallery.png")
    first = Change.objects.filter(entry_pk=series.pk).earliest("pk").revision

    prune()
    services.restore_entry(revision=first, model=Series, pk=series.pk)

    series = Series.objects.get(pk=series.pk)
    assert series.image == old_main
    assert [row.picture for row in series.gallery.all()] == [old_gallery]
    # Every file of both is there to serve.
    assert set(old_main.storage_names() + old_gallery.storage_names()) <= set(
        files_under(Path(old_main.file.storage.location))
    )
    response = client.get(series.get_absolute_url())
    assert response.status_code == 200
    assert (
        old_main.thumbnail_url in response.content.decode()
        or old_main.url(old_main.default_rendition()["fallback"]) in response.content.decode()
    )


def test_a_deleted_entry_keeps_its_pictures_for_recovery(media_root):
    picture = stored("portrait.png", (7, 7, 7))
    character = factories.make_character(image=picture)
    GalleryImage.objects.create(entry=character, picture=picture, caption="Portrait")
    pk = character.pk
    services.delete_entries(entries=[character], summary="Deleted")

    prune()

    assert Picture.objects.filter(pk=picture.pk).exists()
    deletion = Change.objects.get(entry_pk=pk, action=Change.Action.DELETE).revision
    recovered = services.restore_entry(revision=deletion, model=type(character), pk=pk)
    assert recovered.image == picture
    assert list(recovered.gallery.values_list("caption", flat=True)) == ["Portrait"]


def test_nothing_to_do(db, media_root):
    output = prune()

    assert "Deleted 0 unused picture(s) (0 files)." in output
    assert files_under(media_root) == []
