"""A tag's stored counts (``TagCount``, kept by the database's triggers) are what
the home page's popular tags and the tag index show: after every kind of write
through the site's write paths, their sum equals the number of entries carrying the
tag openly (spoiler-marked taggings left out), on both databases."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from reversion.models import Version

from entries import backups, services
from entries.models import Change, Entry, Series, Tag, TaggedEntry
from tests import factories
from tests.helpers import SAMPLE, admin_url, form_data, open_form, run_import

pytestmark = pytest.mark.django_db


def counted() -> dict[str, int]:
    """Each tag's open uses, counted from the taggings (what the stored count replaces)."""
    open_uses = Count("tagged_entries", filter=Q(tagged_entries__revealed_in__isnull=True))
    return dict(Tag.objects.annotate(uses=open_uses).values_list("name", "uses"))


def stored() -> dict[str, int]:
    uses = Coalesce(Sum("counts__entries"), 0)
    return dict(Tag.objects.annotate(uses=uses).values_list("name", "uses"))


def assert_counts_right() -> dict[str, int]:
    assert stored() == counted()
    return stored()


def shown_on_the_tag_index(client) -> dict[str, int]:
    tags = client.get("/tags/?order=count").context["tags"]
    return {tag.name: tag.count for tag in tags}


def test_admin_create_edit_delete_revert_and_recover_keep_counts(senior_client, client):
    url, data = open_form(senior_client, Series)
    data.update(title="Metallic Rouge", slug="", format="tv", status="finished")
    data["tags"] = "androids, mecha"
    assert senior_client.post(url, data).status_code == 302, form_data
    series = Series.objects.get(title="Metallic Rouge")
    factories.make_character(title="Rouge Redstar", tags=["androids"])
    assert assert_counts_right() == {"androids": 2, "mecha": 1}
    assert shown_on_the_tag_index(client) == {"androids": 2, "mecha": 1}

    # Edit: one tag off, one marked as a spoiler (not counted), one new.
    url, data = open_form(senior_client, Series, series)
    data["tags"] = "androids, space"
    assert senior_client.post(url, data).status_code == 302
    url, data = open_form(senior_client, Series, series)
    androids = TaggedEntry.objects.get(content_object=series, tag__name="androids")
    (index,) = [
        key[len("tagged_items-") : -len("-id")]
        for key, value in data.items()
        if key.startswith("tagged_items-") and key.endswith("-id") and value == str(androids.pk)
    ]
    data[f"tagged_items-{index}-revealed_in"] = "4"
    assert senior_client.post(url, data).status_code == 302
    assert assert_counts_right() == {"androids": 1, "mecha": 0, "space": 1}
    assert shown_on_the_tag_index(client) == {"androids": 1, "space": 1}

    # Revert to the first revision: both tags open again.
    first = Version.objects.get_for_object(series).order_by("revision_id").first()
    url = admin_url(Series, "revision", series.pk, first.pk)
    assert senior_client.post(url, form_data(senior_client.get(url), "series_form")).status_code
    assert assert_counts_right() == {"androids": 2, "mecha": 1, "space": 0}

    # Delete (the taggings go by cascade) and recover.
    senior_client.post(admin_url(Series, "delete", series.pk), {"post": "yes"})
    assert assert_counts_right() == {"androids": 1, "mecha": 0, "space": 0}
    (deleted,) = Version.objects.get_deleted(Series).filter(object_id=str(series.pk))
    url = admin_url(Series, "recover", deleted.pk)
    response = senior_client.post(url, form_data(senior_client.get(url), "series_form"))
    assert response.status_code == 302
    assert assert_counts_right() == {"androids": 2, "mecha": 1, "space": 0}
    assert shown_on_the_tag_index(client) == {"androids": 2, "mecha": 1}


def test_restore_entry_and_marks_set_in_bulk_keep_counts():
    series = factories.make_series(tags=["androids", "mecha"])
    with services.recorded(summary="First"):
        services.note(series, Change.Action.CHANGE)
    first = Change.objects.get(entry_pk=series.pk).revision
    with services.recorded(summary="Untagged"):
        series.tags.clear()
        services.note(series, Change.Action.CHANGE)
    assert assert_counts_right() == {"androids": 0, "mecha": 0}

    services.restore_entry(revision=first, model=Series, pk=series.pk)
    assert assert_counts_right() == {"androids": 1, "mecha": 1}

    TaggedEntry.objects.filter(tag__name="mecha").update(revealed_in=3)
    assert assert_counts_right() == {"androids": 1, "mecha": 0}
    TaggedEntry.objects.filter(tag__name="mecha").update(revealed_in=None)
    assert assert_counts_right() == {"androids": 1, "mecha": 1}


