"""Small factories for tests: each makes a valid, saved object with overridable fields."""

import itertools

from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from entries.editors import EDITORS_GROUP, SENIOR_EDITORS_GROUP
from entries.models import (
    Alias,
    Appearance,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    StreamingPlatform,
    Studio,
    StudioMember,
    VoiceCredit,
)

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_series(**fields) -> Series:
    fields.setdefault("title", f"Series {_n()}")
    fields.setdefault("summary", "A series made for a test.")
    tags = fields.pop("tags", ())
    series = Series.objects.create(**fields)
    if tags:
        series.tags.add(*tags)
    return series


def make_studio(**fields) -> Studio:
    fields.setdefault("title", f"Studio {_n()}")
    tags = fields.pop("tags", ())
    studio = Studio.objects.create(**fields)
    if tags:
        studio.tags.add(*tags)
    return studio


def make_staff(**fields) -> Staff:
    fields.setdefault("title", f"Person {_n()}")
    tags = fields.pop("tags", ())
    person = Staff.objects.create(**fields)
    if tags:
        person.tags.add(*tags)
    return person


def make_character(*, series: Series | None = None, role: str = "main", **fields) -> Character:
    fields.setdefault("title", f"Character {_n()}")
    tags = fields.pop("tags", ())
    character = Character.objects.create(**fields)
    if tags:
        character.tags.add(*tags)
    if series is not None:
        Appearance.objects.create(series=series, character=character, role=role)
    return character


def make_episode(*, series: Series | None = None, **fields) -> Episode:
    series = series or make_series()
    fields.setdefault("number", series.episodes.count() + 1)
    fields.setdefault("title", f"Episode {fields['number']}")
    tags = fields.pop("tags", ())
    episode = Episode.objects.create(series=series, **fields)
    if tags:
        episode.tags.add(*tags)
    return episode


def credit(series: Series, staff: Staff, role: str = StaffCredit.Role.DIRECTOR) -> StaffCredit:
    return StaffCredit.objects.create(series=series, staff=staff, role=role)


def studio_role(series: Series, studio: Studio, role: str = SeriesStudio.Role.ANIMATION):
    return SeriesStudio.objects.create(series=series, studio=studio, role=role)


def voice(character: Character, actor: Staff, language: str = "ja") -> VoiceCredit:
    return VoiceCredit.objects.create(character=character, actor=actor, language=language)


def relate(source: Series, target: Series, type: str = SeriesRelation.Type.SEQUEL):
    return SeriesRelation.objects.create(source=source, target=target, type=type)


def member(studio: Studio, person: Staff, position: str = StudioMember.Position.FOUNDER):
    return StudioMember.objects.create(studio=studio, person=person, position=position)


def in_episode(episode: Episode, character: Character, **fields) -> EpisodeAppearance:
    return EpisodeAppearance.objects.create(episode=episode, character=character, **fields)


def episode_credit(
    episode: Episode, staff: Staff, role: str = EpisodeCredit.Role.STORYBOARD, **fields
) -> EpisodeCredit:
    return EpisodeCredit.objects.create(episode=episode, staff=staff, role=role, **fields)


def alias(entry, name: str, language: str = "en") -> Alias:
    return Alias.objects.create(entry=entry, name=name, language=language)


def make_entry(model: type[Entry], **fields) -> Entry:
    """An entry of ``model``'s kind, made by that kind's factory above."""
    makers = {
        Series: make_series,
        Character: make_character,
        Staff: make_staff,
        Studio: make_studio,
        Episode: make_episode,
    }
    return makers[model](**fields)


def make_platform(**fields) -> StreamingPlatform:
    fields.setdefault("name", f"Platform {_n()}")
    fields.setdefault("slug", slugify(fields["name"]))
    return StreamingPlatform.objects.create(**fields)


def make_editor(
    username: str = "editor", password: str = "correct-horse-battery", *, senior: bool = False
) -> User:
    """A staff user in the Editors group (or, ``senior``, Senior editors); not a superuser."""
    user = User.objects.create_user(username=username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=SENIOR_EDITORS_GROUP if senior else EDITORS_GROUP))
    return user
