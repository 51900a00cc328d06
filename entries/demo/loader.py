"""Loads the demo data file (``metallic_rouge.toml``) into the database.

``load_demo()`` is idempotent. Every object is looked up by a natural key (a
series by its MyAnimeList id, then its title; an episode by series and number;
other entries by kind and title; relation rows by the fields of their unique
constraint). A missing object is created; an existing one is compared field by
field and saved only when a value differs, so a second run writes nothing and
leaves ``updated_at`` and ``version`` alone. Tags are set to exactly the listed
ones, not appended to. Rows the demo does not list (an alias an editor added,
say) are never deleted.

The load is recorded in the history: each entry it created or changed (its own
row, tags, aliases or any row its revision holds, such as a credit) gets one
revision holding its final state, by no user, with the comment "Demo content".
A run that changes nothing records nothing.

Each entry's main image, and Metallic Rouge's gallery, are cards drawn at load
time (``cards``) and stored through ``entries.pictures`` like any upload, so they
have their renditions. A picture is found again by the SHA-256 of its bytes, so a
second run stores no new picture and writes no new file. Files written by a load
that fails are deleted again.
"""

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.text import slugify

from entries import pictures
from entries.models import (
    Alias,
    Appearance,
    Change,
    Character,
    Entry,
    Episode,
    EpisodeAppearance,
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
    TaggedEntry,
    VoiceCredit,
)
from entries.services import WriteReport, note, recorded

from .cards import DEMO_CREDIT, DemoCard, entry_card, gallery_card

M = TypeVar("M", bound=models.Model)

DEMO_COMMENT = "Demo content"
DATA_FILE = Path(__file__).with_name("metallic_rouge.toml")

# The data file's sections, in the order they are loaded: an entry comes before
# the rows that name it.
SECTIONS: list[tuple[str, type[models.Model]]] = [
    ("studios", Studio),
    ("series", Series),
    ("series_studios", SeriesStudio),
    ("series_relations", SeriesRelation),
    ("staff", Staff),
    ("studio_members", StudioMember),
    ("staff_credits", StaffCredit),
    ("characters", Character),
    ("appearances", Appearance),
    ("voice_credits", VoiceCredit),
    ("episodes", Episode),
    ("episode_appearances", EpisodeAppearance),
    # No "episode_credits" (EpisodeCredit): the demo states no episode's staff.
]
# How a row is found again: groups of field names, the first group whose values
# find a row wins (a series by its MyAnimeList id, and by its title if an editor
# removed the id). Relation rows by the fields of their unique constraint (a
# gallery row by its entry and position); an entry not listed by its title.
MATCH: dict[type[models.Model], list[tuple[str, ...]]] = {
    Series: [("mal_id",), ("title",)],
    Episode: [("series", "number")],
    Alias: [("entry", "name")],
    GalleryImage: [("entry", "position")],
    StreamingPlatform: [("slug",)],
    Streaming: [("series", "platform")],
    SeriesStudio: [("series", "studio", "role")],
    SeriesRelation: [("source", "target", "type")],
    StudioMember: [("studio", "person", "position")],
    StaffCredit: [("series", "staff", "role")],
    Appearance: [("series", "character")],
    VoiceCredit: [("character", "actor", "language")],
    EpisodeAppearance: [("episode", "character")],
}


@dataclass
class DemoReport(WriteReport):
    """What ``load_demo`` did, one label per object it looked at."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_data(path: Path = DATA_FILE) -> dict[str, list[dict[str, Any]]]:
    """The demo data file's sections; a section the loader does not know is an error."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    unknown = set(data) - {key for key, _model in SECTIONS}
    if unknown:
        raise ValidationError(f"{path.name}: unknown sections {sorted(unknown)}")
    return data


def load_demo() -> DemoReport:
    """Create or bring up to date the demo content; returns what changed."""
    data = read_data()
    # Outside the transaction: if it rolls back, the picture files go too.
    with pictures.discarding_on_error():
        return _load(data)


@transaction.atomic
def _load(data: dict[str, list[dict[str, Any]]]) -> DemoReport:
    load = _Loader()
    for key, model in SECTIONS:
        for item in data.get(key, []):
            load.load(model, item)
    load.record_history()
    return load.report


def _label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name}: {obj}"


