"""The demo content: Metallic Rouge, the studios Bones and Sunrise, their people,
characters, the first episode and the tags that tie them together.

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

The text is written for Fandex. Bodies use wiki links (``[[Bones]]``), which
render as plain text until the wiki-link renderer lands.

Pictures are made at load time with Pillow, and are plainly not artwork from the
shows: a monogram card per entry (its initials on its kind's colour, its title,
and "Fandex demo picture"), set as its main image, and a small gallery of such
cards on Metallic Rouge. They are stored through ``entries.pictures`` like any
upload, so they have their renditions. The cards are drawn the same way every
time, and a picture is found again by the SHA-256 of its bytes, so a second run
stores no new picture and writes no new file; only a changed card (a new title,
a new Pillow that draws differently) makes a new picture. Files written by a
load that fails are deleted again.
"""

import datetime
import hashlib
import io
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from . import pictures
from .models import (
    Alias,
    Appearance,
    Change,
    Character,
    Entry,
    Episode,
    GalleryImage,
    Language,
    Picture,
    Series,
    SeriesStudio,
    Staff,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    Studio,
    StudioMember,
    VoiceCredit,
)
from .services import note, recorded

M = TypeVar("M", bound=models.Model)

DEMO_COMMENT = "Demo content"


@dataclass
class DemoReport:
    """What ``load_demo`` did, one label per object it looked at."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}"
        )


# --- Demo pictures ---------------------------------------------------------------------

DEMO_CREDIT = "Fandex demo placeholder"
DEMO_MARK = "Fandex demo picture"
# Each kind's colour (the site's kind colours) and card shape: landscape key
# visuals and stills, portraits of people and characters, square studio logos.
# Small enough to load fast; the renditions go up to the card's own width.
CARD_STYLES = {
    Entry.Kind.SERIES: ((42, 79, 196), (640, 360)),
    Entry.Kind.EPISODE: ((78, 82, 102), (640, 360)),
    Entry.Kind.CHARACTER: ((176, 58, 140), (360, 480)),
    Entry.Kind.STAFF: ((31, 122, 90), (360, 480)),
    Entry.Kind.STUDIO: ((163, 90, 0), (480, 480)),
}
_SMALL_WORDS = {"a", "an", "and", "in", "is", "of", "on", "the", "to"}


@dataclass(frozen=True)
class DemoCard:
    """One generated picture: ``monogram`` large in the middle, ``lines`` under it."""

    slug: str  # for the picture's original name, which editors see
    monogram: str
    label: str  # small, at the top: the kind
    lines: tuple[str, ...]
    colour: tuple[int, int, int]
    size: tuple[int, int]

    def png(self) -> bytes:
        """The card as PNG bytes, the same bytes for the same card."""
        width, height = self.size
        unit = min(width, height)
        image = Image.new("RGB", self.size, self.colour)
        draw = ImageDraw.Draw(image)
        darker = _mix(self.colour, (0, 0, 0), 0.28)
        ring_colour = _mix(self.colour, (255, 255, 255), 0.2)
        label_colour = _mix(self.colour, (255, 255, 255), 0.6)
        # From the top: the kind label, a ring with the monogram, the lines of
        # text, and a darker band at the bottom with the demo mark.
        band = round(height * 0.13)
        top, bottom = height * 0.12, height - band - height * 0.04
        line_height = unit * 0.075
        gap = unit * 0.04
        text_height = line_height * len(self.lines)
        ring = min(unit * 0.7, bottom - top - gap - text_height)
        y = top + (bottom - top - ring - gap - text_height) / 2
        centre = (width / 2, y + ring / 2)
        draw.ellipse(
            (centre[0] - ring / 2, y, centre[0] + ring / 2, y + ring),
            outline=ring_colour,
            width=max(2, round(unit * 0.015)),
        )
        draw.text(
            centre,
            self.monogram,
            fill="white",
            font=_fitted(draw, self.monogram, ring * 0.46, ring * 0.8),
            anchor="mm",
        )
        y += ring + gap + line_height / 2
        for line in self.lines:
            text = _drawable(line)
            font = _fitted(draw, text, unit * 0.055, width * 0.9)
            draw.text((width / 2, y), text, fill="white", font=font, anchor="mm")
            y += line_height
        draw.text(
            (unit * 0.05, height * 0.06),
            _drawable(self.label).upper(),
            fill=label_colour,
            font=_font(unit * 0.045),
            anchor="lm",
        )
        draw.rectangle((0, height - band, width, height), fill=darker)
        draw.text(
            (width / 2, height - band / 2),
            DEMO_MARK,
            fill="white",
            font=_font(unit * 0.05),
            anchor="mm",
        )
        out = io.BytesIO()
        image.save(out, "PNG", compress_level=1)
        return out.getvalue()


def _mix(colour: tuple[int, int, int], other: tuple[int, int, int], share: float):
    return tuple(round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))


def _drawable(text: str) -> str:
    """``text`` in the letters Pillow's default font has: accents dropped ("Ō" → "O"),
    and other scripts left out (the cards show the English title)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii()).strip()


