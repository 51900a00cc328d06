"""Tags in the history: merging or deleting tags is a revision of every entry that
carried them, shown in recent changes, and reverting an entry brings its tag back."""

import pytest
from reversion.models import Version

from entries import services
from entries.models import Change, Series, Tag
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def tag_names(entry) -> list[str]:
    return sorted(tag.name for tag in type(entry).objects.get(pk=entry.pk).tags.all())


def revision_before(entry, revision):
    """The entry's revision just before ``revision`` (its baseline copy included)."""
    versions = Version.objects.get_for_object(entry).filter(revision_id__lt=revision.pk)
    return versions.first().revision


def test_a_merge_is_a_revision_of_every_retagged_entry_and_can_be_reverted(client):
    recorded_series = factories.make_series(title="Metallic Rouge", tags=["sci-fi"])
    with services.recorded(summary="First"):
        services.note(recorded_series, Change.Action.CREATE)
    never_recorded = factories.make_character(title="Rouge Redstar", tags=["science fiction"])

    services.merge_tags(tags=Tag.objects.all(), into_name="Science fiction")

    for entry in (recorded_series, never_recorded):
        change = Change.objects.filter(entry_pk=entry.pk).latest("pk")
        assert change.action == Change.Action.CHANGE
        assert change.revision.comment.startswith("Merged the tags")
    assert "Merged the tags" in client.get("/recent/").content.decode()

    merge = Change.objects.filter(entry_pk=recorded_series.pk).latest("pk").revision
    services.restore_entry(
        revision=revision_before(recorded_series, merge), model=Series, pk=recorded_series.pk
    )
    assert tag_names(recorded_series) == ["sci-fi"]
    services.restore_entry(
        revision=revision_before(never_recorded, merge),
        model=type(never_recorded),
        pk=never_recorded.pk,
    )
    # Its tag was the merge's target: the same tag, under the name the merge gave it
    # (a revert never renames a tag: tags are shared by every entry).
    assert tag_names(never_recorded) == ["Science fiction"]


def test_deleting_a_tag_in_the_admin_is_recorded_and_reversible(senior_client):
    series = factories.make_series(title="Metallic Rouge", tags=["androids", "mecha"])
    tag = Tag.objects.get(name="androids")

    response = senior_client.post(admin_url(Tag, "delete", tag.pk), {"post": "yes"})

    assert response.status_code == 302
    assert tag_names(series) == ["mecha"]
    deletion = Change.objects.filter(entry_pk=series.pk).latest("pk")
    assert deletion.revision.comment == "Deleted the tag “androids”"
    assert deletion.revision.user.username == "senior"

    services.restore_entry(
        revision=revision_before(series, deletion.revision), model=Series, pk=series.pk
    )
    assert tag_names(series) == ["androids", "mecha"]


def test_merging_two_tags_one_entry_carries_into_a_new_one_keeps_it_once(client):
    series = factories.make_series(title="Metallic Rouge", tags=["mecha", "robots", "mars"])
    rouge = factories.make_character(title="Rouge Redstar", tags=["robots"])
    # The character's "robots" is a spoiler, the series' "mecha" is not.
    rouge.tagged_items.filter(tag__name="robots").update(revealed_in=5)
    series.tagged_items.filter(tag__name="robots").update(revealed_in=3)

    services.merge_tags(tags=Tag.objects.exclude(name="mars"), into_name="giant robots")

    assert tag_names(series) == ["giant robots", "mars"]
    # The open use is the one kept; the character's mark moves with its tag.
    assert series.tagged_items.get(tag__name="giant robots").revealed_in is None
    assert rouge.tagged_items.get(tag__name="giant robots").revealed_in == 5
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["giant robots", "mars"]
    tag_page = client.get(Tag.objects.get(name="giant robots").get_absolute_url())
    assert "Metallic Rouge" in tag_page.content.decode()
