"""Clean text: the one definition of what a stored string may hold.

No stored text holds a C0 or C1 control character (U+0000-U+001F, U+007F-U+009F),
a lone surrogate (which no database encoding stores) or U+FFFE/U+FFFF (which XML
forbids): a paste can bring them, the eye cannot see them, and one of them in a
title or an edit summary made the Atom feed fail (XML 1.0 refuses most of them).
Multi-line text (``TextField``: summaries, bodies) keeps tabs and newlines, with
``\\r\\n`` and a lone ``\\r`` made ``\\n``; one-line text (every ``CharField``:
titles, slugs, names, captions, credits, notes, URLs) keeps neither, and a
control character that separates words (tab, newline, form feed...) becomes a
space so that the words stay apart, and the ends are stripped.

``clean_text`` is the function; ``CleanTextMixin`` applies it to every text field
of a model in ``clean_fields`` (so ``full_clean`` validates the text that will be
stored: a title of nothing but control characters is an empty title) and in
``save``. Writes that bypass ``save`` (the importer's bulk inserts) call
``clean_text`` on what they write; the edit summary (django-reversion's
``Revision.comment``) is cleaned on its way into a revision
(``clean_revision_comment``); and the feed cleans what it writes, for rows stored
before this rule.
"""

from __future__ import annotations

import re

from django.db import models
from django.http import QueryDict

# C0 and C1 controls, lone surrogates and the two XML non-characters.
_UNWANTED = "\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_SEPARATORS = "\t\n\x0b\x0c\r\x1c-\x1f\x85"
# A run of them, with the spaces around it: one space.
_ONE_LINE_SEPARATORS = re.compile(f" *[{_SEPARATORS}][ {_SEPARATORS}]*")
_ONE_LINE_UNWANTED = re.compile(f"[{_UNWANTED}]")
_NEWLINES = re.compile("\r\n?")
# The same without tab and newline (U+0009, U+000A).
_MULTILINE_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without control characters (see the module docstring).

    ``multiline`` keeps tabs and newlines (``\\r\\n`` and ``\\r`` become ``\\n``);
    otherwise word-separating controls become one space, the rest go, and the
    line is stripped (as form fields strip it: a title of controls is empty).
    """
    if not isinstance(value, str):
        return value
    if multiline:
        return _MULTILINE_UNWANTED.sub("", _NEWLINES.sub("\n", value))
    return _ONE_LINE_UNWANTED.sub("", _ONE_LINE_SEPARATORS.sub(" ", value)).strip()


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds anything ``clean_text`` would take out of one-line text."""
    return bool(_ONE_LINE_UNWANTED.search(value))


def text_fields(model: type[models.Model]) -> list[tuple[str, bool]]:
    """``(attname, multiline)`` of every text column of ``model`` (its parents' too)."""
    return [
        (field.attname, isinstance(field, models.TextField))
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
    ]


def clean_text_fields(instance: models.Model) -> None:
    """Apply ``clean_text`` to every text field of ``instance``, in place."""
    for attname, multiline in text_fields(type(instance)):
        value = getattr(instance, attname)
        if isinstance(value, str):
            setattr(instance, attname, clean_text(value, multiline=multiline))


class CleanTextMixin:
    """A model whose text fields never hold a control character: ``full_clean`` and
    ``save`` clean them first (``clean_text``). Put it before ``models.Model``."""

    def clean_fields(self, exclude=None):
        clean_text_fields(self)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)


def clean_revision_comment(sender, instance, **kwargs) -> None:
    """``pre_save`` of django-reversion's ``Revision``: the edit summary is one line."""
    instance.comment = clean_text(instance.comment or "")


def clean_query(params: QueryDict) -> QueryDict:
    """A copy of ``request.GET`` with every value cleaned (one line each): what a
    page echoes back (a search box, a filter) stays clean too.

    A value holding a NUL is left as it is: Django's form fields refuse it
    (``ProhibitNullCharactersValidator``), and the page says that filter was left
    out, without echoing it.
    """
    cleaned = QueryDict(mutable=True)
    for key, values in params.lists():
        cleaned.setlist(key, [value if "\x00" in value else clean_text(value) for value in values])
    return cleaned
