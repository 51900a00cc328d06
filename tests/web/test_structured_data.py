"""Entry pages describe themselves in schema.org JSON-LD, which no entry text can
break out of; each test parses it back from the page."""

import datetime as dt
import io
import re

import pytest

from entries import pictures
from entries.models import Series, SeriesStudio, StaffCredit, StudioMember
from tests import factories as f
from tests import image_corpus

from .helpers import head_of

pytestmark = pytest.mark.django_db

HOST = "fandex.example"
HOSTILE = "</script><script>alert(1)</script>"


def data_of(client, entry) -> dict:
    response = client.get(entry.get_absolute_url(), headers={"host": HOST})
    assert response.status_code == 200
    data = head_of(response).data()
    assert data["@context"] == "https://schema.org"
    assert data["url"] == absolute(entry)
    return data


def absolute(entry) -> str:
    return f"http://{HOST}{entry.get_absolute_url()}"


def ref(schema_type: str, entry) -> dict:
    return {"@type": schema_type, "name": entry.title, "url": absolute(entry)}


def test_a_tv_series_with_its_companies_directors_cast_and_databases(client):
    visual = pictures.store_upload(io.BytesIO(image_corpus.png(1600, 900)))
    series = f.make_series(
        title="Metallic Rouge",
        native_title="メタリックルージュ",
        summary="Androids on Mars.",
        start_date=dt.date(2024, 1, 10),
        end_date=dt.date(2024, 4, 3),
        episode_count=13,
        mal_id=54829,
        anidb_id=17730,
        anilist_id=163024,
        image=visual,
    )
    f.alias(series, "メタリックルージュ")
    f.alias(series, "Metarikku Rūju")
    bones = f.make_studio(title="Bones")
    f.studio_role(series, bones, SeriesStudio.Role.ANIMATION)
    f.studio_role(series, bones, SeriesStudio.Role.PRODUCTION)
    f.studio_role(series, f.make_studio(title="Distributor"), SeriesStudio.Role.DISTRIBUTION)
    hori = f.make_staff(title="Motonobu Hori")
    f.credit(series, hori, StaffCredit.Role.DIRECTOR)
    f.credit(series, hori, StaffCredit.Role.STORYBOARD)
    f.credit(series, f.make_staff(title="Composer"), StaffCredit.Role.MUSIC)
    rouge = f.make_character(title="Rouge Redstar", series=series)
    miyamoto = f.make_staff(title="Yume Miyamoto")
    f.voice(rouge, miyamoto, "ja")
    f.voice(rouge, f.make_staff(title="English Voice"), "en")
    data = data_of(client, series)
    assert data["@type"] == "TVSeries"
    assert data["@id"] == absolute(series)
    assert data["name"] == "Metallic Rouge"
    assert data["alternateName"] == ["メタリックルージュ", "Metarikku Rūju"]
    assert data["description"] == "Androids on Mars."
    assert data["image"].endswith("-1280.jpg")
    assert data["productionCompany"] == [ref("Organization", bones)]
    assert data["director"] == [ref("Person", hori)]
    actors = {(role["characterName"], role["actor"]["name"]) for role in data["actor"]}
    assert actors == {("Rouge Redstar", "Yume Miyamoto"), ("Rouge Redstar", "English Voice")}
    assert all(role["@type"] == "PerformanceRole" for role in data["actor"])
    assert ref("Person", miyamoto) in [role["actor"] for role in data["actor"]]
    assert data["numberOfEpisodes"] == 13
    assert (data["startDate"], data["endDate"]) == ("2024-01-10", "2024-04-03")
    assert data["sameAs"] == [
        "https://myanimelist.net/anime/54829",
        "https://anidb.net/anime/17730",
        "https://anilist.co/anime/163024",
    ]


def test_without_a_planned_count_episodes_are_counted_and_unknown_facts_left_out(client):
    series = f.make_series(title="Short")
    for number in (1, 2):
        f.make_episode(series=series, number=number)
    data = data_of(client, series)
    assert data["numberOfEpisodes"] == 2
    for missing in ("startDate", "sameAs", "director", "actor", "productionCompany", "image"):
        assert missing not in data


