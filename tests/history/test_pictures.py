"""Pictures in an entry's history: revisions hold the main image and the gallery rows,
reverting shows and brings back the old pictures, and the diff names pictures by the
files they were uploaded as for editors, by a fingerprint for everyone else. (Revert
and recover of every kind, pictures included, are in test_history.py.)"""

import pytest
from django.contrib.messages import get_messages
from reversion.models import Version

from entries import pictures, services
from entries.models import Change, GalleryImage, Picture, Series
from entries.services import note, recorded
from tests import factories, image_corpus
from tests.helpers import admin_url, form_data, form_errors, open_form

pytestmark = pytest.mark.django_db


def stored(name: str, colour) -> Picture:
    return pictures.store_upload(image_corpus.upload(name, image_corpus.png(320, 200, colour)))


def record(entry, summary=""):
    with recorded(summary=summary):
        entry.save()
        note(entry, Change.Action.CHANGE)
    return Change.objects.filter(entry_pk=entry.pk).latest("pk").revision


def test_the_revert_form_previews_the_old_image(editor_client):
    old, new = stored("old.png", (1, 1, 1)), stored("new.png", (2, 2, 2))
    series = factories.make_series(image=old)
    first = record(series)
    series.image = new
    series.save()
    record(series)
    version = Version.objects.get(revision=first, content_type__model="series")
    url = admin_url(Series, "revision", series.pk, version.pk)

    response = editor_client.get(url)

    content = response.content.decode()
    assert "320 × 200 px · old.png" in content
    assert "new.png" not in content
    # Showing the form put nothing back.
    assert Series.objects.get(pk=series.pk).image == new

    response = editor_client.post(url, form_data(response, "series_form"))

    assert response.status_code == 302, form_errors(response)
    assert Series.objects.get(pk=series.pk).image == old


def a_picture_swap():
    old, new = stored("key visual.png", (1, 1, 1)), stored("キービジュアル.png", (2, 2, 2))
    series = factories.make_series(image=old, image_credit="Press kit")
    GalleryImage.objects.create(entry=series, picture=old, caption="<b>Rooftop</b>", position=1)
    record(series)
    series.image = new
    series.image_credit = ""
    series.save()
    GalleryImage.objects.create(entry=series, picture=new, caption="", credit="Fan art", position=2)
    return series, record(series), old, new


def test_the_diff_page_names_pictures_for_editors(editor_client):
    series, revision, old, new = a_picture_swap()

    response = editor_client.get(series.get_revision_url(revision.pk))

    content = response.content.decode()
    assert "key visual.png (320 × 200)" in content
    assert "キービジュアル.png (320 × 200)" in content
    assert "Press kit" in content
    lists = {item.label: item.items for item in response.context["comparison"].lists}
    assert [(item.text, item.state) for item in lists["Gallery"]] == [
        ("key visual.png (320 × 200): “<b>Rooftop</b>”", "kept"),
        ("キービジュアル.png (320 × 200) — Fan art", "added"),
    ]
    # Captions are text, not markup.
    assert "&lt;b&gt;Rooftop&lt;/b&gt;" in content
    assert "<b>Rooftop" not in content
    assert f"#{old.pk}" not in content
    assert f"#{new.pk}" not in content


def test_readers_see_no_uploaded_file_names_in_a_diff(client):
    series, revision, old, new = a_picture_swap()

    response = client.get(series.get_revision_url(revision.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert "key visual" not in content
    assert "キービジュアル" not in content
    # Still told apart, by a fingerprint of what they show.
    fields = {f.label: (f.old, f.new) for f in response.context["comparison"].fields}
    assert fields["Main image"] == (
        f"image {old.sha256[:7]} (320 × 200)",
        f"image {new.sha256[:7]} (320 × 200)",
    )
    assert old.sha256[:7] != new.sha256[:7]
    lists = {item.label: item.items for item in response.context["comparison"].lists}
    assert [(item.text, item.state) for item in lists["Gallery"]] == [
        (f"image {old.sha256[:7]} (320 × 200): “<b>Rooftop</b>”", "kept"),
        (f"image {new.sha256[:7]} (320 × 200) — Fan art", "added"),
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_diff_page_queries_do_not_grow_with_pictures(client, django_assert_num_queries, count):
    series = factories.make_series(image=stored("main.png", (9, 9, 9)))
    record(series)
    for number in range(count):
        GalleryImage.objects.create(
            entry=series, picture=stored(f"{number}.png", (number, 0, 0)), position=number
        )
    revision = record(series)
    url = series.get_revision_url(revision.pk)

    # As for a page without pictures (test_history), plus one query for the pictures'
    # names; the entry titles query is left out, as no row points at another entry.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    (gallery,) = response.context["comparison"].lists
    assert len(gallery.items) == count


def test_a_picture_deleted_by_hand_does_not_block_a_revert(db):
    """prune_pictures never deletes a picture a revision names; if one goes by other
    means, reverting still works: no main image, and that gallery row left out."""
    gone, kept = stored("gone.png", (1, 2, 3)), stored("kept.png", (3, 2, 1))
    series = factories.make_series(image=gone)
    GalleryImage.objects.create(entry=series, picture=gone, caption="Gone", position=1)
    GalleryImage.objects.create(entry=series, picture=kept, caption="Kept", position=2)
    first = record(series)
    series.image = None
    series.save()
    series.gallery.all().delete()
    record(series)
    Picture.objects.filter(pk=gone.pk).delete()

    services.restore_entry(revision=first, model=Series, pk=series.pk)

    series = Series.objects.get(pk=series.pk)
    assert series.image is None
    assert list(series.gallery.values_list("caption", flat=True)) == ["Kept"]


def test_reverting_an_image_change_through_the_admin_keeps_both_pictures(editor_client, media_root):
    series = factories.make_series()
    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = image_corpus.upload("before.png", image_corpus.png(colour=(1, 2, 3)))
    assert editor_client.post(url, data).status_code == 302
    url, data = open_form(editor_client, Series, series)
    data["image_upload"] = image_corpus.upload("after.png", image_corpus.png(colour=(4, 5, 6)))
    assert editor_client.post(url, data).status_code == 302
    first = Change.objects.filter(entry_pk=series.pk).earliest("pk").revision
    version = Version.objects.get(revision=first, content_type__model="series")
    revert_url = admin_url(Series, "revision", series.pk, version.pk)

    response = editor_client.post(
        revert_url, form_data(editor_client.get(revert_url), "series_form")
    )

    assert response.status_code == 302, form_errors(response)
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(told) == 1 and told[0].startswith("Reverted to the revision of "), told
    assert Series.objects.get(pk=series.pk).image.original_name == "before.png"
    assert set(Picture.objects.values_list("original_name", flat=True)) == {
        "before.png",
        "after.png",
    }
    # The diff of the revert reads as the picture swap it was.
    revert = Change.objects.filter(entry_pk=series.pk).latest("pk")
    response = editor_client.get(series.get_revision_url(revert.revision_id))
    fields = {f.label: (f.old, f.new) for f in response.context["comparison"].fields}
    assert fields["Main image"] == ("after.png (800 × 600)", "before.png (800 × 600)")
