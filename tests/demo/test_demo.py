"""``manage.py loaddemo``: the demo content a reader sees, and that a rerun changes nothing."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from PIL import Image
from reversion.models import Version

from entries.demo import CARD_STYLES, DEMO_CREDIT, SECTIONS, read_data
from entries.models import (
    Alias,
    Appearance,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    GalleryImage,
    Picture,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    Studio,
    StudioMember,
    Tag,
    TaggedEntry,
    VoiceCredit,
)

pytestmark = pytest.mark.django_db

# Every table the demo writes to, besides the tags.
DEMO_MODELS = [
    Entry,
    Series,
    Studio,
    Staff,
    Character,
    Episode,
    Alias,
    SeriesStudio,
    SeriesRelation,
    StaffCredit,
    Appearance,
    VoiceCredit,
    StudioMember,
    EpisodeAppearance,
    StreamingPlatform,
    Streaming,
    Picture,
    GalleryImage,
]


def loaddemo(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return loaddemo()


def metallic_rouge() -> Series:
    return Series.objects.get(title="Metallic Rouge")


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def tagged_kinds(tag_name: str) -> set[str]:
    """The kinds of entry carrying a tag."""
    return set(Entry.objects.filter(tags__name=tag_name).values_list("kind", flat=True))


def test_first_run_creates_everything_and_says_so(demo):
    distinct_rows = sum(
        model.objects.count()
        for model in DEMO_MODELS
        if model not in (Series, Studio, Staff, Character, Episode)  # counted as Entry
    )
    assert f"created {distinct_rows}, updated 0, unchanged 0" in demo
    assert Entry.objects.count() >= 23


def test_the_data_file_holds_every_section_and_an_entry_of_every_kind(demo):
    data = read_data()
    sections = dict(SECTIONS)
    assert set(data) == set(sections)
    assert all(data.values())
    kinds = {sections[key].KIND for key in data if issubclass(sections[key], Entry)}
    assert kinds == set(Entry.Kind.values)
    # And the site has them: a series, characters, staff, studios and an episode.
    assert set(Entry.objects.values_list("kind", flat=True)) == set(Entry.Kind.values)


def test_metallic_rouge_is_an_original_tv_anime(demo):
    series = metallic_rouge()
    assert series.source == Series.Origin.ORIGINAL
    assert series.native_title == "メタリックルージュ"
    assert series.format == Series.Format.TV
    assert series.status == Series.Status.FINISHED
    assert (series.season, series.year) == (Series.Season.WINTER, 2024)
    assert series.start_date == datetime.date(2024, 1, 10)
    assert series.end_date == datetime.date(2024, 4, 3)
    assert series.episode_count == 13
    assert "Anime NYC" in series.premiere and "2023" in series.premiere
    assert series.official_site == "https://metallicrouge.jp/"
    assert (series.mal_id, series.anidb_id, series.anilist_id) == (54794, 17926, 162985)
    assert ("MyAnimeList", "https://myanimelist.net/anime/54794") in series.external_links
    assert set(series.streaming.values_list("platform__name", flat=True)) == {"Crunchyroll"}
    assert set(series.aliases.values_list("name", "language")) >= {
        ("METALLIC ROUGE", "en"),
        ("Metarikku Rūju", "ja-Latn"),
    }
    assert series.slug == "metallic-rouge"
    assert series.summary and "\n" not in series.summary


def test_bones_animates_metallic_rouge(demo):
    roles = SeriesStudio.objects.filter(series=metallic_rouge())
    assert [(role.studio.title, role.role) for role in roles] == [
        ("Bones", SeriesStudio.Role.ANIMATION)
    ]


def test_izubuchi_has_three_roles_on_metallic_rouge(demo):
    izubuchi = Staff.objects.get(title="Yutaka Izubuchi")
    assert izubuchi.native_title == "出渕裕"
    roles = set(izubuchi.credits.filter(series=metallic_rouge()).values_list("role", flat=True))
    assert roles == {
        StaffCredit.Role.ORIGINAL_CREATOR,
        StaffCredit.Role.SERIES_COMPOSITION,
        StaffCredit.Role.SUPERVISING_DIRECTOR,
    }


def test_minami_founded_bones_and_is_its_president(demo):
    minami = Staff.objects.get(title="Masahiko Minami")
    assert minami.native_title == "南雅彦"
    positions = set(
        minami.memberships.filter(studio__title="Bones").values_list("position", flat=True)
    )
    assert positions == {StudioMember.Position.FOUNDER, StudioMember.Position.PRESIDENT}
    founders = set(
        StudioMember.objects.filter(
            studio__title="Bones", position=StudioMember.Position.FOUNDER
        ).values_list("person__title", flat=True)
    )
    assert founders == {"Masahiko Minami", "Toshihiro Kawamoto", "Hiroshi Ōsaka"}


def test_bones_grew_out_of_sunrise_and_lists_its_works_by_year(demo):
    bones = Studio.objects.for_page().get(title="Bones")
    assert bones.native_title == "ボンズ"
    assert bones.founded_year == 1998
    assert bones.predecessor.title == "Sunrise"
    assert [(role.series.year, role.series.title) for role in bones.series_roles.all()] == [
        (2001, "Cowboy Bebop: Knockin' on Heaven's Door"),
        (2008, "Soul Eater"),
        (2009, "Fullmetal Alchemist: Brotherhood"),
        (2014, "Space Dandy"),
        (2016, "Bungo Stray Dogs"),
        (2016, "Mob Psycho 100"),
        (2016, "My Hero Academia"),
        (2024, "Metallic Rouge"),
    ]
    assert {role.role for role in bones.series_roles.all()} == {SeriesStudio.Role.ANIMATION}


def test_sunrise_made_gundam_and_cowboy_bebop(demo):
    sunrise = Studio.objects.for_page().get(title="Sunrise")
    assert sunrise.native_title == "サンライズ"
    assert [(role.series.year, role.series.title) for role in sunrise.series_roles.all()] == [
        (1979, "Mobile Suit Gundam"),
        (1998, "Cowboy Bebop"),
    ]
    assert [studio.title for studio in sunrise.successors.all()] == ["Bones"]


def test_three_characters_appear_with_their_roles(demo):
    appearances = Appearance.objects.filter(series=metallic_rouge())
    assert {(a.character.title, a.role) for a in appearances} == {
        ("Rouge Redstar", Appearance.Role.MAIN),
        ("Naomi Orthmann", Appearance.Role.MAIN),
        ("Sarah Fitzgerald", Appearance.Role.SUPPORTING),
    }
    rouge = Character.objects.get(title="Rouge Redstar")
    assert "Rouge" in set(rouge.aliases.values_list("name", flat=True))
    assert "chocolate" in rouge.body
    sarah = Character.objects.get(title="Sarah Fitzgerald")
    assert "Ella Fitzgerald and Sarah Vaughan" in " ".join(sarah.body.split())


def test_leads_have_japanese_voice_actors(demo):
    voices = VoiceCredit.objects.filter(character__appearances__series=metallic_rouge())
    assert {(v.character.title, v.actor.title, v.language) for v in voices} == {
        ("Rouge Redstar", "Yume Miyamoto", "ja"),
        ("Naomi Orthmann", "Tomoyo Kurosawa", "ja"),
        ("Sarah Fitzgerald", "Yu Shimamura", "ja"),
    }


def test_episode_one_exists(demo):
    episode = Episode.objects.get(series=metallic_rouge(), number=1)
    assert episode.air_date == datetime.date(2024, 1, 10)
    assert episode.get_absolute_url() == "/series/metallic-rouge/episodes/1/"
    assert list(metallic_rouge().episodes.values_list("number", flat=True)) == [1]


def test_episode_one_credits_the_characters_its_body_names_and_no_invented_staff(demo):
    episode = Episode.objects.get(series=metallic_rouge(), number=1)
    cast = {row.character.title: row.revealed_in for row in episode.cast.all()}
    # Naomi is named only inside the body's ":::spoiler 1" passage: her part is marked 1.
    assert cast == {"Rouge Redstar": None, "Sarah Fitzgerald": None, "Naomi Orthmann": 1}
    for name in cast:
        assert f"[[{name}]]" in episode.body
    # The demo states no episode's staff: none is made up.
    assert not EpisodeCredit.objects.exists()
    # The credits are in the episode's revision: its history can bring them back.
    revision = Version.objects.get_for_object(episode)[0].revision
    held = revision.version_set.filter(content_type__model="episodeappearance")
    assert {int(version.object_id) for version in held} == set(
        episode.cast.values_list("pk", flat=True)
    )


def test_tags_are_shared_across_kinds(demo):
    assert set(metallic_rouge().tags.names()) == {
        "mecha",
        "androids",
        "mars",
        "science fiction",
        "tokusatsu",
        "original anime",
    }
    rouge = Character.objects.get(title="Rouge Redstar")
    assert set(rouge.tags.names()) == {"androids", "mars", "undercover"}
    # "undercover" is a spoiler tag: the first episode reveals her cover.
    assert {tag.name: tag.revealed_in for tag in rouge.tags.all()}["undercover"] == 1
    assert tagged_kinds("mars") == {"series", "character", "episode"}
    assert tagged_kinds("mecha") >= {"series", "staff"}
    assert tagged_kinds("original anime") == {"series", "studio"}
    # One tag row per name, whatever the number of kinds using it.
    assert Tag.objects.filter(name__iexact="mars").count() == 1


def test_every_entry_has_a_summary_a_rendered_body_and_a_working_url(demo):
    url_names = {
        "series": "series-detail",
        "character": "character-detail",
        "staff": "staff-detail",
        "studio": "studio-detail",
        "episode": "episode-detail",
    }
    for entry in Entry.objects.with_urls():
        assert entry.summary, entry
        assert entry.body_html, entry
        assert resolve(entry.get_absolute_url()).url_name == url_names[entry.kind]


def test_bodies_are_markdown_with_section_headings(demo):
    html = metallic_rouge().body_html
    assert "<strong>Metallic Rouge</strong>" in html
    assert "<h2>Setting</h2>" in html
    assert "<h1" not in html


# --- Pictures --------------------------------------------------------------------------


def test_every_entry_has_a_generated_main_image_with_a_credit(demo):
    entries = list(Entry.objects.select_related("image"))
    assert entries and all(entry.image is not None for entry in entries)
    assert {entry.image_credit for entry in entries} == {DEMO_CREDIT}
    # One picture per entry: no two entries share a card.
    assert len({entry.image_id for entry in entries}) == len(entries)
    for entry in entries:
        picture = entry.image
        assert picture.renditions, entry
        assert [r["width"] for r in picture.renditions] == sorted(
            r["width"] for r in picture.renditions
        )
        for name in picture.storage_names():
            assert default_storage.exists(name), (entry, name)
        assert picture.original_name.startswith("fandex-demo-")


def test_a_main_image_is_a_monogram_card_in_its_kinds_colour(demo):
    """Not artwork from the show: a card filled with the colour of the entry's kind,
    portrait for people and characters, landscape for series."""
    for title, kind, shape in [
        ("Metallic Rouge", "series", "landscape"),
        ("Rouge Redstar", "character", "portrait"),
        ("Yutaka Izubuchi", "staff", "portrait"),
        ("Bones", "studio", "square"),
    ]:
        picture = Entry.objects.select_related("image").get(title=title).image
        with default_storage.open(picture.file.name) as file, Image.open(file) as image:
            colour = image.convert("RGB").getpixel((image.width // 2, 2))
        expected = CARD_STYLES[kind][0]
        assert max(abs(a - b) for a, b in zip(colour, expected, strict=True)) <= 8, title
        ratio = picture.width / picture.height
        assert {"landscape": ratio > 1, "portrait": ratio < 1, "square": ratio == 1}[shape]


def test_metallic_rouge_has_a_gallery_in_order_with_captions_and_credits(demo):
    gallery = list(metallic_rouge().gallery.select_related("picture"))
    assert [item.position for item in gallery] == [1, 2, 3, 4]
    assert all(item.caption.startswith("Placeholder for") for item in gallery)
    assert {item.credit for item in gallery} == {DEMO_CREDIT}
    assert len({item.picture_id for item in gallery}) == 4
    assert metallic_rouge().image_id not in {item.picture_id for item in gallery}
    assert all(default_storage.exists(item.picture.file.name) for item in gallery)


def test_second_run_changes_nothing(demo, media_root):
    def snapshot():
        return {
            model: sorted(model.objects.values_list(), key=repr)
            for model in [*DEMO_MODELS, Tag, TaggedEntry]
        }

    before = snapshot()
    files = stored_files(media_root)
    assert len(files) == sum(len(p.storage_names()) for p in Picture.objects.all())
    with CaptureQueriesContext(connection) as queries:
        output = loaddemo()

    assert "created 0, updated 0, unchanged" in output
    assert "up to date" in output
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    # Same rows, and the same updated_at and version on every entry.
    assert snapshot() == before
    # No new picture, so no new file.
    assert stored_files(media_root) == files


def test_rerun_restores_edited_facts_and_sets_tags_exactly(demo):
    series = metallic_rouge()
    version = series.version
    series.summary = "Vandalised."
    series.save()
    series.tags.add("extra")
    Appearance.objects.filter(character__title="Sarah Fitzgerald").update(role="main")

    output = loaddemo()

    assert "created 0, updated 2," in output
    series = metallic_rouge()
    assert series.summary.startswith("Metallic Rouge is an original")
    assert "extra" not in set(series.tags.names())
    assert len(series.tags.names()) == 6
    assert series.version > version
    sarah = Appearance.objects.get(character__title="Sarah Fitzgerald")
    assert sarah.role == Appearance.Role.SUPPORTING


def test_rerun_keeps_what_editors_added(demo):
    series = metallic_rouge()
    Alias.objects.create(entry=series, name="Metal Rouge anime")

    assert "created 0, updated 0," in loaddemo()
    assert series.aliases.filter(name="Metal Rouge anime").exists()


def test_verbosity_controls_the_output(db):
    assert loaddemo("--verbosity", "0") == ""
    assert Entry.objects.exists()
    Series.objects.filter(title="Space Dandy").delete()

    output = loaddemo("--verbosity", "2")

    listed = [line for line in output.splitlines() if line.startswith("  ")]
    assert listed == [
        "  created series: Space Dandy",
        "  created studio credit: Bones (Animation) on Space Dandy",
    ]
    assert "created 2, updated 0," in output


def test_a_deleted_entry_comes_back_with_its_picture(demo, media_root):
    files = stored_files(media_root)
    picture_id = Series.objects.get(title="Space Dandy").image_id
    Series.objects.filter(title="Space Dandy").delete()

    loaddemo()

    # The card it had is still stored: it is found again, not stored twice.
    assert Series.objects.get(title="Space Dandy").image_id == picture_id
    assert stored_files(media_root) == files


def test_a_failure_writes_nothing(db, monkeypatch, media_root):
    from django.core.exceptions import ValidationError

    def reject(self, *args, **kwargs):
        raise ValidationError("Episode rejected for the test.")

    # Episode 1 is the last object written: everything before it must be rolled back.
    monkeypatch.setattr(Episode, "full_clean", reject)

    with pytest.raises(CommandError, match="Episode rejected for the test"):
        loaddemo()
    assert not Entry.objects.exists()
    assert not Tag.objects.exists()
    # The pictures stored before the failure are gone with the rows.
    assert not Picture.objects.exists()
    assert stored_files(media_root) == []
