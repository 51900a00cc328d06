"""Every endpoint costs a fixed number of queries, whether an entry has one related
row of each kind or many, and whatever the page size."""

import pytest
from django.urls import reverse

from entries.models import (
    KIND_MODELS,
    Appearance,
    Change,
    GalleryImage,
)
from entries.services import note, recorded
from tests import factories

from .conftest import series_with

pytestmark = pytest.mark.django_db

MANY = [1, 5]


def fetch(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("n", MANY)
def test_series_detail(api, picture, n, django_assert_num_queries):
    series = series_with(n, picture)
    # The series (with its image); tags, aliases, gallery, studios, staff, cast, the
    # cast's voice actors, episodes, relations from and to it, streaming.
    with django_assert_num_queries(12):
        data = fetch(api, reverse("api:series-detail", kwargs={"slug": series.slug}))
    assert len(data["cast"]) == n and len(data["relations"]) == 2 * n
    assert len(data["gallery"]) == n


@pytest.mark.parametrize("n", MANY)
def test_other_kinds_details(api, picture, n, django_assert_num_queries):
    person = factories.make_staff(title="Hori", image=picture)
    studio = factories.make_studio(title="Bones")
    character = factories.make_character(title="Rouge")
    for i in range(n):
        series = factories.make_series(title=f"Series {i}")
        factories.credit(series, person)
        factories.studio_role(series, studio)
        factories.member(studio, factories.make_staff(title=f"Founder {i}"))
        factories.member(factories.make_studio(title=f"Studio {i}"), person)
        role = factories.make_character(title=f"Role {i}", series=series)
        factories.voice(role, person)
        factories.voice(character, factories.make_staff(title=f"Voice {i}"), "en")
        Appearance.objects.create(series=series, character=character)
        factories.make_studio(title=f"Successor {i}", predecessor=studio, parent=studio)
        for entry in (person, studio, character):
            factories.alias(entry, f"Alias {i}")
            entry.tags.add(f"tag {i}")
            GalleryImage.objects.create(entry=entry, picture=picture)

    # Entry, tags, aliases, gallery, then each kind's own rows.
    with django_assert_num_queries(4 + 3):  # credits, voice roles, studios
        data = fetch(api, reverse("api:staff-detail", kwargs={"slug": person.slug}))
    assert len(data["credits"]) == n and len(data["voice_roles"]) == n
    with django_assert_num_queries(4 + 4):  # works, members, successors, subsidiaries
        data = fetch(api, reverse("api:studio-detail", kwargs={"slug": studio.slug}))
    assert len(data["works"]) == n and len(data["successors"]) == n
    with django_assert_num_queries(4 + 2):  # appearances, voice actors
        data = fetch(api, reverse("api:character-detail", kwargs={"slug": character.slug}))
    assert len(data["appearances"]) == n and len(data["voice_actors"]) == n


@pytest.mark.parametrize("n", MANY)
def test_episode_detail(api, n, django_assert_num_queries):
    episode = factories.make_episode(series=factories.make_series(title="Rouge"), number=1)
    for i in range(n):
        factories.alias(episode, f"Alias {i}")
        episode.tags.add(f"tag {i}")
        factories.in_episode(episode, factories.make_character(title=f"Guest {i}"))
        factories.episode_credit(episode, factories.make_staff(title=f"Crew {i}"))
    path = reverse("api:episode-detail", kwargs={"slug": "rouge", "number": 1})
    with django_assert_num_queries(4 + 2):  # characters, staff
        data = fetch(api, path)
    assert len(data["aliases"]) == len(data["characters"]) == len(data["staff"]) == n


@pytest.mark.parametrize("n", MANY)
@pytest.mark.parametrize("name", ["series", "character", "staff", "studio", "episode"])
def test_lists(api, picture, name, n, django_assert_num_queries):
    series = factories.make_series(title="Rouge")
    for i in range(n * 3):
        fields = {"tags": [f"tag {i}", "shared"], "image": picture}
        if name == "episode":
            fields["series"] = series
        if name == "series":
            fields["year"] = 2024
        factories.make_entry(KIND_MODELS[name], **fields)
    # One page of rows (with images, episodes with their series), and their tags.
    with django_assert_num_queries(2):
        data = fetch(api, reverse(f"api:{name}-list"), page_size=n * 2, tag="shared")
    assert len(data["results"]) == n * 2 and data["next"]
    with django_assert_num_queries(2):
        fetch(api, data["next"], page_size=n * 2)


@pytest.mark.parametrize("n", MANY)
def test_search(api, n, django_assert_num_queries):
    for i in range(n * 2):
        factories.make_series(title=f"Gundam {i}", tags=["mecha"])
    # The search: hits and count, their entries, their tags; then this list's rows
    # and their tags.
    with django_assert_num_queries(5):
        data = fetch(api, "/api/v1/series/", q="gundam", page_size=n)
    assert len(data["results"]) == n


@pytest.mark.parametrize("n", MANY)
def test_tags_recent_and_revisions(api, editor, n, django_assert_num_queries):
    series = factories.make_series(title="Rouge")
    for i in range(n):
        factories.make_staff(tags=[f"tag {i}"])
        with recorded(user=editor if i % 2 else None, summary=f"Edit {i}"):
            series.save()
            note(series, Change.Action.CHANGE)
    episode = factories.make_episode(series=series, number=1)
    with recorded(summary="Episode"):
        episode.save()
        note(episode, Change.Action.CHANGE)

    with django_assert_num_queries(1):
        assert len(fetch(api, reverse("api:tag-list"))["results"]) == n
    with django_assert_num_queries(1):
        fetch(api, reverse("api:tag-detail", kwargs={"slug": "tag-0"}))
    with django_assert_num_queries(1):
        assert len(fetch(api, reverse("api:recent-changes"))["results"]) == n + 1
    # The entry, then its changes.
    with django_assert_num_queries(2):
        path = reverse("api:series-revisions", kwargs={"slug": "rouge"})
        assert len(fetch(api, path)["results"]) == n
    with django_assert_num_queries(2):
        path = reverse("api:episode-revisions", kwargs={"slug": "rouge", "number": 1})
        assert len(fetch(api, path)["results"]) == 1
