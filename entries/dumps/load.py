"""Reading a dump back: ``import_dump(path)``.

Into an empty database it creates every object of the dump; run again (or on a
database that already holds some of it) it finds each object by its key and
writes nothing for it when it is the same as its line. An object that is there
but differs is an error: a dump restores a site, it does not merge two.

The whole load is one transaction: any bad line (not JSON, the wrong schema, an
unknown type, a missing or unexpected field, a value a field refuses, a reference
to an object that is neither earlier in the dump nor in the database) raises
``DumpError`` naming the line, and nothing is written.

Lines are read in chunks of ``CHUNK_SIZE``, and each chunk's run of lines of one
type costs a few statements, not a query or more per line: one look-up of the
existing objects by key (with ``export.with_lines``' prefetches, so they compare
with their lines in Python), one of the other objects they name that the dump did
not hold, then the new objects in bulk (entries through the bangumi importer's
``writing.create_pages``: what ``Entry.save`` does, bodies rendered and their wiki
links recorded, in a few statements) and their rows and tags in bulk. Each object
is checked as ``full_clean`` would without its queries (uniqueness and the
constraints are the database's, references the loader's); when the database
refuses a bulk insert, the chunk's rows are inserted again one by one (inside a
savepoint) so that the error names the line that breaks the rule. Memory holds a
chunk, plus the key-to-id maps of the objects met. No save signals are sent:
the search documents of the new entries are built in bulk at the end
(``search.indexing.deferred``), and the history gets one revision, "Imported
from a Fandex dump", with a version of every created entry and a ``Change``
"created" each, written in bulk like the bangumi-data importer's
(``history.bulk``); then the pages are announced (``services.announce_bulk``)
for the caches.

References to objects of the same type (a studio's predecessor, a series'
sequel) may point forward in the file: those not met yet are set once every
line is read.
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
from ..importers.bangumi.writing import create_pages, update_columns
from ..models import Alias, Entry, TaggedEntry
from ..search import indexing as search_indexing
from ..wikilinks import name_key
from .export import CHUNK_SIZE, with_lines
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
                chunk: list[tuple[int, bytes]] = []
                for number, line in enumerate(stream, start=1):
                    loader.last_line = number
                    if number == 1:
                        _check_header(_parse(line, 1))
                        continue
                    chunk.append((number, line))
                    if len(chunk) >= CHUNK_SIZE:
                        loader.chunk(chunk)
                        chunk = []
                if loader.last_line == 0:
                    raise DumpError("The file is empty: its first line should be the header.")
                loader.chunk(chunk)
                loader.finish()
                # Bulk inserts send no save signals: the new pages are indexed here.
                search_indexing.entries_changed(pk for _model, pk, _title in loader.created_pages)
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


@dataclass
class _Line:
    number: int
    data: dict
    what: str  # "series 'metallic-rouge'", for messages

    def error(self, message: str) -> DumpError:
        return DumpError(f"{self.what} {message}", line=self.number)


@dataclass
class _Pending:
    """A row (or, with ``field``, an object's own reference) that names an object of its
    own type not yet read: written at the end, when every line has been."""

    line: _Line
    row: models.Model
    refs: tuple[tuple[str, Ref], ...]
    values: dict  # ref name -> key
    field: str | None = None  # set: update ``row``'s ``field`` rather than insert it


class _Loader:
    """The state of one load: the keys seen so far and what waits for the end.

    Lines come a chunk at a time (``CHUNK_SIZE``); a chunk's lines of one type are
    looked up with one query (and its prefetches), the new ones inserted in bulk,
    their rows in bulk, so the cost is a few statements per chunk, not per line.
    """

    def __init__(self):
        self.report = ImportReport()
        # line type -> key -> pk, of every object met so far (and of those looked up).
        self.known: dict[str, dict[Any, int]] = defaultdict(dict)
        self.later: list[_Pending] = []
        self.created_pages: list[tuple[type[models.Model], int, str]] = []
        self.last_line = 0
        # Types the database had no object of: nothing to look up or compare.
        self.absent = {
            name
            for name, line_type in BY_NAME.items()
            if not line_type.model._default_manager.exists()
        }

    def chunk(self, raw_lines: list[tuple[int, bytes]]) -> None:
        """Check every line of the chunk, then load each run of lines of one type."""
        runs: list[tuple[LineType, list[_Line]]] = []
        for number, raw in raw_lines:
            data = _parse(raw, number)
            name = data.get("type")
            line_type = BY_NAME.get(name) if isinstance(name, str) else None
            if line_type is None:
                raise DumpError(
                    f"unknown type {name!r}; the types are {', '.join(BY_NAME)}.", line=number
                )
            _check_shape(line_type, data, number)
            line = _Line(number, data, f"{line_type.name} {data[line_type.key]!r}")
            if runs and runs[-1][0] is line_type:
                runs[-1][1].append(line)
            else:
                runs.append((line_type, [line]))
        for line_type, lines in runs:
            self._run(line_type, lines)

    def finish(self) -> None:
        """Write what had to wait for the whole file: references to later lines."""
        by_type: dict[str, set] = defaultdict(set)
        for pending in self.later:
            for name, ref in pending.refs:
                by_type[ref.type].add(pending.values[name])
        for name, keys in by_type.items():
            self._look_up(name, keys)
        inserts: dict[type[models.Model], list[tuple[_Line, models.Model]]] = defaultdict(list)
        updates: dict[tuple[type[models.Model], str], list[models.Model]] = defaultdict(list)
        for pending in self.later:
            line, row = pending.line, pending.row
            for name, ref in pending.refs:
                setattr(row, f"{ref.field}_id", self._pk(ref, pending.values[name], line))
            try:
                if pending.field:
                    row.clean()  # a studio cannot be its own predecessor
                else:
                    _validate(
                        row, skip=[f.name for f in row._meta.concrete_fields if f.is_relation]
                    )
            except ValidationError as error:
                raise DumpError(f"{line.what}: {_messages(error)}", line=line.number) from error
            if pending.field:
                updates[type(row), f"{pending.field}_id"].append(row)
            else:
                inserts[type(row)].append((line, row))
        for model, rows in inserts.items():
            _insert(model, rows)
        for (model, attname), rows in updates.items():
            # Only the reference: the rest was saved with the line (and counted once).
            update_columns(model, rows, [attname.removesuffix("_id")])
        self.later.clear()

    # --- One run of lines of one type ---------------------------------------------

    def _run(self, line_type: LineType, lines: list[_Line]) -> None:
        known = self.known[line_type.name]
        keys: dict[Any, _Line] = {}
        for line in lines:
            key = line.data[line_type.key]
            if key in known or key in keys:
                raise line.error("is in the dump twice.")
            keys[key] = line
        existing = {}
        if line_type.name not in self.absent:
            found = with_lines(line_type).filter(**{f"{line_type.key}__in": list(keys)})
            for obj in found:
                current = record(line_type, obj)
                existing[current[line_type.key]] = (obj.pk, current)
        new = []
        for line in lines:
            key = line.data[line_type.key]
            if key not in existing:
                new.append(line)
                continue
            pk, current = existing[key]
            differing = _differences(line_type, current, line.data)
            if differing:
                raise line.error(
                    f"is already in the database and differs from this line "
                    f"({', '.join(differing)}). import_dump restores a dump into an empty "
                    "database (or one holding this very dump); it does not merge."
                )
            known[key] = pk
            self.report.unchanged[line_type.name] += 1
        if new:
            self._create(line_type, new)

    def _create(self, line_type: LineType, lines: list[_Line]) -> None:
        own = line_type.name
        # Every other object the lines name, looked up at once (those not met yet).
        wanted: dict[str, set] = defaultdict(set)
        for line in lines:
            for name, ref in line_type.refs:
                if ref.type != own:
                    wanted[ref.type].add(line.data[name])
            if line_type.tags:
                wanted["tag"].update(line.data["tags"])
            for rows in line_type.rows:
                for name, ref in rows.refs:
                    if ref.type != own:
                        wanted[ref.type].update(item[name] for item in line.data[rows.key])
        for name, keys in wanted.items():
            self._look_up(name, keys)

        objects = []
        for line in lines:
            obj = line_type.model()
            waiting = {}
            try:
                _assign(obj, line_type.fields, line.data)
                for name, ref in line_type.refs:
                    value = line.data[name]
                    if ref.type == own and value is not None:
                        waiting[name] = ref
                    else:
                        setattr(obj, f"{ref.field}_id", self._pk(ref, value, line))
                _validate(obj, skip=[ref.field for _name, ref in line_type.refs])
            except ValidationError as error:
                raise DumpError(f"{line.what}: {_messages(error)}", line=line.number) from error
            objects.append((line, obj, waiting))
        _insert(line_type.model, [(line, obj) for line, obj, _waiting in objects])

        known = self.known[own]
        tagged, rows_by_model = [], defaultdict(list)
        for line, obj, waiting in objects:
            known[line.data[line_type.key]] = obj.pk
            self.report.created[own] += 1
            if line_type.is_entry:
                self.created_pages.append((line_type.model, obj.pk, obj.title))
            for name, ref in waiting.items():
                skeleton = line_type.model(pk=obj.pk)
                values = {name: line.data[name]}
                self.later.append(_Pending(line, skeleton, ((name, ref),), values, ref.field))
            if line_type.tags:
                marks = line.data["tag_marks"]
                for tag in line.data["tags"]:
                    row = TaggedEntry(content_object_id=obj.pk, revealed_in=marks.get(tag))
                    row.tag_id = self._pk(Ref("tag", "tag"), tag, line)
                    tagged.append((line, row))
        _insert(TaggedEntry, tagged)
        # Rows come after every object of the run: a series' sequel in the same chunk
        # is known by now; one further on waits for ``finish``.
        for line, obj, _waiting in objects:
            for rows in line_type.rows:
                owner = line_type.model._meta.get_field(rows.accessor).field
                for item in line.data[rows.key]:
                    row = self._row(rows, owner, obj, item, line)
                    if row is not None:
                        rows_by_model[rows.model].append((line, row))
        for model, rows in rows_by_model.items():
            _insert(model, rows)

    def _row(self, rows: Rows, owner, obj, item: dict, line: _Line) -> models.Model | None:
        """The row ``item`` of ``obj``'s line; None when it waits for a later line."""
        row = rows.model()
        setattr(row, owner.attname, obj.pk)
        try:
            _assign(row, rows.fields, item)
            ahead = {}
            for name, ref in rows.refs:
                if ref.type == obj.KIND and item[name] not in self.known[ref.type]:
                    ahead[name] = item[name]
                else:
                    setattr(row, f"{ref.field}_id", self._pk(ref, item[name], line))
            if ahead:
                refs = tuple((name, ref) for name, ref in rows.refs if name in ahead)
                self.later.append(_Pending(line, row, refs, ahead))
                return None
            _validate(row, skip=[owner.name, *(ref.field for _name, ref in rows.refs)])
        except ValidationError as error:
            raise DumpError(f"{line.what}: {_messages(error)}", line=line.number) from error
        return row

    def _look_up(self, type_name: str, keys) -> None:
        """Add to ``known`` the objects of ``keys`` that are in the database but were not
        met in the dump (one query; none when the type had no object)."""
        known = self.known[type_name]
        missing = [key for key in keys if key is not None and key not in known]
        if not missing or type_name in self.absent:
            return
        target = BY_NAME[type_name]
        for start in range(0, len(missing), CHUNK_SIZE):
            found = target.model._default_manager.filter(
                **{f"{target.key}__in": missing[start : start + CHUNK_SIZE]}
            ).values_list(target.key, "pk")
            known.update(found)

    def _pk(self, ref: Ref, key, line: _Line) -> int | None:
        """The id of the object ``ref`` names by ``key`` (None for no object); it was met
        in the dump or looked up (``_look_up``) before."""
        if key is None:
            return None
        pk = self.known[ref.type].get(key)
        if pk is None:
            raise line.error(
                f"refers to the {ref.type} {key!r}, which is neither earlier in "
                "the dump nor in the database."
            )
        return pk


def _insert(model: type[models.Model], rows: list[tuple[_Line, models.Model]]) -> None:
    """Insert ``rows`` in bulk. When the database refuses (a rule such as one MyAnimeList
    id a series), insert them one by one to find the line that breaks it."""
    if not rows:
        return
    objects = [obj for _line, obj in rows]
    if model is Alias:  # what ``Alias.save`` adds (full_clean cleaned the name)
        for obj in objects:
            obj.name_key = name_key(obj.name)
    try:
        with transaction.atomic():
            if issubclass(model, Entry):
                create_pages(objects)
            else:
                model._default_manager.bulk_create(objects, batch_size=CHUNK_SIZE)
    except IntegrityError as bulk_error:
        for line, obj in rows:
            obj.pk = None
            if issubclass(model, Entry):
                obj.id = None
            obj._state.adding = True
            try:
                with transaction.atomic():
                    obj.save()
            except IntegrityError as error:
                raise DumpError(
                    f"{line.what} breaks a rule of the database ({error}).", line=line.number
                ) from error
        first, last = rows[0][0].number, rows[-1][0].number
        raise DumpError(
            f"lines {first} to {last} break a rule of the database together ({bulk_error})."
        ) from bulk_error


def _parse(raw: bytes, number: int) -> dict:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DumpError(f"not valid JSON ({error}).", line=number) from error
    if not isinstance(data, dict):
        raise DumpError("not a JSON object.", line=number)
    return data


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
    if line_type.tags:
        marks = data["tag_marks"]
        if not (
            isinstance(marks, dict)
            and set(marks) <= set(data["tags"])
            and all(type(episode) is int and episode >= 1 for episode in marks.values())
        ):
            raise DumpError(
                f"{line_type.name} {key!r}: tag_marks must give some of its tags the number "
                "of the episode that reveals them (1 or more).",
                line=number,
            )
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
