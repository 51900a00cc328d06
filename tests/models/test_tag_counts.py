"""Stored tag counts (``entries.models.counts.TagCount``), kept by database triggers:
after every kind of write of taggings they equal a count from scratch, and the
unfiltered indexes show them in their tag facet."""

from collections import Counter

import pytest
from django.db.models import Count
from django.urls import reverse

from entries import backups, services
from entries.models import Entry, Tag, TagCount, TaggedEntry
from tests import factories

pytestmark = pytest.mark.django_db


def from_scratch() -> dict[tuple[str, str], int]:
    """Public taggings per (tag name, kind), counted now."""
    rows = (
        TaggedEntry.objects.filter(revealed_in__isnull=True)
        .values_list("tag__name", "content_object__kind")
        .annotate(n=Count("pk"))
    )
    return {(name, kind): n for name, kind, n in rows}


def stored() -> dict[tuple[str, str], int]:
    counts = TagCount.objects.values_list("tag__name", "kind", "entries")
    assert all(n >= 0 for _, _, n in counts)
    return {(name, kind): n for name, kind, n in counts if n}


def assert_exact():
    assert stored() == from_scratch()


def tag_facet(client, url_name: str) -> dict[str, int]:
    response = client.get(reverse(f"entries:{url_name}"))
    assert response.status_code == 200
    tags = next(facet for facet in response.context["facets"] if facet.name == "tag")
    return {option.label: option.count for option in tags.options}


@pytest.fixture
def tagged():
    series = factories.make_series(title="Metallic Rouge", tags=["mecha", "androids"])
    other = factories.make_series(title="Zeta Gundam", tags=["mecha"])
    gin = factories.make_character(series=series, title="Gin", tags=["androids", "hero"])
    jill = factories.make_character(series=series, title="Jill", tags=["androids"])
    return {"series": series, "other": other, "gin": gin, "jill": jill}


def test_adding_and_removing_tags_keeps_the_counts_and_the_facet_exact(client, tagged):
    assert_exact()
    assert tag_facet(client, "character-list") == {"androids": 2, "hero": 1}
    assert tag_facet(client, "series-list") == {"mecha": 2, "androids": 1}
    tagged["jill"].tags.add("hero", "pilot")
    tagged["gin"].tags.remove("androids")
    tagged["other"].tags.set(["robots"])
    assert_exact()
    assert tag_facet(client, "character-list") == {"hero": 2, "androids": 1, "pilot": 1}
    assert tag_facet(client, "series-list") == {"androids": 1, "mecha": 1, "robots": 1}
    tagged["series"].tags.clear()
    assert_exact()
    assert tag_facet(client, "series-list") == {"robots": 1}
    # The staff and studio indexes have no tags at all.
    assert tag_facet(client, "staff-list") == {}


def test_a_spoiler_mark_takes_a_tagging_out_of_the_counts_and_back(client, tagged):
    row = TaggedEntry.objects.get(content_object=tagged["gin"], tag__name="hero")
    row.revealed_in = 3
    row.save()
    assert_exact()
    assert tag_facet(client, "character-list") == {"androids": 2}
    # Marked from the start (a bulk insert, as the importers and dumps write them).
    TaggedEntry.objects.bulk_create(
        [
            TaggedEntry(
                content_object=tagged["jill"], tag=Tag.objects.get(name="hero"), revealed_in=2
            ),
            TaggedEntry(content_object=tagged["jill"], tag=Tag.objects.create(name="pilot")),
        ]
    )
    assert_exact()
    assert tag_facet(client, "character-list") == {"androids": 2, "pilot": 1}
    TaggedEntry.objects.filter(tag__name="hero").update(revealed_in=None)
    assert_exact()
    assert tag_facet(client, "character-list") == {"androids": 2, "hero": 2, "pilot": 1}


def test_merging_and_deleting_tags_keeps_the_counts_exact(client, tagged, editor):
    # Gin carries both: his "hero" row is dropped, the others move.
    services.merge_tags(tags=Tag.objects.filter(name="hero"), into_name="Androids")
    assert_exact()
    assert tag_facet(client, "character-list") == {"Androids": 2}
    services.merge_tags(tags=Tag.objects.filter(name="Androids"), into_name="Heroes")
    assert_exact()
    assert tag_facet(client, "character-list") == {"Heroes": 2}
    assert tag_facet(client, "series-list") == {"mecha": 2, "Heroes": 1}
    services.delete_tags(tags=Tag.objects.filter(name="mecha"), user=editor)
    assert_exact()
    assert not TagCount.objects.filter(tag__name="mecha").exists()
    assert tag_facet(client, "series-list") == {"Heroes": 1}


def test_deleting_entries_uncounts_their_tags(client, tagged, editor):
    services.delete_entries(entries=[tagged["gin"]], user=editor)
    assert_exact()
    assert tag_facet(client, "character-list") == {"androids": 1}
    # A series goes with its characters' appearances, not with the characters.
    tagged["series"].delete()
    assert_exact()
    assert tag_facet(client, "series-list") == {"mecha": 1}


def test_a_restore_from_a_backup_counts_the_restored_tags(client, tagged, tmp_path):
    path = tmp_path / "site.tar.gz"
    backups.backup(path)
    before = from_scratch()
    Entry.objects.all().delete()
    Tag.objects.all().delete()
    assert stored() == {}
    backups.restore(path)
    assert_exact()
    assert stored() == before
    assert tag_facet(client, "character-list") == {"androids": 2, "hero": 1}


def test_the_stored_counts_match_a_large_random_tagging():
    """Many rows at once, each kind, marked and not, then random removals."""
    import random

    rng = random.Random(11)
    tags = [Tag.objects.create(name=f"tag {n}") for n in range(6)]
    entries = [
        factories.make_series(),
        factories.make_character(),
        factories.make_staff(),
        factories.make_studio(),
    ] * 1
    entries += [factories.make_character() for _ in range(6)]
    rows = [
        TaggedEntry(content_object=entry, tag=tag, revealed_in=rng.choice([None, None, 1]))
        for entry in entries
        for tag in tags
        if rng.random() < 0.6
    ]
    TaggedEntry.objects.bulk_create(rows)
    assert_exact()
    ids = list(TaggedEntry.objects.values_list("pk", flat=True))
    TaggedEntry.objects.filter(pk__in=rng.sample(ids, len(ids) // 3)).delete()
    assert_exact()
    assert sum(stored().values()) == sum(Counter(from_scratch()).values())
