"""``manage.py import_bangumi``: series from bangumi-data, idempotent, with clear errors.

The fixtures in ``tests/data/`` are small hand-made bangumi-data files:
``bangumi-sample.json`` (and the same document gzip-compressed) holds valid
items of every format, ``bangumi-bad-records.json`` one valid item among broken
ones. One test reads the first items of the real data set when it is there.
"""

import datetime
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
import reversion
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from reversion.models import Revision, Version

from entries.importers import bangumi
from entries.importers.bangumi import Reason, import_bangumi, read_file
from entries.management.commands.import_bangumi import ProgressBar
from entries.models import (
    Alias,
    Change,
    Entry,
    SearchDocument,
    Series,
    Streaming,
    StreamingPlatform,
)
from entries.search import search
from entries.services import note, recorded

from . import factories

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "bangumi-sample.json"
SAMPLE_GZ = DATA / "bangumi-sample.json.gz"
BAD_RECORDS = DATA / "bangumi-bad-records.json"
# ../shared/data next to the repository, where the real data set lives.
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bangumi-data-0.3.222.json.gz"
TODAY = "2025-01-01"
SAMPLE_ITEMS = 6


def run(path, *args: str) -> str:
    """Run the command with a fixed "today"; its stdout."""
    out = io.StringIO()
    call_command(
        "import_bangumi", str(path), "--today", TODAY, *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def write_json(path: Path, document) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def sample_document() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def snapshot() -> dict:
    """Everything an import may write, to show that nothing changed."""
    return {
        "entries": list(Entry.objects.order_by("pk").values()),
        "series": list(Series.objects.order_by("pk").values()),
        "aliases": list(Alias.objects.order_by("pk").values()),
        "streaming": list(Streaming.objects.order_by("pk").values()),
        "platforms": list(StreamingPlatform.objects.order_by("pk").values()),
        "revisions": Revision.objects.count(),
        "versions": Version.objects.count(),
        "changes": Change.objects.count(),
    }


def rouge() -> Series:
    return Series.objects.get(mal_id=54794)


# --- What an import creates ------------------------------------------------------------


def test_first_import_creates_every_series_and_says_so():
    output = run(SAMPLE)

    assert f"created {SAMPLE_ITEMS}, updated 0, unchanged 0, skipped 0" in output
    assert Series.objects.count() == SAMPLE_ITEMS
    assert "Took " in output and " s (reading " in output


def test_metallic_rouge_gets_its_names_dates_ids_and_streaming():
    run(SAMPLE)
    series = rouge()

    assert series.title == "METALLIC ROUGE"
    assert series.native_title == "メタリックルージュ"
    assert series.slug == "metallic-rouge"
    assert series.format == Series.Format.TV
    # 2024-01-10T16:25Z is 01:25 on 11 January in Japan.
    assert series.start_date == datetime.date(2024, 1, 11)
    assert series.end_date == datetime.date(2024, 4, 4)
    assert (series.year, series.season) == (2024, Series.Season.WINTER)
    assert series.status == Series.Status.FINISHED
    assert series.official_site == "https://metallicrouge.jp/"
    assert (series.mal_id, series.anidb_id, series.anilist_id) == (54794, 17926, 162985)
    # "Metallic Rouge" only differs from the title in case: not an alias of its own.
    assert set(series.aliases.values_list("name", "language")) == {
        ("金属胭脂", "zh-Hans"),
        ("金属口红", "zh-Hans"),
        ("金屬口紅", "zh-Hant"),
    }
    # Only "onair" sites are streaming: not bangumi (info) nor mikan (resource).
    assert {
        (listing.platform.name, listing.url)
        for listing in series.streaming.select_related("platform")
    } == {
        ("Crunchyroll", "https://www.crunchyroll.com/series/G24H1NWMJ/"),
        ("哔哩哔哩（港澳台）", "https://www.bilibili.com/bangumi/media/md21176429/"),
    }
    assert Alias.objects.filter(entry=series).exclude(name_key="").count() == 3


def test_imported_series_page_shows_the_imported_facts(client):
    run(SAMPLE)
    response = client.get(rouge().get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "METALLIC ROUGE" in content
    assert "https://myanimelist.net/anime/54794" in content
    assert "https://www.crunchyroll.com/series/G24H1NWMJ/" in content


def test_formats_japanese_titles_and_status_follow_the_items():
    run(SAMPLE)

    movie = Series.objects.get(native_title="くもとちゅうりっぷ")
    assert movie.title == "くもとちゅうりっぷ"  # no English title: the native one
    assert movie.format == Series.Format.MOVIE
    assert movie.slug.isascii() and movie.slug  # romanised
    assert movie.start_date == datetime.date(1943, 4, 15)  # 15:00 UTC is midnight in Tokyo
    assert list(movie.aliases.values_list("name", "language")) == [("蜘蛛与郁金香", "zh-Hans")]

    ongoing = Series.objects.get(native_title="ぼのぼの")
    assert ongoing.slug == "bonobono"
    assert ongoing.status == Series.Status.AIRING
    assert ongoing.end_date is None
    # A streaming site given by its own URL, without an id.
    assert ongoing.streaming.get().url == "https://www.iqiyi.com/a_bonobono.html"

    web = Series.objects.get(title="Teasing Master Takagi-san (web)")
    assert web.format == Series.Format.ONA
    assert web.status == Series.Status.ANNOUNCED
    assert (web.year, web.season) == (2030, Series.Season.SUMMER)
    assert web.mal_id is None  # "abc" is not a MyAnimeList id
    assert ("高木さん ウェブ版", "ja") in set(web.aliases.values_list("name", "language"))

    ova = Series.objects.get(title="Patlabor: The Early Days")
    assert ova.format == Series.Format.OVA


def test_status_depends_on_today():
    out = io.StringIO()
    call_command("import_bangumi", str(SAMPLE), "--today", "2024-02-01", stdout=out)
    assert rouge().status == Series.Status.AIRING

    call_command("import_bangumi", str(SAMPLE), "--today", "2023-12-01", stdout=out)
    assert rouge().status == Series.Status.ANNOUNCED


def test_an_id_two_items_share_stays_with_the_first_and_is_reported():
    output = run(SAMPLE, "-v", "2")

    early_days = Series.objects.get(title="Patlabor: The Early Days")
    movie = Series.objects.get(title="Patlabor 2: The Movie")
    assert (early_days.mal_id, early_days.anidb_id, early_days.anilist_id) == (1096, 395, 1096)
    assert (movie.mal_id, movie.anidb_id, movie.anilist_id) == (None, None, None)
    assert f"{Reason.SHARED_ID}: 3" in output
    assert "item 6 (機動警察パトレイバー 2 the Movie)" in output
    assert f"{Reason.BAD_ID}: 1" in output
    assert "MyAnimeList id 'abc'" in output


def test_slugs_stay_unique_next_to_existing_series():
    factories.make_series(title="Metallic Rouge Fan Page", slug="metallic-rouge")
    run(SAMPLE)

    assert rouge().slug == "metallic-rouge-2"


@pytest.mark.parametrize("fixture", [SAMPLE, SAMPLE_GZ], ids=["plain", "gzip"])
def test_plain_and_gzip_files_import_the_same(fixture):
    assert "created 6" in run(fixture)
    assert rouge().start_date == datetime.date(2024, 1, 11)


def test_gzip_is_recognised_by_its_content_not_its_name(tmp_path):
    disguised = tmp_path / "data.json"
    shutil.copy(SAMPLE_GZ, disguised)
    plain_named_gz = tmp_path / "data.json.gz"
    shutil.copy(SAMPLE, plain_named_gz)

    assert "created 6" in run(disguised)
    assert "unchanged 6" in run(plain_named_gz)


def test_gzip_fixture_holds_the_plain_fixture():
    assert gzip.decompress(SAMPLE_GZ.read_bytes()) == SAMPLE.read_bytes()


def test_release_is_named_from_the_file_or_the_npm_package(tmp_path):
    assert read_file(SAMPLE).label == "bangumi-sample.json"
    named = tmp_path / "bangumi-data-0.3.999.json"
    shutil.copy(SAMPLE, named)
    assert read_file(named).comment == "Imported from bangumi-data 0.3.999"
    # npm pack bangumi-data; tar xzf ... package/dist/data.json
    (tmp_path / "package" / "dist").mkdir(parents=True)
    (tmp_path / "package" / "package.json").write_text(
        '{"name": "bangumi-data", "version": "0.3.223"}'
    )
    shutil.copy(SAMPLE, tmp_path / "package" / "dist" / "data.json")
    assert read_file(tmp_path / "package" / "dist" / "data.json").label == "0.3.223"


# --- Running it again ------------------------------------------------------------------


def test_second_import_changes_nothing_and_says_so():
    run(SAMPLE)
    before = snapshot()

    output = run(SAMPLE)

    assert f"created 0, updated 0, unchanged {SAMPLE_ITEMS}, skipped 0" in output
    assert "Nothing to do" in output
    assert snapshot() == before


def test_a_changed_item_updates_that_series_only(tmp_path):
    run(SAMPLE)
    before = {series.pk: (series.version, series.updated_at) for series in Series.objects.all()}
    document = sample_document()
    document["items"][0]["officialSite"] = "https://metallicrouge.example/"
    # The current title is no longer among the English titles: the first one wins.
    document["items"][0]["titleTranslate"]["en"] = ["Metallic Rouge (TV)", "Rouge the series"]

    output = run(write_json(tmp_path / "newer.json", document))

    assert f"created 0, updated 1, unchanged {SAMPLE_ITEMS - 1}" in output
    series = rouge()
    assert series.official_site == "https://metallicrouge.example/"
    assert (series.title, series.title_key) == ("Metallic Rouge (TV)", "metallic rouge (tv)")
    assert series.slug == "metallic-rouge"  # addresses do not move
    assert series.aliases.filter(name="Rouge the series", language="en").exists()
    assert series.version == before[series.pk][0] + 1
    assert series.updated_at > before[series.pk][1]
    unchanged = {
        series.pk: (series.version, series.updated_at)
        for series in Series.objects.exclude(pk=series.pk)
    }
    assert unchanged == {pk: state for pk, state in before.items() if pk != series.pk}


def test_editors_values_survive_where_the_source_says_nothing(tmp_path):
    run(SAMPLE)
    series = Series.objects.get(native_title="ぼのぼの")  # no end date, no English title
    series.title = "Bonobono (2016)"
    series.end_date = datetime.date(2022, 3, 25)
    series.episode_count = 300
    series.summary = "A sea otter and his friends."
    series.body = "Made by [[Eiken]]."
    series.save()
    Alias.objects.create(entry=series, name="Bonobono", language="ja-Latn")
    other = rouge()
    other.title = "Metallic Rouge"  # only the letter case differs from the source
    other.status = Series.Status.CANCELLED
    other.save()

    output = run(SAMPLE)

    series.refresh_from_db()
    # The item has no English title: the editor's stays, as does what it leaves empty.
    assert series.title == "Bonobono (2016)"
    assert series.end_date == datetime.date(2022, 3, 25)
    assert series.status == Series.Status.FINISHED  # ended, by the editor's end date
    assert (series.episode_count, series.summary) == (300, "A sea otter and his friends.")
    assert "Eiken" in series.body_html
    assert series.aliases.filter(name="Bonobono").exists()
    other.refresh_from_db()
    assert (other.title, other.status) == ("Metallic Rouge", Series.Status.CANCELLED)
    assert "updated 1, unchanged 5" in output


def test_existing_series_is_found_by_external_id_and_filled_in():
    existing = factories.make_series(
        title="Metallic Rouge", anidb_id=17926, summary="Written by an editor."
    )
    factories.alias(existing, "金属胭脂", "zh-Hans")

    output = run(SAMPLE)

    assert "created 5, updated 1" in output
    existing.refresh_from_db()
    assert existing.mal_id == 54794  # filled in from the source
    assert existing.summary == "Written by an editor."
    assert existing.aliases.filter(name="金属胭脂").count() == 1
    assert Series.objects.filter(native_title="メタリックルージュ").count() == 1


def test_series_without_ids_is_found_by_native_title_and_start_date():
    existing = factories.make_series(
        title="Bonobono", native_title="ぼのぼの", start_date=datetime.date(2016, 4, 2)
    )

    run(SAMPLE)

    existing.refresh_from_db()
    assert existing.anidb_id == 11784
    assert Series.objects.filter(native_title="ぼのぼの").count() == 1


def test_the_demo_series_is_updated_not_duplicated():
    call_command("loaddemo", stdout=io.StringIO())
    demo_pk = Series.objects.get(title="Metallic Rouge").pk

    run(SAMPLE)

    series = rouge()
    assert series.pk == demo_pk
    assert series.title == "Metallic Rouge"
    assert series.streaming.get(platform__slug="crunchyroll").url.endswith("/G24H1NWMJ/")
    assert Series.objects.filter(native_title="メタリックルージュ").count() == 1


# --- Bad items -------------------------------------------------------------------------


def test_bad_items_are_skipped_with_reasons_and_the_rest_imported():
    output = run(BAD_RECORDS)

    assert "created 1, updated 0, unchanged 0, skipped 6" in output
    assert Series.objects.get().title == "Soul Eater"
    for reason in [
        Reason.NO_TITLE,
        Reason.BAD_DATE,
        Reason.ENDS_BEFORE_START,
        Reason.UNKNOWN_TYPE,
        Reason.NOT_AN_OBJECT,
        Reason.DUPLICATE,
    ]:
        assert f"  {reason}: 1" in output
    assert "item 3 (日付のない日)" not in output  # listed only with -v 2


def test_verbose_output_lists_each_skipped_item():
    output = run(BAD_RECORDS, "-v", "2")

    assert "item 2: missing title" in output
    assert "item 3 (日付のない日): bad date: begin 'yesterday' is not an ISO 8601 date" in output
    assert "item 5 (ラジオドラマ): unknown type: type 'radio'" in output
    assert "item 7 (ソウルイーター): same series as an earlier item" in output


def test_strict_import_with_bad_items_writes_nothing():
    factories.make_series(title="Already here")
    before = snapshot()

    with pytest.raises(CommandError, match=r"6 item\(s\) cannot be imported .*nothing was written"):
        run(BAD_RECORDS, "--strict")

    assert snapshot() == before


def test_strict_import_of_a_clean_file_imports():
    assert "created 6" in run(SAMPLE, "--strict")


def test_ids_that_belong_to_two_series_skip_the_item():
    factories.make_series(title="One", mal_id=54794)
    factories.make_series(title="Two", anidb_id=17926)

    output = run(SAMPLE, "-v", "2")

    assert f"{Reason.ID_CONFLICT}: 1" in output
    assert "AniDB id 17926 belongs to series" in output
    assert set(
        Series.objects.filter(title__in=["One", "Two"]).values_list("mal_id", "anidb_id")
    ) == {
        (54794, None),
        (None, 17926),
    }


def test_a_value_a_field_refuses_skips_the_item(tmp_path):
    document = sample_document()
    document["items"][0]["titleTranslate"]["en"] = ["x" * 300]

    output = run(write_json(tmp_path / "long.json", document), "-v", "2")

    assert f"{Reason.INVALID}: 1" in output
    assert "title: Ensure this value has at most 255 characters" in output
    assert not Series.objects.filter(mal_id=54794).exists()


@pytest.mark.parametrize(
    "item, reason",
    [
        ({"title": "", "type": "tv"}, Reason.NO_TITLE),
        ({"title": "X", "type": "tv", "begin": 20240101}, Reason.BAD_DATE),
        ({"title": "X", "type": "tv", "begin": "1800-01-01T00:00:00Z"}, Reason.BAD_DATE),
        ({"title": "X", "type": None}, Reason.UNKNOWN_TYPE),
        ({"title": "X", "type": "tv", "titleTranslate": ["X"]}, Reason.MALFORMED),
        ({"title": "X", "type": "tv", "sites": {"mal": 1}}, Reason.MALFORMED),
    ],
)
def test_malformed_items_say_why(item, reason):
    with pytest.raises(bangumi._Skip) as caught:
        bangumi.parse_item(1, item, site_meta={}, today=datetime.date(2025, 1, 1))
    assert caught.value.reason == reason


def test_odd_values_are_cleaned_or_left_out():
    record = bangumi.parse_item(
        1,
        {
            "title": " タイトル\x00 ",
            "type": "tv",
            "officialSite": "javascript:alert(1)",
            "begin": "2020-01-01",
            "sites": [{"site": "mal", "id": "99999999999"}, {"site": "anidb", "id": 42}],
        },
        site_meta={},
        today=datetime.date(2025, 1, 1),
    )
    assert record.values["native_title"] == "タイトル"
    assert record.values["official_site"] == ""
    assert record.values["start_date"] == datetime.date(2020, 1, 1)
    assert record.ids == {"anidb_id": 42}
    assert {note.reason for note in record.notes} == {Reason.BAD_OFFICIAL_SITE, Reason.BAD_ID}


# --- Bad files -------------------------------------------------------------------------


def _truncated_gzip(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.json.gz"
    path.write_bytes(SAMPLE_GZ.read_bytes()[:400])
    return path


@pytest.mark.parametrize(
    "make_path, message",
    [
        (lambda tmp: tmp / "missing.json", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: write_bytes(tmp / "empty.json", b""), "is empty"),
        (lambda tmp: write_bytes(tmp / "blank.json", b"  \n"), "is empty"),
        (lambda tmp: write_bytes(tmp / "page.json", b"<html>Not found</html>"), "is not JSON"),
        (lambda tmp: write_bytes(tmp / "cut.json", SAMPLE.read_bytes()[:500]), "is not JSON"),
        (lambda tmp: write_bytes(tmp / "latin1.json", b'{"items": ["\xe9"]}'), "UTF-8"),
        (_truncated_gzip, "damaged or truncated gzip"),
        (lambda tmp: write_bytes(tmp / "fake.gz", b"\x1f\x8bnot really"), "damaged or truncated"),
        (lambda tmp: write_bytes(tmp / "list.json", b"[1, 2]"), "found a list"),
        (lambda tmp: write_bytes(tmp / "noitems.json", b'{"siteMeta": {}}'), 'no "items"'),
        (lambda tmp: write_bytes(tmp / "five.json", b'{"items": 5}'), '"items" must be a list'),
        (
            lambda tmp: write_bytes(tmp / "meta.json", b'{"items": [], "siteMeta": []}'),
            '"siteMeta" must be an object',
        ),
    ],
    ids=[
        "missing",
        "directory",
        "empty",
        "blank",
        "html",
        "cut-json",
        "not-utf8",
        "truncated-gzip",
        "fake-gzip",
        "top-level-list",
        "no-items",
        "items-not-a-list",
        "sitemeta-not-an-object",
    ],
)
def test_a_file_that_is_not_bangumi_data_is_an_error_and_writes_nothing(
    tmp_path, make_path, message
):
    factories.make_series(title="Already here")
    before = snapshot()

    with pytest.raises(CommandError, match=message) as caught:
        run(make_path(tmp_path))

    assert "Nothing was imported" in str(caught.value)
    assert snapshot() == before


def write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_an_empty_item_list_imports_nothing(tmp_path):
    output = run(write_json(tmp_path / "none.json", {"siteMeta": {}, "items": []}))

    assert "created 0, updated 0, unchanged 0, skipped 0" in output
    assert Revision.objects.count() == 0


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Streaming.objects, "bulk_create", broken)
    with pytest.raises(CommandError, match="disk full.*nothing was imported"):
        run(SAMPLE)

    assert not Entry.objects.exists()
    assert not StreamingPlatform.objects.exists()
    assert not Revision.objects.exists()


def test_today_must_be_a_date():
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("import_bangumi", str(SAMPLE), "--today", "tomorrow")


# --- History ---------------------------------------------------------------------------


def test_the_import_is_one_revision_with_a_change_per_series():
    run(SAMPLE)

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
    run(SAMPLE)
    document = sample_document()
    document["items"][0]["officialSite"] = "https://metallicrouge.example/"

    run(write_json(tmp_path / "newer.json", document))

    latest = Revision.objects.order_by("-pk").first()
    assert Change.objects.filter(revision=latest).get().action == Change.Action.CHANGE
    versions = Version.objects.get_for_object(rouge())
    assert versions.first().field_dict["official_site"] == "https://metallicrouge.example/"
    versions.last().revert()  # the first import's state comes back
    assert rouge().official_site == "https://metallicrouge.jp/"


def test_no_history_option_records_nothing():
    run(SAMPLE, "--no-history")

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
    run(SAMPLE)
    imported = Revision.objects.get(comment__startswith="Imported from")

    with recorded(summary="The same pages, recorded by django-reversion"):
        for change in imported.changes.all():
            note(change.entry, Change.Action.CHANGE)
    by_reversion = Revision.objects.get(comment__startswith="The same pages")

    assert _versions(imported) == _versions(by_reversion)
    assert reversion.is_registered(Series)


# --- Output ----------------------------------------------------------------------------


def test_progress_goes_to_stderr_a_line_every_ten_percent_when_not_a_terminal(tmp_path):
    document = sample_document()
    item = document["items"][2]
    document["items"] = [
        {**item, "title": f"テスト {number}", "sites": []} for number in range(1, 1001)
    ]
    err = io.StringIO()

    call_command(
        "import_bangumi",
        str(write_json(tmp_path / "many.json", document)),
        "--today",
        TODAY,
        stdout=io.StringIO(),
        stderr=err,
    )

    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue()
    assert "Writing: 100% (1000/1000)" in lines
    for stage in ["Reading items", "Matching", "Writing", "History"]:
        assert 1 <= sum(line.startswith(f"{stage}:") for line in lines) <= 11


def test_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = ProgressBar(stream, width=10)
    for done in range(0, 101, 25):
        bar("Writing", done, 100)

    assert stream.getvalue().count("\r") == 5
    assert "[##########] 100% 100/100\n" in stream.getvalue()


def test_quiet_import_prints_nothing():
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bangumi", str(SAMPLE), "-v", "0", stdout=out, stderr=err)

    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert Series.objects.count() == SAMPLE_ITEMS


def _items(count: int, *, first: int = 1) -> dict:
    return {
        "siteMeta": {
            "netflix": {
                "title": "Netflix",
                "urlTemplate": "https://www.netflix.com/title/{{id}}",
                "type": "onair",
            }
        },
        "items": [
            {
                "title": f"作品 {number}",
                "titleTranslate": {"en": [f"Work {number}"], "zh-Hans": [f"作品{number}"]},
                "type": "tv",
                "begin": "2020-01-01T00:00:00Z",
                "end": "2020-03-01T00:00:00Z",
                "sites": [
                    {"site": "mal", "id": str(number)},
                    {"site": "netflix", "id": str(number)},
                ],
            }
            for number in range(first, first + count)
        ],
    }


def test_queries_do_not_grow_with_the_number_of_items():
    run(SAMPLE)  # content types and platforms in place
    small, large = _items(5), _items(30, first=100)
    data = bangumi.parse_document(small, label="small")
    with CaptureQueriesContext(connection) as creating_few:
        import_bangumi(data, today=datetime.date(2025, 1, 1))
    with CaptureQueriesContext(connection) as unchanged_few:
        import_bangumi(data, today=datetime.date(2025, 1, 1))

    data = bangumi.parse_document(large, label="large")
    with CaptureQueriesContext(connection) as creating_many:
        import_bangumi(data, today=datetime.date(2025, 1, 1))
    with CaptureQueriesContext(connection) as unchanged_many:
        import_bangumi(data, today=datetime.date(2025, 1, 1))

    assert len(creating_many) == len(creating_few)
    assert len(unchanged_many) == len(unchanged_few)


# --- The About page --------------------------------------------------------------------


def test_about_the_data_page_credits_bangumi_data(client):
    url = reverse("entries:about-data")
    assert url == "/about/data/"
    assert resolve(url).url_name == "about-data"

    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="https://github.com/bangumi-data/bangumi-data"' in content
    assert "CC BY 4.0" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content


def test_every_page_links_to_the_about_page_from_the_footer(client):
    response = client.get(reverse("entries:home"))

    assert f'href="{reverse("entries:about-data")}"' in response.content.decode()


# --- The real data set -----------------------------------------------------------------


@pytest.mark.skipif(not REAL_DATA.exists(), reason="../shared/data is not there")
def test_first_items_of_the_real_data_set_import_and_reimport(tmp_path):
    with gzip.open(REAL_DATA, "rt", encoding="utf-8") as file:
        document = json.load(file)
    document["items"] = document["items"][:300]
    path = tmp_path / "bangumi-data-0.3.222.json.gz"
    path.write_bytes(gzip.compress(json.dumps(document).encode()))

    first = run(path)
    second = run(path)

    created = Series.objects.count()
    assert created >= 290
    assert f"created {created}, updated 0" in first
    assert f"created 0, updated 0, unchanged {created}" in second
    assert Revision.objects.get().comment == "Imported from bangumi-data 0.3.222"
    slugs = list(Series.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs) and all(slug.isascii() for slug in slugs)


# --- Search ----------------------------------------------------------------------------


def test_imported_series_are_found_by_search():
    run(SAMPLE)

    assert SearchDocument.objects.filter(kind=Entry.Kind.SERIES).count() == SAMPLE_ITEMS
    # By an alias that came with the import, and by a fragment of the native title.
    assert [result.entry.pk for result in search("金属胭脂").results] == [rouge().pk]
    assert rouge().pk in [result.entry.pk for result in search("ルージュ").results]


def test_updated_series_are_indexed_again(tmp_path):
    run(SAMPLE)
    document = sample_document()
    document["items"][0]["titleTranslate"]["zh-Hant"].append("金屬胭脂紅")

    run(write_json(tmp_path / "newer.json", document))

    assert "金屬胭脂紅" in SearchDocument.objects.get(entry=rouge()).names
