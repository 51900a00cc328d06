"""Deleting an entry records what it takes from other entries (a series' relation to
it, a studio's predecessor), and recovering it gives that back."""

import pytest
from django.test import Client
from django.urls import reverse

from entries import services
from entries.models import Change, Episode, Series, SeriesRelation, Studio
from tests import factories
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_recovering_a_series_gives_back_the_relations_other_series_had_to_it():
    first = factories.make_series(title="Metallic Rouge")
    sequel = factories.make_series(title="Metallic Rouge 2")
    factories.relate(first, sequel, SeriesRelation.Type.SEQUEL)
    sequel_pk = sequel.pk

    services.delete_entries(entries=[sequel], summary="Not announced yet")

    assert not SeriesRelation.objects.filter(source=first).exists()
    removal = Change.objects.filter(entry_pk=first.pk).latest("pk")
    assert removal.action == Change.Action.CHANGE
    assert "Metallic Rouge 2" in removal.revision.comment

    services.restore_entry(revision=deletion_of_pk(sequel_pk), model=type(sequel), pk=sequel_pk)

    relation = SeriesRelation.objects.get(source=first)
    assert (relation.target_id, relation.type) == (sequel_pk, SeriesRelation.Type.SEQUEL)
    given_back = Change.objects.filter(entry_pk=first.pk).latest("pk")
    assert given_back.action == Change.Action.CHANGE
    assert given_back.revision.comment.startswith("Recovered")


def test_recovering_a_studio_makes_it_the_predecessor_again():
    old = factories.make_studio(title="Sunrise")
    new = factories.make_studio(title="Bandai Namco Filmworks", predecessor=old)
    old_pk = old.pk

    services.delete_entries(entries=[old], summary="Merged away")
    new.refresh_from_db()
    assert new.predecessor_id is None

    services.restore_entry(revision=deletion_of_pk(old_pk), model=Studio, pk=old_pk)

    new.refresh_from_db()
    assert new.predecessor_id == old_pk


def test_a_relation_whose_source_is_gone_too_is_not_given_back():
    first = factories.make_series(title="Metallic Rouge")
    sequel = factories.make_series(title="Metallic Rouge 2")
    factories.relate(first, sequel)
    sequel_pk = sequel.pk
    services.delete_entries(entries=[sequel])
    services.delete_entries(entries=[first])

    services.restore_entry(revision=deletion_of_pk(sequel_pk), model=type(sequel), pk=sequel_pk)

    assert not SeriesRelation.objects.exists()


def deletion_of_pk(pk: int):
    return Change.objects.get(entry_pk=pk, action=Change.Action.DELETE).revision


def test_a_bulk_delete_comes_back_in_one_step_with_what_it_took(senior_client, senior_editor):
    # Two series related to each other and a third series pointing at one of them:
    # "delete selected" on the two, then "Recover all 2" on the recover list.
    first = factories.make_series(title="Metallic Rouge", tags=["mecha"])
    sequel = factories.make_series(title="Metallic Rouge 2")
    kept = factories.make_series(title="Metallic Rouge: Side Stories")
    factories.make_episode(series=first, number=1, title="Dawn")
    factories.relate(first, sequel, SeriesRelation.Type.SEQUEL)
    factories.relate(kept, first, SeriesRelation.Type.SIDE_STORY)
    senior_client.post(
        admin_url(Series, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, sequel.pk], "post": "yes"},
    )
    assert list(Series.objects.values_list("title", flat=True)) == [kept.title]
    revision = deletion_of_pk(first.pk)

    recover_list = senior_client.get(admin_url(Series, "recoverlist")).content.decode()
    url = reverse("admin:entries_series_recover_deletion", args=[revision.pk])
    assert url in recover_list
    assert "Recover all 2" in recover_list
    confirm = senior_client.get(url).content.decode()
    assert "Metallic Rouge 2" in confirm
    assert Series.objects.count() == 1  # looking changes nothing

    response = senior_client.post(url)

    assert response.status_code == 302
    assert set(Series.objects.values_list("title", flat=True)) == {
        "Metallic Rouge",
        "Metallic Rouge 2",
        "Metallic Rouge: Side Stories",
    }
    assert Episode.objects.get().series_id == first.pk
    assert Series.objects.get(pk=first.pk).tags.names()[0] == "mecha"
    relations = set(SeriesRelation.objects.values_list("source_id", "target_id"))
    assert relations == {(first.pk, sequel.pk), (kept.pk, first.pk)}
    recovery = Change.objects.filter(action=Change.Action.RECOVER)
    assert recovery.values("revision").distinct().count() == 1
    assert set(recovery.values_list("title", flat=True)) == {
        "Metallic Rouge",
        "Metallic Rouge 2",
        "Dawn",
    }
    assert recovery[0].revision.user == senior_editor
    # The side story got its relation back: a change of its own in the same revision.
    assert (
        Change.objects.get(revision=recovery[0].revision, entry_pk=kept.pk).action
        == Change.Action.CHANGE
    )
    # Nothing is left to recover, and the button says so instead of failing.
    assert "Recover all" not in senior_client.get(admin_url(Series, "recoverlist")).content.decode()
    again = senior_client.post(url, follow=True)
    assert "back already" in again.content.decode()


def test_recovering_a_bulk_delete_needs_the_add_permission(senior_client):
    first = factories.make_studio(title="Bones")
    second = factories.make_studio(title="Sunrise")
    first_pk = first.pk
    services.delete_entries(entries=[first, second])
    url = reverse("admin:entries_studio_recover_deletion", args=[deletion_of_pk(first_pk).pk])
    reader = Client()

    assert reader.post(url).status_code == 302  # to the login page
    assert not Studio.objects.exists()
    assert senior_client.post(url).status_code == 302
    assert Studio.objects.count() == 2
