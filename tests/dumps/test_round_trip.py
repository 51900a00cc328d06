"""``export_dump`` then ``import_dump``: the same encyclopedia, the same file, searchable,
with the import in the history; and a second import changes nothing."""

import gzip
import io

import pytest
from django.core.management import call_command
from reversion.models import Revision, Version

from entries.dumps import SCHEMA_VERSION
from entries.dumps.format import LEFT_OUT, LINE_TYPES
from entries.models import (
    Change,
    Entry,
    GalleryImage,
    SeriesRelation,
    Studio,
    WikiLink,
)
from entries.search import search
from tests.helpers import REAL_DATA

from .conftest import empty_database, lines

pytestmark = pytest.mark.django_db


def load(path) -> str:
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out)
    return out.getvalue()


def test_export_import_export_gives_the_very_same_file(site, dump, tmp_path):
    empty_database()

    load(dump)
    again = tmp_path / "again.jsonl.gz"
    call_command("export_dump", str(again), stdout=io.StringIO())

    with gzip.open(dump) as first, gzip.open(again) as second:
        assert first.read() == second.read()
    # No file name or time in the gzip header either: the files are the same bytes.
    assert dump.read_bytes() == again.read_bytes()


def test_the_dump_holds_every_kind_and_relation(site, dump):
    written = lines(dump)
    types = {line["type"] for line in written}
    rouge = next(line for line in written if line.get("slug") == "metallic-rouge")
    bones = next(line for line in written if line["type"] == "studio" and line["slug"] == "bones")

    assert types == {"header", *(line_type.name for line_type in LINE_TYPES)}
    assert {"studio": "bones", "role": "animation"} in rouge["studios"]
    assert {relation["type"] for relation in rouge["relations"]} == {"sequel", "prequel"}
    assert rouge["streaming"] and rouge["gallery"] and rouge["tags"] and rouge["aliases"]
    assert rouge["gallery"][0]["credit"]  # picture credits
    assert (bones["predecessor"], bones["parent"]) == ("sunrise", "sunrise")
    assert "[[" in next(line for line in written if line.get("body", "").count("[[")).get("body")
    episode = next(line for line in written if line["type"] == "episode")
    assert {"character": "naomi-orthmann", "note": "", "revealed_in": 1} in episode["characters"]
    assert {"staff": "test-animator", "role": "key_animation", "note": "Part B"} in episode["staff"]
    for kind, key in [("staff", "credits"), ("staff", "positions"), ("character", "voices")]:
        assert any(line[key] for line in written if line["type"] == kind), (kind, key)
    if REAL_DATA.exists():
        assert sum(line["type"] == "series" for line in written) > 40


def test_the_first_line_names_the_schema_and_the_bangumi_data_licence_and_no_time(small_dump):
    header = lines(small_dump)[0]

    assert header["type"] == "header" and header["schema"] == SCHEMA_VERSION
    assert "bangumi-data" in header["attribution"] and "CC BY 4.0" in header["attribution"]
    assert header["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert not {"created", "generated", "date", "time"} & header.keys()


def test_imported_entries_are_whole_searchable_and_in_the_history(site, dump):
    entries_before = Entry.objects.count()
    empty_database()

    output = load(dump)

    assert Entry.objects.count() == entries_before
    assert f"created {len(lines(dump)) - 1} (" in output
    bones = Studio.objects.get(slug="bones")
    # Forward references within a kind, set once the whole file was read.
    assert bones.predecessor.slug == bones.parent.slug == "sunrise"
    assert SeriesRelation.objects.filter(source__slug="metallic-rouge").count() == 2
    assert GalleryImage.objects.filter(entry__slug="metallic-rouge").exists()
    # Bodies are rendered and their wiki links recorded, as on an editor's save.
    assert WikiLink.objects.exists()
    rouge = Entry.objects.get(kind="series", slug="metallic-rouge")
    assert "<strong>" in rouge.body_html
    assert [hit.entry.pk for hit in search("metallic rouge").results][:1] == [rouge.pk]
    revision = Revision.objects.get()
    assert revision.comment == "Imported from a Fandex dump"
    changes = Change.objects.filter(revision=revision)
    assert changes.count() == entries_before
    assert set(changes.values_list("action", flat=True)) == {Change.Action.CREATE}
    assert Version.objects.filter(revision=revision, object_id=str(rouge.pk)).exists()


def test_a_second_import_changes_nothing(site, dump):
    empty_database()
    load(dump)
    before = _everything()

    output = load(dump)

    assert "created 0, unchanged" in output and "Nothing to do" in output
    assert _everything() == before


def test_every_field_of_every_model_is_in_the_dump_or_left_out_on_purpose():
    """A field added to a model must be added to the dump's format (or to LEFT_OUT)."""
    for line_type in LINE_TYPES:
        carried = {*line_type.fields, *(ref.field for _name, ref in line_type.refs)}
        models = [line_type.model, *([Entry] if line_type.is_entry else [])]
        for model in models:
            own = {field.name for field in model._meta.local_concrete_fields}
            assert own - carried - LEFT_OUT.get(model, set()) == set(), model
        for rows in line_type.rows:
            carried = {*rows.fields, *(ref.field for _name, ref in rows.refs)}
            own = {field.name for field in rows.model._meta.local_concrete_fields}
            assert own - carried - LEFT_OUT[rows.model] == set(), rows.model


def _everything() -> dict:
    from entries.models import Alias, Picture, SearchDocument, Tag, TaggedEntry

    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Entry, Alias, Picture, Tag, TaggedEntry, SearchDocument, Revision, Version)
    }


def test_an_episodes_characters_and_staff_come_back(site, dump):
    from entries.models import EpisodeAppearance, EpisodeCredit

    def credits():
        return (
            sorted(
                EpisodeAppearance.objects.values_list(
                    "episode__slug", "character__slug", "note", "revealed_in"
                ),
                key=repr,
            ),
            sorted(
                EpisodeCredit.objects.values_list("episode__slug", "staff__slug", "role", "note")
            ),
        )

    before = credits()
    assert len(before[0]) == 3 and len(before[1]) == 2
    empty_database()

    load(dump)

    assert credits() == before


def test_spoiler_marks_and_featured_pages_come_back(site, dump):
    from entries.models import Appearance, TaggedEntry

    def marks():
        return {
            "tags": sorted(
                TaggedEntry.objects.filter(revealed_in__isnull=False).values_list(
                    "content_object__slug", "tag__name", "revealed_in"
                )
            ),
            "appearances": sorted(
                Appearance.objects.filter(revealed_in__isnull=False).values_list(
                    "character__slug", "revealed_in"
                )
            ),
            "relations": sorted(
                SeriesRelation.objects.filter(revealed_in__isnull=False).values_list(
                    "target__slug", "revealed_in"
                )
            ),
            "featured": sorted(
                Entry.objects.filter(featured__isnull=False).values_list("slug", "featured")
            ),
            "passages": sorted(
                Entry.objects.filter(body__contains=":::spoiler").values_list("slug", flat=True)
            ),
        }

    before = marks()
    assert before["tags"] and before["relations"] and before["featured"] and before["passages"]
    rouge = next(line for line in lines(dump) if line.get("slug") == "metallic-rouge")
    assert rouge["featured"] == 1
    empty_database()

    load(dump)

    assert marks() == before
