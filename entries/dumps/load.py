"""Reading a dump back: ``import_dump(path)``.

Into an empty database it creates every object of the dump; run again (or on a
database that already holds some of it) it finds each object by its key and
writes nothing for it when it is the same as its line. An object that is there
but differs is an error: a dump restores a site, it does not merge two.

The whole load is one transaction: any bad line (not JSON, the wrong schema, an
unknown type, a missing or unexpected field, a value a field refuses, a reference
to an object that is neither earlier in the dump nor in the database) raises
``DumpError`` naming the line, and nothing is written.

Entries are saved one by one through their models (``full_clean`` and ``save``),
so bodies are rendered and their wiki links recorded as an editor's save would
(the uniqueness rules are left to the database's constraints, whose message the
error quotes, and references are checked by the loader: ``full_clean`` would
ask the database again for each);
their search documents are built in bulk at the end (``search.indexing.deferred``),
and the history gets one revision, "Imported from a Fandex dump", with a version
of every created entry and a ``Change`` "created" each, written in bulk like the
bangumi-data importer's (``history.bulk``); then the pages are announced
(``services.announce_bulk``) for the caches.

References to objects of the same type (a studio's predecessor, a series'
sequel) may point forward in the file: they are set once every line is read.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .. import services
from ..history.bulk import record_bulk_history
from ..search import indexing as search_indexing
from .export import with_lines
from .format import (
    BY_NAME,
    FORMAT,
    SCHEMA_VERSION,
    DumpError,
    LineType,
    Ref,
    Rows,
    record,
    sort_key,
)

GZIP_MAGIC = b"\x1f\x8b"
COMMENT = "Imported from a Fandex dump"


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)  # line type -> objects
    unchanged: Counter = field(default_factory=Counter)
    revision_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created)

    def summary(self) -> str:
        def counts(counter: Counter) -> str:
            details = ", ".join(f"{count} {kind}" for kind, count in counter.items())
            return f"{counter.total()}" + (f" ({details})" if details else "")

        return f"created {counts(self.created)}, unchanged {counts(self.unchanged)}"


def import_dump(path: str | Path, *, history: bool = True) -> ImportReport:
    """Load the dump at ``path``; see the module docstring."""
    path = Path(path)
    try:
        with path.open("rb") as raw:
            if raw.read(2) != GZIP_MAGIC:
                raise DumpError(f"{path} is not a gzip file: a dump is gzip-compressed JSON Lines.")
    except OSError as error:
        raise DumpError(f"Cannot read {path}: {error.strerror or error}.") from error
    loader = _Loader()
    try:
        with gzip.open(path, "rb") as stream, transaction.atomic():
            with search_indexing.deferred():
                number = 0
                for number, line in enumerate(stream, start=1):  # noqa: B007
                    loader.line(number, line)
                if number == 0:
                    raise DumpError("The file is empty: its first line should be the header.")
                loader.finish()
            if history and loader.created_pages:
                pages = [model(pk=pk, title=title) for model, pk, title in loader.created_pages]
                revision = record_bulk_history(
                    pages,
                    comment=COMMENT,
                    created=dict.fromkeys(page.pk for page in pages),
                    automated=True,
                )
                loader.report.revision_id = revision.pk
            # Bulk writes bypass ``services.recorded``: announce them the same way.
            services.announce_bulk(pk for _model, pk, _title in loader.created_pages)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise DumpError(
            f"The file cannot be decompressed to its end ({error}): is it cut short? "
            f"(after line {loader.last_line})"
        ) from error
    return loader.report


class _Loader:
    """The state of one load: the keys seen so far and what waits for the end."""

    def __init__(self):
        self.report = ImportReport()
        # line type -> key -> pk, of every object met so far.
        self.known: dict[str, dict[Any, int]] = defaultdict(dict)
        # (line number, what) of references to objects of the line's own type.
        self.later: list[tuple[int, Any]] = []
        self.created_pages: list[tuple[type[models.Model], int, str]] = []
        self.last_line = 0
        # Types the database has no object of: no need to look each line up.
        self.absent = {
            name
            for name, line_type in BY_NAME.items()
            if not line_type.model._default_manager.exists()
        }

    def line(self, number: int, raw: bytes) -> None:
        self.last_line = number
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DumpError(f"not valid JSON ({error}).", line=number) from error
        if not isinstance(data, dict):
            raise DumpError("not a JSON object.", line=number)
        if number == 1:
            _check_header(data)
            return
        name = data.get("type")
        line_type = BY_NAME.get(name) if isinstance(name, str) else None
        if line_type is None:
            raise DumpError(
                f"unknown type {name!r}; the types are {', '.join(BY_NAME)}.", line=number
            )
        _check_shape(line_type, data, number)
        what = f"{line_type.name} {data[line_type.key]!r}"
        try:
            self._object(line_type, data, number, what)
        except ValidationError as error:
            raise DumpError(f"{what}: {_messages(error)}", line=number) from error
        except IntegrityError as error:
            raise DumpError(
                f"{what} breaks a rule of the database ({error}).", line=number
            ) from error

    def finish(self) -> None:
        """Set the references that had to wait for the whole file."""
        for number, (what, apply) in self.later:
            try:
                apply()
            except ValidationError as error:
                raise DumpError(f"{what}: {_messages(error)}", line=number) from error
            except IntegrityError as error:
                raise DumpError(
                    f"{what} breaks a rule of the database ({error}).", line=number
                ) from error

    # --- One object ------------------------------------------------------------------

    def _object(self, line_type: LineType, data: dict, number: int, what: str) -> None:
        key = data[line_type.key]
        if key in self.known[line_type.name]:
            raise DumpError(f"{what} is in the dump twice.", line=number)
        existing = None
        if line_type.name not in self.absent:
            existing = with_lines(line_type).filter(**{line_type.key: key}).first()
        if existing is not None:
            differing = _differences(line_type, record(line_type, existing), data)
            if differing:
                raise DumpError(
                    f"{what} is already in the database and differs from this line "
                    f"({', '.join(differing)}). import_dump restores a dump into an empty "
                    "database (or one holding this very dump); it does not merge.",
                    line=number,
                )
            self.known[line_type.name][key] = existing.pk
            self.report.unchanged[line_type.name] += 1
            return

        obj = line_type.model()
        _assign(obj, line_type.fields, data)
        waiting = []
        for name, ref in line_type.refs:
            if ref.type == line_type.name and data[name] is not None:
                waiting.append((name, ref))
            else:
                setattr(obj, f"{ref.field}_id", self._pk(ref, data[name], number, what))
        _validate(obj, skip=[ref.field for _name, ref in line_type.refs])
        obj.save()
        self.known[line_type.name][key] = obj.pk
        self.report.created[line_type.name] += 1
        if line_type.is_entry:
            self.created_pages.append((line_type.model, obj.pk, obj.title))
        for name, ref in waiting:
            self.later.append((number, (what, self._set_later(obj, ref, data[name], number, what))))
        if line_type.tags:
            for tag in data["tags"]:
                obj.tagged_items.create(tag_id=self._pk(Ref("tag", "tag"), tag, number, what))
        for rows in line_type.rows:
            owner = line_type.model._meta.get_field(rows.accessor).field.name
            for item in data[rows.key]:
                self._row(rows, owner, obj, item, number, what)

    def _row(self, rows: Rows, owner: str, obj, item: dict, number: int, what: str) -> None:
        row = rows.model(**{owner: obj})
        _assign(row, rows.fields, item)
        ahead = False
        for name, ref in rows.refs:
            if ref.type == obj.KIND and item[name] not in self.known[ref.type]:
                ahead = True
            else:
                setattr(row, f"{ref.field}_id", self._pk(ref, item[name], number, what))

        def save() -> None:
            for name, ref in rows.refs:
                setattr(row, f"{ref.field}_id", self._pk(ref, item[name], number, what))
            _validate(row, skip=[owner, *(ref.field for _name, ref in rows.refs)])
            row.save()

        if ahead:
            self.later.append((number, (what, save)))
        else:
            save()

    def _set_later(self, obj, ref: Ref, value, number: int, what: str):
        def apply() -> None:
            setattr(obj, f"{ref.field}_id", self._pk(ref, value, number, what))
            _validate(obj, skip=[])
            # Only the reference: the rest was saved with the line (and counted once).
            type(obj)._default_manager.filter(pk=obj.pk).update(
                **{f"{ref.field}_id": getattr(obj, f"{ref.field}_id")}
            )

        return apply

    def _pk(self, ref: Ref, key, number: int, what: str) -> int | None:
        """The id of the object ``ref`` names by ``key`` (None for no object)."""
        if key is None:
            return None
        pk = self.known[ref.type].get(key)
        if pk is None:
            target = BY_NAME[ref.type]
            pk = (
                target.model._default_manager.filter(**{target.key: key})
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                raise DumpError(
                    f"{what} refers to the {ref.type} {key!r}, which is neither earlier in "
                    "the dump nor in the database.",
                    line=number,
                )
            self.known[ref.type][key] = pk
        return pk


def _validate(obj: models.Model, *, skip: list[str]) -> None:
    """``full_clean`` without the checks that query: uniqueness and the other constraints
    (the database enforces them) and the references ``skip`` (the loader found them)."""
    obj.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)


def _assign(obj: models.Model, names, data: dict) -> None:
    """Set the fields ``names`` of ``obj`` from ``data``, each converted by its field
    (``full_clean`` would run the model's ``clean`` on values it could not convert)."""
    errors = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        try:
            setattr(obj, model_field.attname, model_field.to_python(data[name]))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


# --- Checking lines ----------------------------------------------------------------------


def _check_header(data: dict) -> None:
    if data.get("type") != "header" or data.get("format") != FORMAT:
        raise DumpError(
            f'not the header of a Fandex dump (it should have "type": "header" and '
            f'"format": "{FORMAT}"): is this file a dump made by export_dump?',
            line=1,
        )
    if data.get("schema") != SCHEMA_VERSION:
        raise DumpError(
            f"the dump has schema version {data.get('schema')!r}; this site reads version "
            f"{SCHEMA_VERSION}. Load it with the version of Fandex that wrote it.",
            line=1,
        )


def _check_shape(line_type: LineType, data: dict, number: int) -> None:
    """Every field the type has, no other, and lists of the right shape."""
    _same_keys(line_type.keys(), data, f"a {line_type.name} line", number)
    key = data[line_type.key]
    if not isinstance(key, str) or not key:
        raise DumpError(f"a {line_type.name} needs a {line_type.key} (text).", line=number)
    if line_type.tags and not (
        isinstance(data["tags"], list) and all(isinstance(tag, str) for tag in data["tags"])
    ):
        raise DumpError(f"{line_type.name} {key!r}: tags must be a list of names.", line=number)
    for rows in line_type.rows:
        items = data[rows.key]
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise DumpError(
                f"{line_type.name} {key!r}: {rows.key} must be a list of objects.", line=number
            )
        expected = {*rows.fields, *(name for name, _ref in rows.refs)}
        for item in items:
            _same_keys(expected, item, f"{line_type.name} {key!r}: an item of {rows.key}", number)


def _same_keys(expected: set[str], data: dict, what: str, number: int) -> None:
    missing, unexpected = expected - data.keys(), data.keys() - expected
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"lacks {', '.join(sorted(missing))}")
        if unexpected:
            parts.append(f"has unknown fields {', '.join(sorted(unexpected))}")
        raise DumpError(f"{what} {' and '.join(parts)}.", line=number)


def _differences(line_type: LineType, current: dict, data: dict) -> list[str]:
    """The fields in which an object in the database differs from its line."""

    def normal(name: str, value):
        rows = next((rows for rows in line_type.rows if rows.key == name), None)
        if name == "tags":
            return sorted(value)
        if rows is not None and not rows.ordered:
            return sorted(value, key=sort_key)
        return value

    return [name for name in current if normal(name, current[name]) != normal(name, data[name])]


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
