"""Writing a dump (``export_dump``) and publishing one (``publish``,
``latest_published``) for ``/about/data/``.

Memory stays flat however large the site: each line type is read with
``QuerySet.iterator(chunk_size=...)``, whose prefetches (tags, aliases,
credits...) run once per chunk, and lines go to the gzip stream a chunk at a
time; nothing holds more than one chunk of objects. ``make bench-dump``
measures it (docs/benchmarks.md).

The file is the same for the same content: objects in byte order of their keys
(the database's collation aside: ``C`` on PostgreSQL, ``BINARY`` on SQLite, so
both databases give the same order), lists in a fixed order, no time in the
header, and a gzip header with no file name and a zero time.
"""

from __future__ import annotations

import datetime
import gzip
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, models, transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Collate
from django.utils import timezone

from ..models import Entry, GalleryImage, Picture, TaggedEntry
from ..signals import entries_changed
from .format import LINE_TYPES, TAGS_ACCESSOR, LineType, encode, header, prefetched_as, record

CHUNK_SIZE = 500
COMPRESS_LEVEL = 6
# Where ``publish`` puts dumps in the media storage, one a day.
PUBLISHED_DIR = "dumps"
PUBLISHED_NAME = re.compile(r"fandex-(?P<date>\d{8})\.jsonl\.gz")
# Byte-order collations: the same order on both databases.
BYTEWISE = {"postgresql": "C", "sqlite": "BINARY"}


@dataclass
class ExportReport:
    path: Path | None = None
    counts: Counter = field(default_factory=Counter)  # line type -> lines

    def summary(self) -> str:
        return ", ".join(f"{count} {kind}" for kind, count in self.counts.items()) or "nothing"


def export_dump(path: str | Path, *, chunk_size: int = CHUNK_SIZE) -> ExportReport:
    """Write the whole encyclopedia to ``path`` (see ``format``), in one snapshot.

    The file appears whole or not at all: it is written next to ``path`` and moved
    into place at the end.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with (
            _snapshot(),
            partial.open("wb") as raw,
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESS_LEVEL
            ) as stream,
        ):
            counts = write_lines(stream, chunk_size=chunk_size)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return ExportReport(path=path, counts=counts)


def write_lines(stream: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> Counter:
    """Write the header and every object's line to ``stream``; the lines of each type."""
    counts: Counter = Counter()
    stream.write(encode(header()))
    for line_type in LINE_TYPES:
        buffer: list[bytes] = []
        for obj in exported(line_type).iterator(chunk_size=chunk_size):
            buffer.append(encode(record(line_type, obj)))
            counts[line_type.name] += 1
            if len(buffer) >= chunk_size:
                stream.write(b"".join(buffer))
                buffer.clear()
        stream.write(b"".join(buffer))
    return counts


def with_lines(line_type: LineType) -> models.QuerySet:
    """``line_type``'s objects with everything ``format.record`` reads, in a fixed number
    of queries per chunk (the loader reads existing objects through it too)."""
    rows = line_type.model._default_manager.all()
    related = [ref.field for _name, ref in line_type.refs]
    if related:
        rows = rows.select_related(*related)
    prefetches = []
    if line_type.tags:
        prefetches.append(
            Prefetch(
                TAGS_ACCESSOR,
                TaggedEntry.objects.select_related("tag"),
                to_attr=prefetched_as(TAGS_ACCESSOR),
            )
        )
    for list_rows in line_type.rows:
        refs = [ref.field for _name, ref in list_rows.refs]
        prefetches.append(
            Prefetch(
                list_rows.accessor,
                list_rows.model._default_manager.select_related(*refs),
                to_attr=prefetched_as(list_rows.accessor),
            )
        )
    return rows.prefetch_related(*prefetches)


def exported(line_type: LineType) -> models.QuerySet:
    """What a dump holds of ``line_type``, in its order. Pictures only when an entry or a
    gallery uses them (the others are kept for old revisions, which a dump leaves out)."""
    rows = with_lines(line_type)
    if line_type.is_entry:
        # Implied by the join with the kind's table; said, so that SQLite reads the
        # rows in slug order from unique_slug_per_kind's index instead of sorting.
        rows = rows.filter(kind=line_type.model.KIND)
    if line_type.model is Picture:
        in_use = Q(pk__in=Entry.objects.filter(image__isnull=False).values("image_id"))
        rows = rows.filter(in_use | Q(pk__in=GalleryImage.objects.values("picture_id")))
    collation = BYTEWISE.get(connection.vendor)
    key = Collate(line_type.key, collation) if collation else models.F(line_type.key)
    return rows.order_by(key)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction, so every line is of the same moment; on PostgreSQL a repeatable
    read (the default, read committed, takes a new snapshot per query). Like ``backup``,
    on SQLite it holds the write lock while it runs."""
    # Inside an enclosing block (a test's) queries may have run: too late to choose.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


# --- Publishing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDump:
    name: str  # in the storage
    url: str
    size: int  # bytes
    date: datetime.date


def published_name(date: datetime.date) -> str:
    return f"{PUBLISHED_DIR}/fandex-{date:%Y%m%d}.jsonl.gz"


def publish(
    *, date: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> tuple[PublishedDump, ExportReport]:
    """Export a dump into the media storage as ``dumps/fandex-YYYYMMDD.jsonl.gz`` (today's
    replaces one published earlier the same day), and make ``/about/data/`` fresh."""
    name = published_name(date or timezone.localdate())
    with tempfile.TemporaryDirectory() as work:
        report = export_dump(Path(work) / "dump.jsonl.gz", chunk_size=chunk_size)
        if default_storage.exists(name):
            default_storage.delete(name)
        with report.path.open("rb") as content:
            saved = default_storage.save(name, File(content))
    # The page that links it is cached like any other: the same announcement as a
    # write, with no entry changed (the caches move on to a new generation).
    transaction.on_commit(
        lambda: entries_changed.send(
            sender=Entry, changed=frozenset(), entries=frozenset(), tags=frozenset()
        )
    )
    published = latest_published()
    if published is None or published.name != saved:
        raise RuntimeError(f"The storage saved the dump as {saved!r}, not {name!r}.")
    return published, report


def latest_published(storage: Storage | None = None) -> PublishedDump | None:
    """The newest dump ``publish`` put in the storage, or None."""
    storage = storage or default_storage
    try:
        _folders, files = storage.listdir(PUBLISHED_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return None
    dated = sorted(
        (match["date"], name) for name in files if (match := PUBLISHED_NAME.fullmatch(name))
    )
    if not dated:
        return None
    stamp, file_name = dated[-1]
    name = f"{PUBLISHED_DIR}/{file_name}"
    return PublishedDump(
        name=name,
        url=storage.url(name),
        size=storage.size(name),
        date=datetime.datetime.strptime(stamp, "%Y%m%d").date(),
    )
