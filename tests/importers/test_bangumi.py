"""``manage.py import_bangumi``: what an import creates, and that a second run
changes nothing but what changed; the About page, the real data set, search.

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

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse
from reversion.models import Revision

from entries.importers.bangumi import Reason, read_file
from entries.models import (
    Alias,
    Entry,
    SearchDocument,
    Series,
)
from entries.search import search
from tests import factories
from tests.helpers import (
    REAL_DATA,
    SAMPLE,
    SAMPLE_GZ,
    SAMPLE_ITEMS,
    rouge,
    run_import,
    sample_document,
    snapshot,
    write_json,
)

pytestmark = pytest.mark.django_db


# --- What an import creates ------------------------------------------------------------


def test_first_import_creates_every_series_and_says_so():
    output = run_import(SAMPLE)

    assert f"created {SAMPLE_ITEMS}, updated 0, unchanged 0, skipped 0" in output
    assert Series.objects.count() == SAMPLE_ITEMS
    assert "Took " in output and " s (reading " in output


def test_metallic_rouge_gets_its_names_dates_ids_and_streaming():
    run_import(SAMPLE)
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
    run_import(SAMPLE)
    response = client.get(rouge().get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "METALLIC ROUGE" in content
    assert "https://myanimelist.net/anime/54794" in content
    assert "https://www.crunchyroll.com/series/G24H1NWMJ/" in content


def test_formats_japanese_titles_and_status_follow_the_items():
    run_import(SAMPLE)

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
    output = run_import(SAMPLE, "-v", "2")

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
    run_import(SAMPLE)

    assert rouge().slug == "metallic-rouge-2"


@pytest.mark.parametrize("fixture", [SAMPLE, SAMPLE_GZ], ids=["plain", "gzip"])
def test_plain_and_gzip_files_import_the_same(fixture):
    assert "created 6" in run_import(fixture)
    assert rouge().start_date == datetime.date(2024, 1, 11)


def test_gzip_is_recognised_by_its_content_not_its_name(tmp_path):
    disguised = tmp_path / "data.json"
    shutil.copy(SAMPLE_GZ, disguised)
    plain_named_gz = tmp_path / "data.json.gz"
    shutil.copy(SAMPLE, plain_named_gz)

    assert "created 6" in run_import(disguised)
    assert "unchanged 6" in run_import(plain_named_gz)


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
    run_import(SAMPLE)
    before = snapshot()

    output = run_import(SAMPLE)

    assert f"created 0, updated 0, unchanged {SAMPLE_ITEMS}, skipped 0" in output
    assert "Nothing to do" in output
    assert snapshot() == before


def test_a_changed_item_updates_that_series_only(tmp_path):
    run_import(SAMPLE)
    before = {series.pk: (series.version, series.updated_at) for series in Series.objects.all()}
    document = sample_document()
    document["items"][0]["officialSite"] = "https://metallicrouge.example/"
    # The current title is no longer among the English titles: the first one wins.
    document["items"][0]["titleTranslate"]["en"] = ["Metallic Rouge (TV)", "Rouge the series"]

    output = run_import(write_json(tmp_path / "newer.json", document))

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
    run_import(SAMPLE)
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

    output = run_import(SAMPLE)

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

    output = run_import(SAMPLE)

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

    run_import(SAMPLE)

    existing.refresh_from_db()
    assert existing.anidb_id == 11784
    assert Series.objects.filter(native_title="ぼのぼの").count() == 1


def test_the_demo_series_is_updated_not_duplicated():
    call_command("loaddemo", stdout=io.StringIO())
    demo_pk = Series.objects.get(title="Metallic Rouge").pk

    run_import(SAMPLE)

    series = rouge()
    assert series.pk == demo_pk
    assert series.title == "Metallic Rouge"
    assert series.streaming.get(platform__slug="crunchyroll").url.endswith("/G24H1NWMJ/")
    assert Series.objects.filter(native_title="メタリックルージュ").count() == 1


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

    first = run_import(path)
    second = run_import(path)

    created = Series.objects.count()
    assert created >= 290
    assert f"created {created}, updated 0" in first
    assert f"created 0, updated 0, unchanged {created}" in second
    assert Revision.objects.get().comment == "Imported from bangumi-data 0.3.222"
    slugs = list(Series.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs) and all(slug.isascii() for slug in slugs)


# --- Search ----------------------------------------------------------------------------


def test_imported_series_are_found_by_search():
    run_import(SAMPLE)

    assert SearchDocument.objects.filter(kind=Entry.Kind.SERIES).count() == SAMPLE_ITEMS
    # By an alias that came with the import, and by a fragment of the native title.
    assert [result.entry.pk for result in search("金属胭脂").results] == [rouge().pk]
    assert rouge().pk in [result.entry.pk for result in search("ルージュ").results]


def test_updated_series_are_indexed_again(tmp_path):
    run_import(SAMPLE)
    document = sample_document()
    document["items"][0]["titleTranslate"]["zh-Hant"].append("金屬胭脂紅")

    run_import(write_json(tmp_path / "newer.json", document))

    assert "金屬胭脂紅" in SearchDocument.objects.get(entry=rouge()).names