def test_merging_deleting_and_pruning_tags_keep_counts(client):
    factories.make_series(title="A", tags=["sci-fi", "science fiction"])
    factories.make_series(title="B", tags=["sci-fi"])
    marked = factories.make_character(title="C", tags=["science fiction", "robots"])
    TaggedEntry.objects.filter(content_object=marked, tag__name="science fiction").update(
        revealed_in=2
    )
    factories.make_staff(title="D", tags=["robots", "unused soon"])
    assert assert_counts_right() == {
        "robots": 2,
        "sci-fi": 2,
        "science fiction": 1,
        "unused soon": 1,
    }

    # A carries both: it keeps the target once. C's marked use moves, still marked.
    services.merge_tags(tags=Tag.objects.filter(name__contains="sci"), into_name="Sci-fi")
    assert assert_counts_right() == {"robots": 2, "Sci-fi": 2, "unused soon": 1}

    services.delete_tags(tags=Tag.objects.filter(name="robots"))
    assert assert_counts_right() == {"Sci-fi": 2, "unused soon": 1}
    Entry.objects.get(title="D").tags.clear()
    call_command("prune_tags", stdout=io.StringIO())
    assert assert_counts_right() == {"Sci-fi": 2}
    assert shown_on_the_tag_index(client) == {"Sci-fi": 2}


def test_saving_a_tag_from_a_stale_copy_keeps_its_count(editor_client):
    tag = Tag.objects.create(name="androids")
    factories.make_series(tags=["androids"])
    factories.make_character(tags=["androids"])

    tag.name = "Androids"  # a copy read before the tag was used
    tag.save()
    url, data = open_form(editor_client, Tag, tag)
    data["name"] = "Android"
    assert editor_client.post(url, data).status_code == 302

    assert assert_counts_right() == {"Android": 2}


def test_a_tag_made_after_its_taggings_counts_them():
    """As a restore may load them: the tag's row inserted after rows that name it."""
    series = factories.make_series(tags=["androids"])
    tag = Tag.objects.get(name="androids")
    tag_id = tag.pk
    rows = list(TaggedEntry.objects.filter(tag=tag).values("content_object_id", "tag_id"))
    tag.delete()

    with transaction.atomic():
        if connection.vendor == "postgresql":
            connection.cursor().execute("SET CONSTRAINTS ALL DEFERRED")
        TaggedEntry.objects.bulk_create(TaggedEntry(**row) for row in rows)
        Tag.objects.bulk_create([Tag(pk=tag_id, name="androids", slug="androids")])
    assert assert_counts_right() == {"androids": 1}
    assert series.tags.get().name == "androids"


def test_the_demo_the_import_and_a_dump_round_trip_keep_counts(tmp_path, client):
    call_command("loaddemo", stdout=io.StringIO(), stderr=io.StringIO())
    run_import(SAMPLE)
    demo = assert_counts_right()
    assert any(demo.values())
    # The demo marks some tags as spoilers: those uses are not counted.
    assert TaggedEntry.objects.filter(revealed_in__isnull=False).exists()

    path = tmp_path / "site.jsonl.gz"
    call_command("export_dump", str(path), stdout=io.StringIO())
    Version.objects.all().delete()
    Change.objects.all().delete()
    Entry.objects.all().delete()
    assert set(assert_counts_right().values()) == {0}
    Tag.objects.all().delete()
    call_command("import_dump", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert assert_counts_right() == demo
    assert shown_on_the_tag_index(client) == {name: count for name, count in demo.items() if count}


def test_a_backup_restored_keeps_counts(tmp_path):
    call_command("loaddemo", stdout=io.StringIO(), stderr=io.StringIO())
    before = assert_counts_right()
    path = tmp_path / "site.tar.gz"
    backups.backup(path)

    backups.restore(path, force=True)

    assert assert_counts_right() == before