def _font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own scalable font: no system font needed, the same on every machine.
    return ImageFont.load_default(size=max(8, round(size)))


def _fitted(draw: ImageDraw.ImageDraw, text: str, size: float, width: float):
    """The default font at ``size``, smaller if ``text`` would be wider than ``width``."""
    font = _font(size)
    length = draw.textlength(text, font=font)
    return _font(size * width / length) if length > width else font


def monogram(title: str) -> str:
    """Up to three initials: "Metallic Rouge" → "MR", "My Hero Academia" → "MHA"."""
    words = [word for word in _drawable(title).replace(":", " ").split() if word[:1].isalnum()]
    significant = [word for word in words if word.casefold() not in _SMALL_WORDS] or words
    return "".join(word[0] for word in significant[:3]).upper() or "?"


def entry_card(kind: str, title: str, *, number: int | None = None, series: str = "") -> DemoCard:
    """The main image of a demo entry: its initials (an episode: its number)."""
    colour, size = CARD_STYLES[kind]
    if number is not None:
        return DemoCard(
            slug=f"{kind}-{series}-{number}",
            monogram=f"#{number}",
            label=f"{kind} {number}",
            lines=(series, title),
            colour=colour,
            size=size,
        )
    return DemoCard(
        slug=f"{kind}-{title}",
        monogram=monogram(title),
        label=kind,
        lines=(title,),
        colour=colour,
        size=size,
    )


# Metallic Rouge's gallery: (caption, card colour, card size), in order.
ROUGE_GALLERY = [
    ("Placeholder for a key visual", (42, 79, 196), (640, 360)),
    ("Placeholder for a view of the Martian city", (196, 58, 90), (640, 360)),
    ("Placeholder for a character design sheet", (120, 62, 170), (360, 480)),
    ("Placeholder for the Anime NYC premiere poster", (24, 118, 140), (640, 360)),
]


def _md(text: str) -> str:
    """Markdown source written indented in this module, without the indentation."""
    return textwrap.dedent(text).strip()


def _label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name}: {obj}"


