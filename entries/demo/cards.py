"""The demo's pictures: monogram cards drawn with Pillow, plainly not artwork from
the shows.

A card shows an entry's initials on its kind's colour, its title, and "Fandex demo
picture"; ``entry_card`` makes an entry's main image, ``gallery_card`` one of a
gallery. A card is drawn the same way every time, so the same card gives the same
bytes, and the loader finds its stored picture again by their SHA-256: only a
changed card (a new title, a new Pillow that draws differently) makes a new picture.
"""

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from entries.models import Entry

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


def gallery_card(
    title: str,
    number: int,
    *,
    caption: str,
    colour: Sequence[int],
    size: Sequence[int],
) -> DemoCard:
    """Picture ``number`` of the gallery of the entry ``title``: its initials, over
    the title and the ``caption`` (``colour`` and ``size`` as the data file gives them)."""
    return DemoCard(
        slug=f"{slugify(title)}-gallery-{number}",
        monogram=monogram(title),
        label=f"Gallery card {number}",
        lines=(title, caption),
        colour=tuple(colour),
        size=tuple(size),
    )