def test_a_film_is_a_movie(client):
    film = f.make_series(title="Film", format=Series.Format.MOVIE, start_date=dt.date(2001, 7, 20))
    director = f.make_staff(title="Director")
    f.credit(film, director, StaffCredit.Role.DIRECTOR)
    data = data_of(client, film)
    assert data["@type"] == "Movie"
    assert data["datePublished"] == "2001-07-20"
    assert data["director"] == [ref("Person", director)]
    assert "numberOfEpisodes" not in data


def test_an_episode_is_part_of_its_series(client):
    series = f.make_series(title="Long Runner")
    episode = f.make_episode(
        series=series, number=4, title="Storm", air_date=dt.date(2024, 2, 1), runtime_minutes=24
    )
    data = data_of(client, episode)
    assert data["@type"] == "TVEpisode"
    assert data["name"] == "Storm"
    assert data["episodeNumber"] == 4
    assert data["datePublished"] == "2024-02-01"
    assert data["timeRequired"] == "PT24M"
    assert data["partOfSeries"] == ref("TVSeries", series)


def test_a_person_with_their_jobs_and_studios(client):
    person = f.make_staff(
        title="Someone", occupations="director, writer", birth_date=dt.date(1970, 3, 4)
    )
    studio = f.make_studio(title="Works")
    f.member(studio, person, StudioMember.Position.FOUNDER)
    data = data_of(client, person)
    assert data["@type"] == "Person"
    assert data["jobTitle"] == ["director", "writer"]
    assert data["birthDate"] == "1970-03-04"
    assert data["worksFor"] == [ref("Organization", studio)]


def test_a_studio_is_an_organization_with_its_founding(client):
    holding = f.make_studio(title="Holding")
    studio = f.make_studio(
        title="Bones", founded_year=1998, website="https://www.bones.co.jp/", parent=holding
    )
    founder = f.make_staff(title="Masahiko Minami")
    f.member(studio, founder, StudioMember.Position.FOUNDER)
    f.member(studio, f.make_staff(title="Boss"), StudioMember.Position.PRESIDENT)
    data = data_of(client, studio)
    assert data["@type"] == "Organization"
    assert data["foundingDate"] == "1998"
    assert data["sameAs"] == ["https://www.bones.co.jp/"]
    assert data["parentOrganization"] == ref("Organization", holding)
    assert data["founder"] == [ref("Person", founder)]


def test_a_character_is_a_thing_the_series_it_appears_in_are_about(client):
    first, film = f.make_series(title="First"), f.make_series(title="Film", format="movie")
    character = f.make_character(title="Hero", series=first)
    film.appearances.create(character=character, role="supporting")
    data = data_of(client, character)
    # schema.org has no type for a fictional character (Person is for real people).
    assert data["@type"] == "Thing"
    assert sorted(data["subjectOf"], key=lambda work: work["name"]) == [
        ref("Movie", film),
        ref("TVSeries", first),
    ]


def test_no_entry_text_can_close_the_script(client):
    series = f.make_series(title=f"Evil {HOSTILE}", summary=f"Tom & Jerry {HOSTILE} <!--")
    f.alias(series, f"Alias {HOSTILE}")
    character = f.make_character(title=f"Villain {HOSTILE}", series=series)
    f.voice(character, f.make_staff(title=f"Voice {HOSTILE}"))
    response = client.get(series.get_absolute_url(), headers={"host": HOST})
    content = response.content.decode()
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    # Nothing in the data HTML could read as markup: no <, > or & at all.
    assert not set(script) & set("<>&")
    assert "alert(1)</script>" not in content
    data = head_of(response).data()
    assert data["name"] == f"Evil {HOSTILE}"
    assert data["description"] == f"Tom & Jerry {HOSTILE} <!--"
    assert data["alternateName"] == [f"Alias {HOSTILE}"]
    assert data["actor"][0]["characterName"] == f"Villain {HOSTILE}"
    assert data["actor"][0]["actor"]["name"] == f"Voice {HOSTILE}"