class _Loader:
    def __init__(self) -> None:
        self.report = DemoReport()
        # Entries whose revision content this load changed, by id, in order; True
        # for those it created.
        self.touched: dict[int, bool] = {}

    def sync(
        self,
        model: type[M],
        *,
        match: Sequence[Sequence[str]],
        values: dict[str, Any],
        tags: Iterable[str] | None = None,
    ) -> M:
        """Create or update the ``model`` row with ``values``.

        ``match`` lists groups of field names; the first group whose values find
        a row picks the row to update (a series is found by its MyAnimeList id,
        and by its title if an editor removed the id).
        """
        obj = None
        for names in match:
            lookup = {name: values[name] for name in names}
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
            if model_field.many_to_one and issubclass(model_field.related_model, Entry):
                self.touched.setdefault(getattr(obj, model_field.attname), False)

    def record_history(self) -> None:
        """One revision per touched entry, holding its final state."""
        entries = Entry.objects.in_bulk(list(self.touched))
        for pk, created in self.touched.items():
            action = Change.Action.CREATE if created else Change.Action.CHANGE
            with recorded(summary=DEMO_COMMENT):
                note(entries[pk], action)

    def entry(self, model: type[M], *, tags: Iterable[str] = (), **values: Any) -> M:
        """An entry of ``model``'s kind, matched by its title, with its monogram card."""
        values |= self.main_image(entry_card(model.KIND, values["title"]))
        return self.sync(model, match=[("title",)], values=values, tags=tags)

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

    def gallery(self, entry: Entry, items: Iterable[tuple[str, DemoCard]]) -> None:
        """``entry``'s gallery rows, one per (caption, card), at positions 1, 2, ..."""
        for position, (caption, card) in enumerate(items, start=1):
            self.sync(
                GalleryImage,
                match=[("entry", "position")],
                values={
                    "entry": entry,
                    "position": position,
                    "picture": self.picture(card),
                    "caption": caption,
                    "credit": DEMO_CREDIT,
                },
            )

    def aliases(self, entry: Entry, *names: tuple[str, str]) -> None:
        for name, language in names:
            self.sync(
                Alias,
                match=[("entry", "name")],
                values={"entry": entry, "name": name, "language": language},
            )


