"""The editors' admin: every kind can be listed, added, changed and deleted by an
editor, bad input is refused with a form error, and changelists use a fixed
number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from entries import pictures
from entries.models import (
    Alias,
    Appearance,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
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
    VoiceCredit,
)
from tests import factories, image_corpus
from tests.helpers import add_rows, admin_url, form_errors, open_form

pytestmark = pytest.mark.django_db


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def platform(db):
    return factories.make_platform(name="Netflix")


def make_entry(model):
    """One saved object of ``model``, with tags where it has them."""
    makers = {
        Series: lambda: factories.make_series(tags=["mecha"]),
        Character: lambda: factories.make_character(tags=["android"]),
        Staff: lambda: factories.make_staff(tags=["director"]),
        Studio: lambda: factories.make_studio(tags=["tokyo"]),
        Episode: lambda: factories.make_episode(tags=["premiere"]),
        StreamingPlatform: factories.make_platform,
        Tag: lambda: Tag.objects.create(name="space opera", slug="space-opera"),
    }
    return makers[model]()


ALL_MODELS = [Series, Character, Staff, Studio, Episode, StreamingPlatform, Tag]
KINDS = [Series, Character, Staff, Studio, Episode]


# --- Smoke: every page of every model, as an editor --------------------------------------------


# Deleting a page or a tag is for senior editors (entries.editors).
SENIOR_DELETES = {*KINDS, Tag}


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_opens_every_admin_page(editor_client, model):
    obj = make_entry(model)

    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ]:
        assert editor_client.get(url).status_code == 200, url
    delete = editor_client.get(admin_url(model, "delete", obj.pk)).status_code
    assert delete == (403 if model in SENIOR_DELETES else 200)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m._meta.model_name)
def test_senior_editor_opens_every_admin_page(senior_client, model):
    obj = make_entry(model)

    for view in ("changelist", "add", "change", "delete", "history"):
        url = admin_url(model, view, obj.pk) if view in {"change", "delete", "history"} else None
        url = url or admin_url(model, view)
        assert senior_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_edits_and_a_senior_editor_deletes(editor_client, model):
    obj = make_entry(model)
    name_field = "name" if model in {StreamingPlatform, Tag} else "title"

    url, data = open_form(editor_client, model, obj)
    data[name_field] = "Renamed by an editor"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and form_errors(response)
    obj.refresh_from_db()
    assert getattr(obj, name_field) == "Renamed by an editor"

    if model in SENIOR_DELETES:
        refused = editor_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
        assert refused.status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()
        editor_client.force_login(factories.make_editor("senior", senior=True))
    response = editor_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()
    if model in KINDS:
        # The multi-table parent row goes with it.
        assert not Entry.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", KINDS, ids=lambda m: m._meta.model_name)
def test_changelist_search_finds_aliases(editor_client, model):
    obj = make_entry(model)
    factories.alias(obj, "Unmistakable Other Name")
    other = make_entry(model)

    response = editor_client.get(admin_url(model, "changelist"), {"q": "unmistakable"})

    shown = list(response.context["cl"].result_list)
    assert shown == [obj]
    assert other not in shown


@pytest.mark.parametrize("model", KINDS, ids=lambda m: m._meta.model_name)
def test_view_on_site_leads_to_the_public_page(editor_client, model):
    obj = make_entry(model)
    shortcut = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, obj.pk]
    )

    response = editor_client.get(admin_url(model, "change", obj.pk))
    assert f'href="{shortcut}"' in response.content.decode()

    response = editor_client.get(shortcut)
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{obj.get_absolute_url()}"


def test_tag_admin_links_to_the_tag_page(editor_client):
    tag = make_entry(Tag)

    response = editor_client.get(admin_url(Tag, "change", tag.pk))

    assert reverse("entries:tag-detail", kwargs={"slug": tag.slug}) in response.content.decode()


def test_tag_changelist_counts_uses(editor_client):
    factories.make_series(tags=["mecha"])
    factories.make_character(tags=["mecha"])

    response = editor_client.get(admin_url(Tag, "changelist"))

    (tag,) = response.context["cl"].result_list
    assert tag.name == "mecha"
    assert tag.uses == 2


# --- Editors are not administrators ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/auth/user/", "/admin/auth/group/"])
def test_editor_cannot_reach_users_or_groups(editor_client, path):
    assert editor_client.get(path).status_code == 403
    assert editor_client.get(f"{path}add/").status_code == 403


def test_admin_index_lists_entries_but_not_auth(editor_client, editor):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert models == {
        "Series",
        "Character",
        "Staff",
        "Studio",
        "Episode",
        "StreamingPlatform",
        "Tag",
    }
    assert "/admin/auth/" not in response.content.decode()
    assert editor.is_staff
    assert not editor.is_superuser


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(admin_url(Series, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Autocomplete for every link to another entry -------------------------------------------------

AUTOCOMPLETES = [
    # (model holding the foreign key, field, kind it points to)
    (Episode, "series", Series),
    (Studio, "predecessor", Studio),
    (Studio, "parent", Studio),
    (SeriesStudio, "studio", Studio),
    (SeriesStudio, "series", Series),
    (StaffCredit, "staff", Staff),
    (StaffCredit, "series", Series),
    (Appearance, "character", Character),
    (Appearance, "series", Series),
    (VoiceCredit, "actor", Staff),
    (VoiceCredit, "character", Character),
    (SeriesRelation, "target", Series),
    (StudioMember, "person", Staff),
    (StudioMember, "studio", Studio),
    (Streaming, "platform", StreamingPlatform),
    (EpisodeAppearance, "character", Character),
    (EpisodeAppearance, "episode", Episode),
    (EpisodeCredit, "staff", Staff),
    (EpisodeCredit, "episode", Episode),
]


@pytest.mark.parametrize(
    ("model", "field", "target"),
    AUTOCOMPLETES,
    ids=[f"{m._meta.model_name}.{f}" for m, f, _ in AUTOCOMPLETES],
)
def test_autocomplete_finds_related_entries(editor_client, model, field, target):
    wanted = make_entry(target)
    make_entry(target)  # a second one the search term must leave out
    term = str(wanted)
    if target is Episode:
        # Both are "Episode 1", each of its own series: found by the series' title,
        # and named with it, so that an editor can tell them apart.
        term = wanted.series.title

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "entries",
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )

    assert response.status_code == 200
    text = f"{term} 1: Episode 1" if target is Episode else term
    assert response.json()["results"] == [{"id": str(wanted.pk), "text": text}]


# --- Creating each kind through its add form, inlines included --------------------------------


def test_editor_creates_a_series_with_every_inline(editor_client, platform):
    studio = factories.make_studio(title="Bones")
    director = factories.make_staff(title="Motoki Nakanishi")
    heroine = factories.make_character(title="Rouge Redstar")
    prequel = factories.make_series(title="Earlier Work")

    url, data = open_form(editor_client, Series)
    data.update(
        title="Metallic Rouge",
        native_title="メタリックルージュ",
        format=Series.Format.TV,
        status=Series.Status.FINISHED,
        season=Series.Season.WINTER,
        year="2024",
        start_date="2024-01-10",
        end_date="2024-03-27",
        tags="mecha, android",
    )
    add_rows(data, "aliases", {"name": "Metarikku Rūju", "language": "ja-Latn"})
    add_rows(data, "studio_roles", {"studio": studio.pk, "role": "animation"})
    add_rows(data, "staff_credits", {"staff": director.pk, "role": "director"})
    add_rows(data, "appearances", {"character": heroine.pk, "role": "main"})
    add_rows(
        data,
        "episodes",
        {"number": "1", "title": "The Girl Who Was a Weapon", "air_date": "2024-01-10"},
        {"number": "2", "title": "Second Light", "runtime_minutes": "24"},
    )
    add_rows(data, "relations_from", {"target": prequel.pk, "type": "prequel"})
    add_rows(data, "streaming", {"platform": platform.pk, "url": "https://example.com/rouge"})

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    series = Series.objects.get(title="Metallic Rouge")
    assert series.slug == "metallic-rouge"
    assert series.native_title == "メタリックルージュ"
    assert sorted(series.tags.names()) == ["android", "mecha"]
    assert [a.name for a in series.aliases.all()] == ["Metarikku Rūju"]
    assert list(series.studios.all()) == [studio]
    assert [c.staff for c in series.staff_credits.all()] == [director]
    assert [a.character for a in series.appearances.all()] == [heroine]
    assert [r.target for r in series.relations_from.all()] == [prequel]
    assert [s.platform for s in series.streaming.all()] == [platform]
    episodes = list(series.episodes.order_by("number"))
    assert [(e.number, e.title) for e in episodes] == [
        (1, "The Girl Who Was a Weapon"),
        (2, "Second Light"),
    ]
    # Episodes added inline get their slug (from the series) and kind like any other.
    assert episodes[0].slug == "metallic-rouge-1-the-girl-who-was-a-weapon"
    assert {e.kind for e in episodes} == {Entry.Kind.EPISODE}
    assert episodes[1].get_absolute_url().endswith("/series/metallic-rouge/episodes/2/")


def test_editor_adds_an_episode_inline_to_an_existing_series(editor_client):
    series = factories.make_series(title="Cowboy Bebop")
    factories.make_episode(series=series, number=1, title="Asteroid Blues")

    url, data = open_form(editor_client, Series, series)
    add_rows(data, "episodes", {"number": "2", "title": "Stray Dog Strut"})
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    episode = series.episodes.get(number=2)
    assert episode.slug == "cowboy-bebop-2-stray-dog-strut"


def test_editor_creates_a_character_with_a_japanese_only_title(editor_client):
    series = factories.make_series()
    actor = factories.make_staff()

    url, data = open_form(editor_client, Character)
    data.update(title="ルージュ・レッドスター", summary="An android.", tags="android")
    add_rows(data, "appearances", {"series": series.pk, "role": "main"})
    add_rows(data, "voice_credits", {"actor": actor.pk, "language": "ja"})
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    character = Character.objects.get(title="ルージュ・レッドスター")
    assert character.slug  # made from the reading, never empty
    assert character.slug.isascii()
    assert [a.series for a in character.appearances.all()] == [series]
    assert [v.actor for v in character.voice_credits.all()] == [actor]
    assert list(character.tags.names()) == ["android"]


def test_editor_creates_a_person_with_credits(editor_client):
    series = factories.make_series()
    character = factories.make_character()
    studio = factories.make_studio()

    url, data = open_form(editor_client, Staff)
    data.update(title="Tomomi Kawaguchi", occupations="voice actor", birth_date="1990-04-01")
    add_rows(data, "credits", {"series": series.pk, "role": "script", "note": "episodes 3, 7"})
    add_rows(data, "voice_roles", {"character": character.pk, "language": "ja"})
    add_rows(data, "memberships", {"studio": studio.pk, "position": "staff"})
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    person = Staff.objects.get(title="Tomomi Kawaguchi")
    assert person.slug == "tomomi-kawaguchi"
    assert [(c.series, c.note) for c in person.credits.all()] == [(series, "episodes 3, 7")]
    assert [v.character for v in person.voice_roles.all()] == [character]
    assert [m.studio for m in person.memberships.all()] == [studio]


def test_editor_creates_a_studio_with_works_and_members(editor_client):
    sunrise = factories.make_studio(title="Sunrise")
    series = factories.make_series()
    founder = factories.make_staff()

    url, data = open_form(editor_client, Studio)
    data.update(title="Bones", founded_year="1998", predecessor=sunrise.pk)
    add_rows(data, "series_roles", {"series": series.pk, "role": "animation"})
    add_rows(data, "members", {"person": founder.pk, "position": "founder"})
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    bones = Studio.objects.get(title="Bones")
    assert bones.predecessor == sunrise
    assert list(bones.works.all()) == [series]
    assert [m.person for m in bones.members.all()] == [founder]


def test_editor_creates_an_episode(editor_client):
    series = factories.make_series(title="Metallic Rouge")

    url, data = open_form(editor_client, Episode)
    data.update(series=series.pk, number="3", title="Silver Night", body="*Rouge* hides.")
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    episode = Episode.objects.get()
    assert episode.series == series
    assert episode.slug == "metallic-rouge-3-silver-night"
    assert "<em>Rouge</em>" in episode.body_html


def test_editor_creates_a_streaming_platform_and_a_tag(editor_client):
    url, data = open_form(editor_client, StreamingPlatform)
    data.update(name="Crunchyroll", slug="crunchyroll")
    assert editor_client.post(url, data).status_code == 302

    url, data = open_form(editor_client, Tag)
    data.update(name="Space opera", slug="space-opera")
    assert editor_client.post(url, data).status_code == 302

    assert StreamingPlatform.objects.filter(slug="crunchyroll").exists()
    assert Tag.objects.filter(slug="space-opera").exists()


def test_editor_edits_tags_on_a_character(editor_client):
    character = factories.make_character(tags=["old tag"])

    url, data = open_form(editor_client, Character, character)
    assert data["tags"] == '"old tag"'
    data["tags"] = 'hero, pilot, "science fiction"'
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert sorted(character.tags.names()) == ["hero", "pilot", "science fiction"]


def test_editor_edits_an_existing_inline_row(editor_client):
    series = factories.make_series()
    character = factories.make_character(series=series, role="main")

    url, data = open_form(editor_client, Series, series)
    data["appearances-0-role"] = "supporting"
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Appearance.objects.get(series=series, character=character).role == "supporting"


# --- Bad input: a form error and nothing saved ------------------------------------------------


def test_duplicate_episode_number_in_the_episode_admin(editor_client):
    series = factories.make_series()
    factories.make_episode(series=series, number=1)

    url, data = open_form(editor_client, Episode)
    data.update(series=series.pk, number="1", title="Impostor")
    response = editor_client.post(url, data)

    assert "Episode with this Series and Number already exists." in form_errors(response)
    assert series.episodes.count() == 1


def test_duplicate_episode_number_when_changing_an_episode(editor_client):
    series = factories.make_series()
    factories.make_episode(series=series, number=1)
    second = factories.make_episode(series=series, number=2)

    url, data = open_form(editor_client, Episode, second)
    data["number"] = "1"
    response = editor_client.post(url, data)

    assert "Episode with this Series and Number already exists." in form_errors(response)
    second.refresh_from_db()
    assert second.number == 2


def test_duplicate_episode_number_in_the_series_inline(editor_client):
    series = factories.make_series(title="Unchanged")
    factories.make_episode(series=series, number=1)

    url, data = open_form(editor_client, Series, series)
    data["title"] = "Changed"
    add_rows(data, "episodes", {"number": "1", "title": "Impostor"})
    response = editor_client.post(url, data)

    assert any("duplicate" in message for message in form_errors(response))
    series.refresh_from_db()
    assert series.title == "Unchanged"
    assert series.episodes.count() == 1


def test_duplicate_episode_numbers_on_a_new_series(editor_client):
    url, data = open_form(editor_client, Series)
    data["title"] = "New Series"
    add_rows(
        data, "episodes", {"number": "1", "title": "One"}, {"number": "1", "title": "Also one"}
    )
    response = editor_client.post(url, data)

    assert any("duplicate" in message for message in form_errors(response))
    assert not Entry.objects.exists()


def test_episode_number_zero_is_refused(editor_client):
    series = factories.make_series()

    url, data = open_form(editor_client, Episode)
    data.update(series=series.pk, number="0", title="Prologue")
    response = editor_client.post(url, data)

    assert "Ensure this value is greater than or equal to 1." in form_errors(response)
    assert not Episode.objects.exists()


def test_series_ending_before_it_starts(editor_client):
    url, data = open_form(editor_client, Series)
    data.update(title="Backwards", start_date="2024-03-01", end_date="2024-01-01")
    response = editor_client.post(url, data)

    assert form_errors(response) == ["The end date cannot be before the start date."]
    assert response.context["adminform"].form.has_error("end_date")
    assert not Series.objects.exists()


def test_series_year_out_of_range(editor_client):
    url, data = open_form(editor_client, Series)
    data.update(title="Far future", year="3024")
    response = editor_client.post(url, data)

    assert form_errors(response) == ["Enter a year between 1900 and 2100."]
    assert not Series.objects.exists()


def test_duplicate_alias_in_one_submission(editor_client):
    character = factories.make_character()

    url, data = open_form(editor_client, Character, character)
    add_rows(
        data, "aliases", {"name": "Rouge", "language": "en"}, {"name": "Rouge", "language": "fr"}
    )
    response = editor_client.post(url, data)

    assert any("duplicate" in message for message in form_errors(response))
    assert not Alias.objects.exists()


def test_alias_that_the_entry_already_has(editor_client):
    character = factories.make_character()
    factories.alias(character, "Rouge")

    url, data = open_form(editor_client, Character, character)
    add_rows(data, "aliases", {"name": "Rouge", "language": "ja-Latn"})
    response = editor_client.post(url, data)

    assert any("duplicate" in message for message in form_errors(response))
    assert Alias.objects.count() == 1


def test_duplicate_slug_within_a_kind(editor_client):
    factories.make_series(title="Original", slug="taken")

    url, data = open_form(editor_client, Series)
    data.update(title="Copycat", slug="taken")
    response = editor_client.post(url, data)

    assert form_errors(response) == [
        "Another series already has this slug; choose another or leave it empty."
    ]
    assert not Series.objects.filter(title="Copycat").exists()


def test_duplicate_slug_when_changing_an_entry(editor_client):
    factories.make_staff(slug="taken")
    person = factories.make_staff(slug="mine")

    url, data = open_form(editor_client, Staff, person)
    data["slug"] = "taken"
    response = editor_client.post(url, data)

    assert len(form_errors(response)) == 1
    person.refresh_from_db()
    assert person.slug == "mine"


def test_same_slug_is_fine_for_another_kind(editor_client):
    factories.make_series(title="Rouge", slug="rouge")

    url, data = open_form(editor_client, Character)
    data.update(title="Rouge", slug="rouge")
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Character.objects.get().slug == "rouge"


def test_empty_slug_gets_a_unique_one(editor_client):
    factories.make_studio(title="Bones")

    url, data = open_form(editor_client, Studio)
    data.update(title="Bones", slug="")
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert sorted(Studio.objects.values_list("slug", flat=True)) == ["bones", "bones-2"]


@pytest.mark.parametrize("field", ["predecessor", "parent"])
def test_studio_cannot_follow_itself(editor_client, field):
    studio = factories.make_studio()

    url, data = open_form(editor_client, Studio, studio)
    data[field] = studio.pk
    response = editor_client.post(url, data)

    assert form_errors(response) == ["A studio cannot be its own predecessor or parent."]
    studio.refresh_from_db()
    assert getattr(studio, f"{field}_id") is None


def test_series_related_to_itself_is_refused(editor_client):
    series = factories.make_series()

    url, data = open_form(editor_client, Series, series)
    add_rows(data, "relations_from", {"target": series.pk, "type": "sequel"})
    response = editor_client.post(url, data)

    assert form_errors(response) == ["A series cannot be related to itself."]
    assert not SeriesRelation.objects.exists()


# --- Changelists: a fixed number of queries ------------------------------------------------------


def _rows_for_changelist(model, count: int) -> None:
    """``count`` rows of ``model``, each with several tags, a main image (its thumbnail
    is a column) and what its other columns show."""
    tags = ["mecha", "android", "space", "drama"]
    image = pictures.store_upload(image_corpus.upload("thumb.png", image_corpus.png(320, 240)))
    if model is Series:
        for _ in range(count):
            factories.make_series(tags=tags, year=2024, image=image)
    elif model is Character:
        series = factories.make_series()
        for _ in range(count):
            character = factories.make_character(tags=tags, series=series, image=image)
            Appearance.objects.create(series=factories.make_series(), character=character)
    elif model is Staff:
        for _ in range(count):
            factories.make_staff(tags=tags, occupations="director", image=image)
    elif model is Studio:
        parent = factories.make_studio()
        for _ in range(count):
            factories.make_studio(tags=tags, predecessor=parent, parent=parent, image=image)
    elif model is Episode:
        for _ in range(count):
            factories.make_episode(tags=tags, image=image)


# Pinned, the same on SQLite and PostgreSQL: session, user, the user's and the group's
# permissions, the tag filter, one count (no "of 10 total": show_full_result_count is
# off), the rows (with their main images, joined), their tags; plus the year filter for
# series, the series filter for episodes, appearances for characters.
CHANGELIST_QUERIES = {Series: 9, Character: 9, Staff: 8, Studio: 8, Episode: 9}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("model", KINDS, ids=lambda m: m._meta.model_name)
def test_changelist_queries_do_not_grow_with_rows(
    editor_client, django_assert_num_queries, model, count
):
    _rows_for_changelist(model, count)
    url = admin_url(model, "changelist")
    editor_client.get(url)  # warms the content type cache that tag lookups use

    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        response = editor_client.get(url)

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    # The first page of them (EntryAdmin.list_per_page).
    assert len(shown) == min(model.objects.count(), 50)
    content = response.content.decode()
    assert "android, drama, mecha, space" in content
    # Every row's thumbnail (the studios' parent has none).
    thumbnail_url = Picture.objects.get().thumbnail_url
    assert content.count(thumbnail_url) == sum(1 for row in shown if row.image_id)
    assert content.count(thumbnail_url) >= min(count, 49)


def test_editor_merges_tags(editor_client):
    series = factories.make_series(tags=["sci-fi"])
    character = factories.make_character(tags=["science fiction"])
    selected = [str(pk) for pk in Tag.objects.values_list("pk", flat=True)]
    changelist = admin_url(Tag, "changelist")

    response = editor_client.post(
        changelist, {"action": "render_tag_form", "_selected_action": selected}
    )
    assert response.status_code == 302
    assert editor_client.get(response["Location"]).status_code == 200
    response = editor_client.post(response["Location"], {"new_tag_name": "Science fiction"})

    assert response.status_code == 302
    assert list(series.tags.names()) == ["Science fiction"]
    assert list(character.tags.names()) == ["Science fiction"]
