"""Spoiler marks: a fact that an episode of a series reveals.

A passage of a body (``:::spoiler 9`` … ``:::``, rendered by ``entries.markup``),
a tag on an entry (``TaggedEntry``), a character's appearance in a series
(``Appearance``) or in one episode (``EpisodeAppearance``), a series relation
(``SeriesRelation``) and a picture in a gallery (``GalleryImage``) can carry
``revealed_in``: the number of the episode that reveals it. Empty means it is
no spoiler.

Which series the number counts the episodes of:

- an appearance: its series (in an episode: the episode's series, and it stays
  hidden as long as the character's appearance in that series is, see
  ``EpisodeAppearance.reveal``); a relation: its ``source`` (the series whose
  episode reveals that the other exists or is related);
- a tag or a picture: the series named in ``revealed_in_series``, else the
  page's own series (``page_series``);
- a passage: the page's own series.

A page's own series is the series itself, an episode's series, a character's
first series (the first of its appearances as its page lists them: by year,
then title; for a character in no series' cast, the series of its first
episode), and for staff and studios their first credited series; for those
two, editors should name the series of a tag or picture mark (the admin asks).

Pages are the same HTML for every reader (the page cache and shared caches keep
working): each mark is a closed ``<details class="spoiler">`` carrying
``data-revealed-in`` and ``data-series`` (a series slug), and
``static/js/spoilers.js`` opens what the reader's progress (kept in the
browser, per series) has reached. Marked text never goes where it cannot be
hidden: ``without_spoilers`` takes passages out of the search index, and
tags, relations and appearances that are marked are left out of share cards,
JSON-LD, cards, tag pages and the search index (see their modules).
"""

from __future__ import annotations

import re

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Episode numbers are PositiveSmallIntegerField (entries.Episode.number).
MAX_EPISODE = 32767

# The opening line of a passage: ":::spoiler 9" (three or more colons).
SPOILER_OPENING = re.compile(r"^ {0,3}:{3,}\s*spoiler\b(?P<rest>.*)$", re.MULTILINE | re.IGNORECASE)
_EPISODE = re.compile(r"^\s*(?P<number>\d{1,6})\s*$")

# A rendered passage (markup.render writes nothing else as <details>): innermost first.
_PASSAGE = re.compile(
    r"<details class=\"spoiler\"[^>]*>(?:(?!<details\b).)*?</details>", re.DOTALL | re.IGNORECASE
)


def revealed_in_field():
    """The ``revealed_in`` field every markable row has."""
    return models.PositiveSmallIntegerField(
        _("revealed in episode"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A spoiler: the number of the episode that reveals it. "
            "Readers who have not watched that far see it hidden. Empty: no spoiler."
        ),
    )


def revealed_in_series_field():
    """The series a tag's or a picture's ``revealed_in`` counts the episodes of."""
    return models.ForeignKey(
        "Series",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revealed in series"),
        help_text=_("The series of that episode; empty: the page's own series."),
    )


def revealed_in_constraint(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(revealed_in__isnull=True) | Q(revealed_in__gte=1),
        name=f"{model_name}_revealed_in_positive",
    )


def episode_of(opening_rest: str) -> int | None:
    """The episode number after ``:::spoiler``, or None when there is no valid one."""
    match = _EPISODE.match(opening_rest)
    if not match:
        return None
    number = int(match["number"])
    return number if 1 <= number <= MAX_EPISODE else None


def source_errors(source: str) -> list[str]:
    """What is wrong with the spoiler passages of a body ``source``, in words."""
    errors = []
    for match in SPOILER_OPENING.finditer(source or ""):
        if episode_of(match["rest"]) is None:
            line = match.group(0).strip()
            errors.append(
                _(
                    "“%(line)s”: a spoiler passage names the episode that reveals it, "
                    "as a number from 1 to %(max)d, e.g. “:::spoiler 9”."
                )
                % {"line": line[:60], "max": MAX_EPISODE}
            )
    return errors


def has_spoiler_syntax(text: str) -> bool:
    return bool(SPOILER_OPENING.search(text or ""))


def without_spoilers(html: str) -> str:
    """A rendered body without its spoiler passages (for search and excerpts)."""
    while True:
        stripped = _PASSAGE.sub(" ", html or "")
        if stripped == html:
            return stripped
        html = stripped


# A spoiler mark as a diff line ends with it (history.registry.spoiler_mark).
_MARKED_LINE = re.compile(r"^.*?(?P<mark> \[spoiler: revealed in episode [^\]]*\])$", re.DOTALL)
_CLOSING = re.compile(r"^ {0,3}:{3,}\s*$")


def masked_source(source: str) -> str:
    """A body's source with the text of its spoiler passages replaced by one line
    saying which episode reveals it: what the public history's diffs show readers
    (editors see the whole source in the admin's history)."""
    lines, out, depth = (source or "").split("\n"), [], 0
    for line in lines:
        opening = SPOILER_OPENING.match(line)
        if opening:
            if depth == 0:
                episode = episode_of(opening["rest"])
                out.append(
                    f":::spoiler {episode if episode is not None else '?'} "
                    "(its text is hidden here: a spoiler)"
                )
            depth += 1
        elif depth and _CLOSING.match(line):
            depth -= 1
            if depth == 0:
                out.append(line)
        elif depth == 0:
            out.append(line)
    return "\n".join(out)


def masked_line(line: str) -> str:
    """A diff line of a marked tag, appearance, relation or picture, its names left
    out: only the mark stays."""
    match = _MARKED_LINE.match(line)
    return f"A spoiler{match['mark']}" if match else line