class _Loader:
    def __init__(self) -> None:
        self.report = DemoReport()
        # Entries whose revision content this load changed, by id, in order; True
        # for those it created.
        self.touched: dict[int, bool] = {}
        # The entries loaded so far, by model and title, for the rows that name them.
        self.entries: dict[tuple[type[models.Model], str], Entry] = {}

    def load(self, model: type[M], item: dict[str, Any]) -> M:
        """The ``model`` row described by ``item`` (an entry with the rows it holds)."""
        if issubclass(model, Entry):
            return self.entry(model, item)
        return self.sync(model, self.values(model, item))

    def entry(self, model: type[M], item: dict[str, Any]) -> M:
        """An entry with its monogram card, then its gallery, aliases and streaming."""
        item = dict(item)
        # Spoiler tags are tags too; their marks are written once the tags are set.
        spoiler_tags = {
            tag["name"].lower(): tag["revealed_in"] for tag in item.pop("spoiler_tags", [])
        }
        tags = [*item.pop("tags", []), *spoiler_tags]
        gallery, aliases, streaming = (
            item.pop(key, []) for key in ("gallery", "aliases", "streaming")
        )
        values = self.values(model, item)
        values |= self.main_image(_entry_card(model, values))
        entry = self.sync(model, values, tags=tags)
        self.entries[model, entry.title] = entry
        self.mark_tags(entry, spoiler_tags)
        for position, card in enumerate(gallery, start=1):
            picture = self.picture(gallery_card(entry.title, position, **card))
            row = {"entry": entry, "position": position, "picture": picture, "credit": DEMO_CREDIT}
            self.sync(GalleryImage, row | {"caption": card["caption"]})
        for alias in aliases:
            self.sync(Alias, {"entry": entry, **alias})
        for row in streaming:
            self.sync(Streaming, self.values(Streaming, {"series": entry, **row}))
        return entry

    def mark_tags(self, entry: Entry, marks: dict[str, int]) -> None:
        """Give ``entry``'s tags the spoiler marks ``marks`` (lower-cased name: episode);
        its other tags are no spoilers. Writes only the rows that differ."""
        for row in TaggedEntry.objects.filter(content_object=entry).select_related("tag"):
            wanted = marks.get(row.tag.name.lower())
            if row.revealed_in != wanted:
                row.revealed_in = wanted
                row.save(update_fields=["revealed_in"])
                if not self.touched.get(entry.pk):  # not part of an entry created now
                    self.report.updated.append(f"{_label(entry)}: tag “{row.tag.name}”")
                self._touch(entry, created=False)

    def values(self, model: type[models.Model], item: dict[str, Any]) -> dict[str, Any]:
        """``item``'s values for ``model``, with the objects its relation fields name:
        an entry loaded before by its title, or one given as a table, loaded now."""
        values = {}
        for name, value in item.items():
            related = model._meta.get_field(name).related_model
            if related is not None and isinstance(value, str):
                if (related, value) not in self.entries:
                    raise ValidationError(
                        f"{model.__name__}.{name}: {value!r} is not loaded before it"
                    )
                value = self.entries[related, value]
            elif related is not None and isinstance(value, dict):
                value = self.load(related, value)
            values[name] = value
        return values

    def sync(self, model: type[M], values: dict[str, Any], *, tags: list[str] | None = None) -> M:
        """Create or update the ``model`` row with ``values``, found again by ``MATCH``."""
        obj = None
        for names in MATCH.get(model, [("title",)]):
            lookup = {name: values.get(name) for name in names}
            if all(value is not None for value in lookup.values()):
                obj = model._default_manager.filter(**lookup).order_by("pk").first()
                if obj is not None:
                    break
        wanted_tags = sorted({tag.lower() for tag in tags}) if tags is not None else None

        if obj is None:
            obj = model(**values)
            outcome = self.report.created
        else:
            changed = [name for name, value in values.items() if not _same(obj, name, value)]
            if wanted_tags is not None and _tag_names(obj) != wanted_tags:
                changed.append("tags")
            if not changed:
                self.report.unchanged.append(_label(obj))
                return obj
            for name in changed:
                if name != "tags":
                    setattr(obj, name, values[name])
            outcome = self.report.updated

        obj.full_clean()
        obj.save()
        if wanted_tags is not None:
            obj.tags.set(wanted_tags)
        outcome.append(_label(obj))
        self._touch(obj, created=outcome is self.report.created)
        return obj

    def _touch(self, obj: models.Model, *, created: bool) -> None:
        """Note the entries whose revision holds ``obj``: an entry itself (and a
        series, for its episode), or the entries a relation row points at (a credit
        is part of both the series' and the person's revision)."""
        if isinstance(obj, Entry):
            self.touched.setdefault(obj.pk, created)
            if isinstance(obj, Episode):
                self.touched.setdefault(obj.series_id, False)
            return
        for model_field in obj._meta.concrete_fields:
            pk = getattr(obj, model_field.attname)
            # An empty key (a picture's revealed_in_series) points at no entry.
            if model_field.many_to_one and issubclass(model_field.related_model, Entry) and pk:
                self.touched.setdefault(pk, False)
                if model_field.related_model is Episode:
                    # A series' revision holds its episodes with their rows.
                    self.touched.setdefault(getattr(obj, model_field.name).series_id, False)

    def record_history(self) -> None:
        """One revision per touched entry, holding its final state.

        The only place the load writes history, through ``entries.services``."""
        entries = Entry.objects.in_bulk(list(self.touched))
        for pk, created in self.touched.items():
            action = Change.Action.CREATE if created else Change.Action.CHANGE
            with recorded(summary=DEMO_COMMENT, automated=True):
                note(entries[pk], action)

    def picture(self, card: DemoCard) -> Picture:
        """The stored picture of ``card``: the one stored before, or a new one."""
        data = card.png()
        # Picture.sha256 is that of the uploaded bytes: the card's PNG.
        existing = Picture.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
        if existing is not None:
            self.report.unchanged.append(_label(existing))
            return existing
        upload = ContentFile(data, name=f"fandex-demo-{slugify(card.slug)}.png")
        picture = pictures.store_upload(upload)
        self.report.created.append(_label(picture))
        return picture

    def main_image(self, card: DemoCard) -> dict[str, Any]:
        """The ``image`` and ``image_credit`` values of an entry shown by ``card``."""
        return {"image": self.picture(card), "image_credit": DEMO_CREDIT}


def _entry_card(model: type[Entry], values: dict[str, Any]) -> DemoCard:
    """The main image of the entry with ``values``: an episode's shows its number."""
    if model is Episode:
        return entry_card(
            model.KIND, values["title"], number=values["number"], series=values["series"].title
        )
    return entry_card(model.KIND, values["title"])


def _same(obj: models.Model, name: str, wanted: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # Compare keys: no query for the related row.
        wanted_pk = wanted.pk if wanted is not None else None
        return getattr(obj, model_field.attname) == wanted_pk
    return getattr(obj, name) == wanted


def _tag_names(entry: Entry) -> list[str]:
    return sorted(tag.name.lower() for tag in entry.tags.all())
