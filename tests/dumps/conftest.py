"""A site with something of every kind and relation, a dump of it, and a way to
empty the database again before loading the dump."""

import gzip
import io
import json

import pytest
from django.core.management import call_command
from reversion.models import Revision, Version

from entries.models import (
    Alias,
    Change,
    Entry,
    EpisodeCredit,
    Picture,
    SearchDocument,
    Series,
    SeriesRelation,
    StreamingPlatform,
    Studio,
    Tag,
)
from tests import factories
from tests.helpers import REAL_DATA, SAMPLE, run_import


@pytest.fixture
def site(db, tmp_path):
    """The demo (with its spoiler marks and featured page), the hand-made bangumi-data
    sample, the first real series when the data set is there, and the rows neither of
    those has: a sequel (a spoiler) and a prequel (one to a series later in the dump,
    one earlier), a parent company later in the dump, a former name, and two roles of
    one person on the demo's episode (which credits characters but no staff)."""
    call_command("loaddemo", stdout=io.StringIO(), stderr=io.StringIO())
    run_import(SAMPLE)
    if REAL_DATA.exists():
        with gzip.open(REAL_DATA, "rt", encoding="utf-8") as file:
            document = json.load(file)
        document["items"] = document["items"][:40]
        path = tmp_path / "bangumi-first-40.json.gz"
        path.write_bytes(gzip.compress(json.dumps(document).encode()))
        run_import(path)
    rouge = Series.objects.get(slug="metallic-rouge")
    first, last = Series.objects.order_by("slug")[0], Series.objects.order_by("-slug")[0]
    SeriesRelation.objects.create(
        source=rouge, target=last, type=SeriesRelation.Type.SEQUEL, revealed_in=12
    )
    SeriesRelation.objects.create(source=rouge, target=first, type=SeriesRelation.Type.PREQUEL)
    bones, sunrise = Studio.objects.get(slug="bones"), Studio.objects.get(slug="sunrise")
    bones.parent = sunrise
    bones.save()
    Alias.objects.create(entry=rouge, name="Metaru Rūju", language="ja-Latn", is_former=True)
    episode, person = rouge.episodes.get(number=1), factories.make_staff(title="Test Animator")
    factories.episode_credit(episode, person, EpisodeCredit.Role.KEY_ANIMATION, note="Part B")
    factories.episode_credit(episode, person, EpisodeCredit.Role.ANIMATION_DIRECTOR)
    return rouge


@pytest.fixture
def small_site(db):
    """The bangumi-data sample, and a studio with a role on Metallic Rouge: enough for
    the tests of bad lines, quicker to build than ``site``."""
    run_import(SAMPLE)
    rouge = Series.objects.get(slug="metallic-rouge")
    factories.studio_role(rouge, factories.make_studio(title="Bones", slug="bones"))
    rouge.tags.add("mecha")
    return rouge


@pytest.fixture
def small_dump(small_site, tmp_path):
    path = tmp_path / "small.jsonl.gz"
    call_command("export_dump", str(path), stdout=io.StringIO())
    return path


@pytest.fixture
def dump(site, tmp_path):
    path = tmp_path / "first.jsonl.gz"
    call_command("export_dump", str(path), stdout=io.StringIO())
    return path


def empty_database() -> None:
    """Delete everything a dump holds, and the history, as a new database would be."""
    Version.objects.all().delete()
    Change.objects.all().delete()
    Revision.objects.all().delete()
    Entry.objects.all().delete()
    for model in (Picture, Tag, StreamingPlatform):
        model.objects.all().delete()
    assert not SearchDocument.objects.exists()


def lines(path) -> list[dict]:
    with gzip.open(path, "rb") as stream:
        return [json.loads(line) for line in stream]


def write_lines(path, rows: list) -> None:
    """A dump of ``rows`` (dicts, or raw bytes for a line that is not JSON)."""
    body = b"".join(
        row if isinstance(row, bytes) else json.dumps(row, ensure_ascii=False).encode() + b"\n"
        for row in rows
    )
    path.write_bytes(gzip.compress(body))
