"""Backups (issue 12, item 8): ``manage.py backup`` and ``restore`` bring back the
database and the pictures' files together; natural keys make ``dumpdata
--natural-foreign --natural-primary`` round-trip."""

import io
import tarfile

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Revision, Version

from entries import backups
from entries.models import (
    Alias,
    Change,
    Entry,
    GalleryImage,
    Picture,
    SearchDocument,
    Series,
    SeriesRelation,
    StaffCredit,
    Streaming,
    Tag,
    TaggedEntry,
    VoiceCredit,
    WikiLink,
)
from entries.pictures import store_upload
from entries.services import note, recorded
from tests import factories, image_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_content_types():
    """The tests flush the database (content types made again, with new ids) inside a
    transaction that is then rolled back: forget the ids cached meanwhile."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def site(editor):
    """A small site with everything a backup must keep: kinds, credits, relations,
    tags, aliases, links, streaming, pictures (main image and gallery) and history
    (two revisions of the series)."""
    with recorded(user=editor, summary="Create the series"):
        series = factories.make_series(title="Metallic Rouge", body="With [[Gin]].")
        prequel = factories.make_series(title="Rouge Zero")
        gin = factories.make_character(series=series, title="Gin")
        director = factories.make_staff(title="Motoki Yuichiro")
        actor = factories.make_staff(title="Tomori Kusunoki")
        factories.credit(series, director)
        factories.voice(gin, actor)
        factories.relate(series, prequel)
        factories.alias(series, "Metarikku Rūju")
        series.streaming.create(platform=factories.make_platform(name="Crunchyroll"))
        series.tags.add("mecha", "android")
        picture = store_upload(image_corpus.upload("rouge.png", image_corpus.png()), user=editor)
        series.image = picture
        series.save()
        gallery = store_upload(image_corpus.upload("gin.png", image_corpus.png(colour=(9, 9, 9))))
        GalleryImage.objects.create(entry=series, picture=gallery, caption="Gin", credit="Bones")
        for entry in (series, prequel, gin, director, actor):
            note(entry, Change.Action.CREATE)
    with recorded(user=editor, summary="A better summary"):
        series.summary = "An android fights on Mars."
        series.save()
        note(series, Change.Action.CHANGE)
    return series


def state(client) -> dict:
    """What a reader and an editor see, and what the database and storage hold."""
    series = Series.objects.get(slug="metallic-rouge")
    change = Change.objects.filter(entry=series).earliest("pk")
    pages = [
        series.get_absolute_url(),
        series.get_history_url(),
        series.get_revision_url(change.revision_id),
        "/recent/",
        "/tags/mecha/",
        "/search/?q=rouge&all=1",
    ]
    rows = {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in (
            Entry,
            Series,
            Alias,
            StaffCredit,
            VoiceCredit,
            SeriesRelation,
            Streaming,
            Tag,
            TaggedEntry,
            WikiLink,
            Picture,
            GalleryImage,
            Change,
            Revision,
            SearchDocument,
        )
    }
    # Content types are made by migrate, with ids of their own: compare them by name.
    rows["versions"] = sorted(
        Version.objects.values_list(
            "pk", "revision", "object_id", "content_type__model", "serialized_data", "object_repr"
        )
    )
    rows["users"] = sorted(User.objects.values_list("username", "password", "is_staff"))
    rows["groups"] = sorted(
        (user.username, group.name) for user in User.objects.all() for group in user.groups.all()
    )
    files = {
        name: default_storage.open(name).read()
        for picture in Picture.objects.all()
        for name in picture.storage_names()
    }
    html = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html[url] = response.content.decode()
    return {"rows": rows, "files": files, "html": html}


def flush():
    """``manage.py flush``, inside the test's transaction on PostgreSQL too."""
    with backups.immediate_constraints(connection):
        call_command("flush", interactive=False, verbosity=0)


def empty_everything(settings, tmp_path):
    """A new, migrated database and an empty media folder: what a restore starts from."""
    flush()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    assert backups.is_empty()
    assert Group.objects.filter(name="Editors").exists()  # made by a migration


def test_a_backup_restores_the_database_and_the_pictures(site, client, settings, tmp_path):
    before = state(client)
    path = tmp_path / "fandex.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    empty_everything(settings, tmp_path)

    out = io.StringIO()
    call_command("restore", str(path), stdout=out)

    assert "Restored" in out.getvalue()
    after = state(client)
    assert after["rows"] == before["rows"]
    assert after["files"] == before["files"] and len(before["files"]) > 2
    assert after["html"] == before["html"]


def test_restore_refuses_a_database_that_is_not_empty(site, tmp_path):
    path = tmp_path / "fandex.tar.gz"
    backups.backup(path)
    factories.make_series(title="Written since")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    assert Series.objects.filter(title="Written since").exists()

    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert not Series.objects.filter(title="Written since").exists()
    assert Series.objects.filter(slug="metallic-rouge").exists()


def test_a_restore_that_fails_part_way_leaves_nothing(site, settings, tmp_path):
    path = tmp_path / "fandex.tar.gz"
    backups.backup(path)
    # The same backup with its last picture file missing.
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(path) as source, tarfile.open(broken, "w:gz") as target:
        members = source.getmembers()
        last_file = [m for m in members if m.name.startswith("media/")][-1]
        for member in members:
            if member is not last_file:
                target.addfile(member, source.extractfile(member))
    empty_everything(settings, tmp_path)

    with pytest.raises(CommandError, match="has no media/"):
        call_command("restore", str(broken))

    assert backups.is_empty()
    assert not (tmp_path / "new-media").exists() or not any(
        p.is_file() for p in (tmp_path / "new-media").rglob("*")
    )


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("hello.txt"), io.BytesIO())
    with pytest.raises(CommandError, match="not a Fandex backup"):
        call_command("restore", str(path))


def test_natural_keys_round_trip_through_dumpdata_and_loaddata(site, settings, tmp_path):
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        # Made from the entries on load (their raw saves index them).
        "--exclude=entries.searchdocument",
        output=str(dump),
        verbosity=0,
    )

    def content():
        return {
            "entries": sorted(Entry.objects.values_list("kind", "slug", "title", "body_html")),
            "aliases": sorted(Alias.objects.values_list("entry__slug", "name")),
            "tags": sorted(TaggedEntry.objects.values_list("content_object__slug", "tag__name")),
            "credits": sorted(StaffCredit.objects.values_list("series__slug", "staff__slug")),
            "voices": sorted(VoiceCredit.objects.values_list("character__slug", "actor__slug")),
            "relations": sorted(SeriesRelation.objects.values_list("source__slug", "target__slug")),
            "links": sorted(WikiLink.objects.values_list("source__slug", "target_key")),
            "streaming": sorted(Streaming.objects.values_list("series__slug", "platform__slug")),
            "gallery": sorted(GalleryImage.objects.values_list("entry__slug", "picture__file")),
            "images": sorted(Entry.objects.values_list("slug", "image__file")),
            "changes": sorted(Change.objects.values_list("entry__slug", "action", "title")),
            "search": sorted(SearchDocument.objects.values_list("entry__slug", "names")),
        }

    before = content()
    flush()
    call_command("loaddata", str(dump), verbosity=0)
    assert content() == before


def test_every_model_with_a_natural_key_can_be_found_by_it(site):
    from django.apps import apps

    for model in apps.get_app_config("entries").get_models():
        if not hasattr(model, "natural_key"):
            continue
        for obj in model._default_manager.all()[:3]:
            found = model._default_manager.get_by_natural_key(*obj.natural_key())
            assert found.pk == obj.pk, model
