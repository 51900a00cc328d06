"""``manage.py import_bangumi`` in the page histories: one revision, a change per
series, the same versions django-reversion itself would record."""

import io
import json

import pytest
import reversion
from django.core.management import call_command
from reversion.models import Revision, Version

from entries.models import (
    Change,
    Series,
)
from entries.services import note, recorded
from tests.helpers import (
    SAMPLE,
    SAMPLE_ITEMS,
    rouge,
    run_import,
    sample_document,
    write_json,
)

pytestmark = pytest.mark.django_db


# --- History ---------------------------------------------------------------------------


def test_the_import_is_one_revision_with_a_change_per_series():
    run_import(SAMPLE)

    revision = Revision.objects.get()
    assert revision.comment == "Imported from bangumi-data bangumi-sample.json"
    assert revision.user is None
    changes = Change.objects.filter(revision=revision)
    assert changes.count() == SAMPLE_ITEMS
    assert set(changes.values_list("action", flat=True)) == {Change.Action.CREATE}
    assert changes.get(entry=rouge()).version == 1
    # The page can be restored from its version, as after an editor's save.
    versions = Version.objects.get_for_object(rouge())
    assert versions.count() == 1
    assert versions.get().field_dict["mal_id"] == 54794


def test_updates_are_recorded_as_changes(tmp_path):
    run_import(SAMPLE)
    document = sample_document()
    document["items"][0]["officialSite"] = "https://metallicrouge.example/"

    run_import(write_json(tmp_path / "newer.json", document))

    latest = Revision.objects.order_by("-pk").first()
    assert Change.objects.filter(revision=latest).get().action == Change.Action.CHANGE
    versions = Version.objects.get_for_object(rouge())
    assert versions.first().field_dict["official_site"] == "https://metallicrouge.example/"
    versions.last().revert()  # the first import's state comes back
    assert rouge().official_site == "https://metallicrouge.jp/"


def test_no_history_option_records_nothing():
    run_import(SAMPLE, "--no-history")

    assert Series.objects.count() == SAMPLE_ITEMS
    assert not Revision.objects.exists() and not Change.objects.exists()


def _versions(revision: Revision) -> dict:
    return {
        (version.content_type_id, version.object_id): (
            json.loads(version.serialized_data),
            version.object_repr,
        )
        for version in revision.version_set.all()
    }


def test_import_history_holds_what_reversion_itself_would_record():
    # The demo's Metallic Rouge has tags, credits, characters and an episode: the
    # import updates it; the other series it creates.
    call_command("loaddemo", stdout=io.StringIO())
    run_import(SAMPLE)
    imported = Revision.objects.get(comment__startswith="Imported from")

    with recorded(summary="The same pages, recorded by django-reversion"):
        for change in imported.changes.all():
            note(change.entry, Change.Action.CHANGE)
    by_reversion = Revision.objects.get(comment__startswith="The same pages")

    assert _versions(imported) == _versions(by_reversion)
    assert reversion.is_registered(Series)
