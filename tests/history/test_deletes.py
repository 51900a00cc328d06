"""Deleting an entry records what it takes from other entries (a series' relation to
it, a studio's predecessor), and recovering it gives that back."""

import pytest

from entries import services
from entries.models import Change, SeriesRelation, Studio
from tests import factories

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