def _same(obj: models.Model, name: str, wanted: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # Compare keys: no query for the related row.
        wanted_pk = wanted.pk if wanted is not None else None
        return getattr(obj, model_field.attname) == wanted_pk
    return getattr(obj, name) == wanted


def _tag_names(entry: Entry) -> list[str]:
    return sorted(tag.name.lower() for tag in entry.tags.all())


# --- Tags shared across kinds --------------------------------------------------------

MECHA = "mecha"
ANDROIDS = "androids"
MARS = "mars"
SCIENCE_FICTION = "science fiction"
TOKUSATSU = "tokusatsu"
ORIGINAL_ANIME = "original anime"
MANGA_ADAPTATION = "manga adaptation"
SUPERHEROES = "superheroes"


def load_demo() -> DemoReport:
    """Create or bring up to date the demo content; returns what changed."""
    # Outside the transaction: if it rolls back, the picture files go too.
    with pictures.discarding_on_error():
        return _load_demo()


@transaction.atomic
def _load_demo() -> DemoReport:
    load = _Loader()
    ja, romaji, en = Language.JAPANESE, Language.ROMAJI, Language.ENGLISH

    # --- Studios ------------------------------------------------------------------------
    sunrise = load.entry(
        Studio,
        title="Sunrise",
        native_title="サンライズ",
        summary=(
            "Sunrise is the Japanese animation studio behind Mobile Suit Gundam and "
            "Cowboy Bebop, and the place the founders of Bones came from."
        ),
        body=_md(
            """
            **Sunrise** is the studio most associated with mecha anime: its
            [[Mobile Suit Gundam]] (1979) started a franchise that is still going, and
            giant robots remained a mainstay of its work for decades.

            It also made [[Cowboy Bebop]] (1998), a science-fiction series about bounty
            hunters. Several of the people who worked on Bebop left Sunrise in 1998 to
            set up a studio of their own, [[Bones]].
            """
        ),
        tags=[MECHA],
    )
    load.aliases(sunrise, ("サンライズ", ja))

    bones = load.entry(
        Studio,
        title="Bones",
        native_title="ボンズ",
        founded_year=1998,
        headquarters="Suginami, Tokyo",
        website="https://www.bones.co.jp/",
        predecessor=sunrise,
        summary=(
            "Bones is a Tokyo animation studio founded in 1998 by three veterans of "
            "Sunrise, known for original science fiction and for adaptations such as "
            "Fullmetal Alchemist: Brotherhood and My Hero Academia."
        ),
        body=_md(
            """
            **Bones** was set up in October 1998 by three people who had worked together
            at [[Sunrise]]: the producer [[Masahiko Minami]], the character designer
            [[Toshihiro Kawamoto]] and the animator [[Hiroshi Ōsaka]]. All three had
            been on the team that made [[Cowboy Bebop]], and they wanted a place where
            they could take on bigger, freer projects. Minami is the company's
            president. The studio works from Suginami, one of Tokyo's animation
            districts.

            # Works

            Bones has made its name on two fronts. One is adaptations of popular manga:
            [[Soul Eater]], [[Fullmetal Alchemist: Brotherhood]], [[My Hero Academia]],
            [[Bungo Stray Dogs]] and [[Mob Psycho 100]]. The other is original
            stories, often science fiction, such as [[Space Dandy]].

            For its 25th anniversary the studio chose an original series,
            [[Metallic Rouge]], made with [[Yutaka Izubuchi]].
            """
        ),
        tags=[ORIGINAL_ANIME],
    )
    load.aliases(bones, ("BONES", en), ("Studio Bones", en), ("ボンズ", ja))

    # --- Series -------------------------------------------------------------------------
    rouge_series = load.sync(
        Series,
        match=[("mal_id",), ("title",)],
        values={
            **load.main_image(entry_card(Entry.Kind.SERIES, "Metallic Rouge")),
            "title": "Metallic Rouge",
            "native_title": "メタリックルージュ",
            "format": Series.Format.TV,
            "status": Series.Status.FINISHED,
            "source": Series.Origin.ORIGINAL,
            "season": Series.Season.WINTER,
            "year": 2024,
            "start_date": datetime.date(2024, 1, 10),
            "end_date": datetime.date(2024, 4, 3),
            "episode_count": 13,
            "premiere": "Anime NYC, November 2023 (episode 1)",
            "official_site": "https://metallicrouge.jp/",
            "mal_id": 54794,
            "anidb_id": 17926,
            "anilist_id": 162985,
            "summary": (
                "Metallic Rouge is an original science-fiction TV anime that Bones made "
                "for its 25th anniversary. On a colonised Mars where androids called "
                "Neans are kept as a servant class, the android Rouge Redstar and her "
                "partner Naomi Orthmann hunt nine renegade Neans."
            ),
            "body": _md(
                """
                **Metallic Rouge** is a thirteen-episode television series that [[Bones]]
                wrote from scratch instead of adapting a manga or a novel; the studio
                picked it as its 25th-anniversary project. [[Yutaka Izubuchi]] is its
                supervising director and series composer and shares the original
                credit with the studio; [[Motonobu Hori]] directed it.

                # Setting

                Humanity has settled Mars, and people there share their cities with
                Neans: androids built to serve, who are treated as a class of servants
                and who need a drug called Nectar to keep working.

                [[Rouge Redstar]], a Nean who passes for human, is sent to Mars with
                [[Naomi Orthmann]] to track down the Immortal Nine, nine Neans who have
                turned against the government. Her cover there is a job as personal
                assistant to the singer [[Sarah Fitzgerald]].

                # Design

                Two women share the lead. When Rouge and the other fighters transform,
                they become armoured figures of human size rather than giant robots, a
                look that draws on tokusatsu heroes such as *Kamen Rider*.

                # Release

                The first episode was shown to an audience at Anime NYC in November
                2023, ahead of the broadcast. The series then ran weekly from 10 January
                to 3 April 2024, on Fuji TV's +Ultra slot in Japan and on Crunchyroll
                outside Asia.
                """
            ),
        },
        tags=[MECHA, ANDROIDS, MARS, SCIENCE_FICTION, TOKUSATSU, ORIGINAL_ANIME],
    )
    load.gallery(
        rouge_series,
        (
            (
                caption,
                DemoCard(
                    slug=f"metallic-rouge-gallery-{number}",
                    monogram="MR",
                    label=f"Gallery card {number}",
                    lines=("Metallic Rouge", caption),
                    colour=colour,
                    size=size,
                ),
            )
            for number, (caption, colour, size) in enumerate(ROUGE_GALLERY, start=1)
        ),
    )
    load.aliases(
        rouge_series,
        ("METALLIC ROUGE", en),
        ("Metarikku Rūju", romaji),
        ("メタリックルージュ", ja),
    )
    crunchyroll = load.sync(
        StreamingPlatform,
        match=[("slug",)],
        values={
            "name": "Crunchyroll",
            "slug": "crunchyroll",
            "website": "https://www.crunchyroll.com/",
        },
    )
    load.sync(
        Streaming,
        match=[("series", "platform")],
        values={"series": rouge_series, "platform": crunchyroll},
    )

    # Bones' and Sunrise's other works, so that the studio pages list them by year.
    other_works = [
        (
            bones,
            {
                "title": "Soul Eater",
                "native_title": "ソウルイーター",
                "year": 2008,
                "source": Series.Origin.MANGA,
                "summary": (
                    "An adaptation of Atsushi Ōkubo's manga about students at a school "
                    "run by Death, where young meisters fight alongside partners who "
                    "can turn into weapons."
                ),
                "body": (
                    "**Soul Eater** (2008) is the television adaptation by [[Bones]] of Atsushi "
                    "Ōkubo's manga."
                ),
            },
            [MANGA_ADAPTATION],
        ),
        (
            bones,
            {
                "title": "Fullmetal Alchemist: Brotherhood",
                "native_title": "鋼の錬金術師 FULLMETAL ALCHEMIST",
                "year": 2009,
                "source": Series.Origin.MANGA,
                "summary": (
                    "Bones' second series based on Hiromu Arakawa's manga about two "
                    "brothers who pay dearly for an alchemical experiment, this time "
                    "following the manga's story all the way to its end."
                ),
                "body": (
                    "**Fullmetal Alchemist: Brotherhood** (2009) is the second series [[Bones]] "
                    "made from Hiromu Arakawa's manga. The first, from 2003, left the manga's "
                    "plot part-way through; this one follows it to the end."
                ),
            },
            [MANGA_ADAPTATION],
        ),
        (
            bones,
            {
                "title": "Space Dandy",
                "native_title": "スペース☆ダンディ",
                "year": 2014,
                "source": Series.Origin.ORIGINAL,
                "summary": (
                    "An original comedy in which a pompadoured alien hunter and his "
                    "small crew roam space looking for undiscovered species, one "
                    "self-contained adventure at a time."
                ),
                "body": (
                    "**Space Dandy** (2014) is an original comedy from [[Bones]], with Shinichirō "
                    "Watanabe, the director of [[Cowboy Bebop]], as its chief director."
                ),
            },
            [SCIENCE_FICTION, ORIGINAL_ANIME],
        ),
        (
            bones,
            {
                "title": "My Hero Academia",
                "native_title": "僕のヒーローアカデミア",
                "year": 2016,
                "source": Series.Origin.MANGA,
                "summary": (
                    "An adaptation of Kōhei Horikoshi's manga about a boy without "
                    "superpowers, in a world where nearly everyone has one, who sets "
                    "out to become a hero."
                ),
                "body": (
                    "**My Hero Academia** (2016) is the adaptation by [[Bones]] of Kōhei "
                    "Horikoshi's superhero manga, which the studio went on to follow over several "
                    "seasons."
                ),
            },
            [MANGA_ADAPTATION, SUPERHEROES],
        ),
        (
            bones,
            {
                "title": "Mob Psycho 100",
                "native_title": "モブサイコ100",
                "year": 2016,
                "source": Series.Origin.MANGA,
                "summary": (
                    "An adaptation of ONE's comic about a quiet middle-school boy with "
                    "enormous psychic powers who would much rather lead an ordinary "
                    "life."
                ),
                "body": (
                    "**Mob Psycho 100** (2016) is the adaptation by [[Bones]] of the comic by "
                    "ONE, who also created *One-Punch Man*."
                ),
            },
            [MANGA_ADAPTATION],
        ),
        (
            bones,
            {
                "title": "Bungo Stray Dogs",
                "native_title": "文豪ストレイドッグス",
                "year": 2016,
                "source": Series.Origin.MANGA,
                "summary": (
                    "An adaptation of the manga by Kafka Asagiri and Sango Harukawa, in "
                    "which characters named after famous writers use supernatural "
                    "abilities as members of a detective agency in Yokohama."
                ),
                "body": (
                    "**Bungo Stray Dogs** (2016) is the adaptation by [[Bones]] of the manga "
                    "written by Kafka Asagiri and drawn by Sango Harukawa."
                ),
            },
            [MANGA_ADAPTATION],
        ),
        (
            sunrise,
            {
                "title": "Mobile Suit Gundam",
                "native_title": "機動戦士ガンダム",
                "year": 1979,
                "source": Series.Origin.ORIGINAL,
                "summary": (
                    "The original Gundam series: a war between the Earth Federation and "
                    "the Principality of Zeon, fought with piloted war machines called "
                    "mobile suits, and the start of a long-running franchise."
                ),
                "body": (
                    "**Mobile Suit Gundam** (1979) was made at [[Sunrise]] and directed by "
                    "Yoshiyuki Tomino. Its many sequels and spin-offs make up one of the longest- "
                    "running franchises in anime."
                ),
            },
            [MECHA, SCIENCE_FICTION, ORIGINAL_ANIME],
        ),
        (
            sunrise,
            {
                "title": "Cowboy Bebop",
                "native_title": "カウボーイビバップ",
                "year": 1998,
                "source": Series.Origin.ORIGINAL,
                "summary": (
                    "An original science-fiction series about a small crew of bounty "
                    "hunters drifting around the solar system aboard the spaceship "
                    "Bebop, with a soundtrack steeped in jazz."
                ),
                "body": (
                    "**Cowboy Bebop** (1998) was made at [[Sunrise]] and directed by Shinichirō "
                    "Watanabe, with characters designed by [[Toshihiro Kawamoto]]. Several of the "
                    "people who made it went on to found [[Bones]]."
                ),
            },
            [SCIENCE_FICTION, ORIGINAL_ANIME],
        ),
    ]
    works = {"Metallic Rouge": rouge_series}
    for _studio, values, tags in other_works:
        series = load.entry(Series, format=Series.Format.TV, tags=tags, **values)
        works[series.title] = series
    for studio, series in [
        (bones, rouge_series),
        *((studio, works[values["title"]]) for studio, values, _ in other_works),
    ]:
        load.sync(
            SeriesStudio,
            match=[("series", "studio", "role")],
            values={"series": series, "studio": studio, "role": SeriesStudio.Role.ANIMATION},
        )

    # --- People -------------------------------------------------------------------------
    izubuchi = load.entry(
        Staff,
        title="Yutaka Izubuchi",
        native_title="出渕裕",
        occupations="mechanical designer, director, writer",
        summary=(
            "Yutaka Izubuchi is a Japanese designer and director, known first for his "
            "mechanical designs and later as a director; he created Metallic Rouge "
            "with Bones."
        ),
        body=_md(
            """
            **Yutaka Izubuchi** made his name designing machines, for instance for
            *Mobile Police Patlabor*, before turning to directing: he directed
            *RahXephon* with [[Bones]] and was chief director of *Space Battleship
            Yamato 2199*.

            [[Metallic Rouge]] reunited him with Bones about nineteen years after
            *RahXephon*. He shares the original credit with the studio, wrote the series
            composition and supervised the direction.
            """
        ),
        tags=[MECHA, TOKUSATSU],
    )
    minami = load.entry(
        Staff,
        title="Masahiko Minami",
        native_title="南雅彦",
        occupations="producer",
        summary=(
            "Masahiko Minami is an anime producer, a co-founder of the studio Bones and "
            "its president."
        ),
        body=_md(
            """
            **Masahiko Minami** was a producer at [[Sunrise]], where he worked on
            [[Cowboy Bebop]]. In 1998 he left with [[Toshihiro Kawamoto]] and
            [[Hiroshi Ōsaka]] to found [[Bones]], and he is the studio's president.
            """
        ),
    )
    kawamoto = load.entry(
        Staff,
        title="Toshihiro Kawamoto",
        native_title="川元利浩",
        occupations="character designer, animator",
        summary=(
            "Toshihiro Kawamoto is a character designer and animator, a co-founder of "
            "Bones, who designed the characters of Cowboy Bebop and Metallic Rouge."
        ),
        body=_md(
            """
            **Toshihiro Kawamoto** designed the characters of [[Cowboy Bebop]] at
            [[Sunrise]] and then co-founded [[Bones]] in 1998. A quarter of a century
            later he designed the characters of [[Metallic Rouge]].
            """
        ),
    )
    osaka = load.entry(
        Staff,
        title="Hiroshi Ōsaka",
        occupations="animator, animation director",
        summary=(
            "Hiroshi Ōsaka was an animator and animation director who co-founded Bones "
            "in 1998; he died in 2007."
        ),
        body=_md(
            """
            **Hiroshi Ōsaka** was an animation director on [[Sunrise]] productions,
            [[Cowboy Bebop]] among them, before co-founding [[Bones]] with
            [[Masahiko Minami]] and [[Toshihiro Kawamoto]]. He died in 2007.
            """
        ),
    )
    hori = load.entry(
        Staff,
        title="Motonobu Hori",
        native_title="堀元宣",
        occupations="director",
        summary="Motonobu Hori is an anime director; he directed Metallic Rouge at Bones.",
        body="**Motonobu Hori** directed [[Metallic Rouge]] for [[Bones]].",
    )
    for person, position in [
        (minami, StudioMember.Position.FOUNDER),
        (minami, StudioMember.Position.PRESIDENT),
        (kawamoto, StudioMember.Position.FOUNDER),
        (osaka, StudioMember.Position.FOUNDER),
    ]:
        load.sync(
            StudioMember,
            match=[("studio", "person", "position")],
            values={"studio": bones, "person": person, "position": position},
        )
    for series, person, role in [
        (rouge_series, izubuchi, StaffCredit.Role.ORIGINAL_CREATOR),
        (rouge_series, izubuchi, StaffCredit.Role.SERIES_COMPOSITION),
        (rouge_series, izubuchi, StaffCredit.Role.SUPERVISING_DIRECTOR),
        (rouge_series, hori, StaffCredit.Role.DIRECTOR),
        (rouge_series, kawamoto, StaffCredit.Role.CHARACTER_DESIGN),
        (works["Cowboy Bebop"], kawamoto, StaffCredit.Role.CHARACTER_DESIGN),
    ]:
        load.sync(
            StaffCredit,
            match=[("series", "staff", "role")],
            values={"series": series, "staff": person, "role": role},
        )

    # --- Characters and their Japanese voices ----------------------------------------------
    rouge = load.entry(
        Character,
        title="Rouge Redstar",
        native_title="ルジュ・レッドスター",
        summary=(
            "Rouge Redstar is the protagonist of Metallic Rouge: a Nean who passes for "
            "human, sent to Mars to hunt the Immortal Nine while working as the personal "
            "assistant of the singer Sarah Fitzgerald."
        ),
        body=_md(
            """
            **Rouge Redstar** is the lead of [[Metallic Rouge]]. She is a Nean, one of
            the androids of the series, but unlike most of them she looks entirely
            human. With [[Naomi Orthmann]] she is on a mission to find and eliminate
            the Immortal Nine; on Mars she goes undercover as the personal assistant of
            [[Sarah Fitzgerald]].

            She seems to live on chocolate bars and nothing else. People take her for
            absent-minded, even a little vague, but what she does, she does on purpose.
            In a fight she transforms into an armoured crimson form, Metal Rouge.
            """
        ),
        tags=[ANDROIDS, MARS],
    )
    load.aliases(rouge, ("Rouge", en), ("Metal Rouge", en), ("ルジュ", ja))
    naomi = load.entry(
        Character,
        title="Naomi Orthmann",
        native_title="ナオミ・オルトマン",
        summary=(
            "Naomi Orthmann is the second lead of Metallic Rouge: Rouge Redstar's "
            "partner on the hunt for the Immortal Nine, and the one who plans their "
            "moves."
        ),
        body=_md(
            """
            **Naomi Orthmann** is [[Rouge Redstar]]'s partner in [[Metallic Rouge]].
            Where Rouge does the fighting, Naomi gathers information and works out the
            plan.
            """
        ),
        tags=[MARS],
    )
    load.aliases(naomi, ("Naomi", en))
    sarah = load.entry(
        Character,
        title="Sarah Fitzgerald",
        native_title="サラ・フィッツジェラルド",
        summary=(
            "Sarah Fitzgerald is a glamorous singer on Mars who takes Rouge Redstar on "
            "as her personal assistant."
        ),
        body=_md(
            """
            **Sarah Fitzgerald** sings on stage at a club on Mars in [[Metallic Rouge]]
            and hires [[Rouge Redstar]] as her assistant, without knowing why Rouge
            wanted the job. Her name puts together those of two jazz singers, Ella
            Fitzgerald and Sarah Vaughan.
            """
        ),
        tags=[MARS],
    )
    load.aliases(sarah, ("Sara Fitzgerald", en))
    for character, role in [
        (rouge, Appearance.Role.MAIN),
        (naomi, Appearance.Role.MAIN),
        (sarah, Appearance.Role.SUPPORTING),
    ]:
        load.sync(
            Appearance,
            match=[("series", "character")],
            values={"series": rouge_series, "character": character, "role": role},
        )
    for character, name, native_name in [
        (rouge, "Yume Miyamoto", "宮本侑芽"),
        (naomi, "Tomoyo Kurosawa", "黒沢ともよ"),
        (sarah, "Yu Shimamura", "嶋村侑"),
    ]:
        actor = load.entry(
            Staff,
            title=name,
            native_title=native_name,
            occupations="voice actor",
            summary=f"{name} is a Japanese voice actor who voices {character.title}.",
            body=f"**{name}** voices [[{character.title}]] in [[Metallic Rouge]] in Japanese.",
        )
        load.sync(
            VoiceCredit,
            match=[("character", "actor", "language")],
            values={"character": character, "actor": actor, "language": ja},
        )

    # --- Episode 1 ------------------------------------------------------------------------
    load.sync(
        Episode,
        match=[("series", "number")],
        values={
            **load.main_image(
                entry_card(
                    Entry.Kind.EPISODE,
                    "Crimson Is the Sound of Dawn",
                    number=1,
                    series=rouge_series.title,
                )
            ),
            "series": rouge_series,
            "number": 1,
            "title": "Crimson Is the Sound of Dawn",
            "native_title": "紅は暁に奏でる",
            "air_date": datetime.date(2024, 1, 10),
            "summary": (
                "On Mars in 2128, the singer Sarah Fitzgerald takes the odd young Rouge on "
                "as her assistant, while someone is attacking the smugglers who deal in "
                "Nectar, the drug that keeps Neans alive."
            ),
            "body": _md(
                """
                The first episode opens in 2128 in a city on Mars. The singer
                [[Sarah Fitzgerald]] meets a strange girl, [[Rouge Redstar]], and takes
                her on as her assistant.

                At the same time, someone is attacking the people who smuggle Nectar,
                the drug Neans need to stay alive, and the trade reaches into the
                company that makes it. When [[Naomi Orthmann]] turns up with information
                about Sarah, Rouge's real reason for being at the singer's side starts to
                show.
                """
            ),
        },
        tags=[MARS],
    )

    load.record_history()
    return load.report
