"""Backups: the database and the pictures' files together, in one ``.tar.gz``.

``backup(path)`` writes, and ``restore(path)`` reads back:

- ``backup.json``: the format, when and from which database it was made, how many
  rows of each model and the storage names of the pictures' files;
- ``data/<app>.<model>.json``: every row of every model, in Django's JSON
  serialization (what ``dumpdata`` writes), one file per model;
- ``media/<name>``: every file a ``Picture`` owns (full size and renditions),
  read through the storage, so an S3 bucket is backed up the same way.

Why Django's serialization and not ``pg_dump`` or SQLite's ``.backup``: one format
and one code path for both databases, a backup from SQLite restores into
PostgreSQL and back, it needs no client binaries matching the server, and it
goes through the same migrations (a backup restores into a database migrated to
the same schema; run ``migrate`` first). The cost is speed, which stays in
seconds for the 8,800 imported series (``docs/benchmarks.md``).

Rows keep their ids: the history refers to entries by id (django-reversion's
``Version.object_id`` and the data of each version, ``Change.entry_pk``), so a
restore that renumbered them would attach old versions to other pages. Natural
keys are used only where ``migrate`` makes rows of its own with ids of its own:
content types and permissions (not backed up: ``migrate`` made them) are named
by natural key, and groups (the ``Editors`` group comes from a migration) are
matched by name. Sessions are left out, and search documents too: they are
made from the entries again on restore.

``restore`` refuses a database that holds anything (an entry, a user, a
revision...) unless ``force=True``, which empties it first. It is all or
nothing: the rows load in one transaction, and if a file cannot be written the
rows are rolled back and the files it wrote are deleted again.
"""

from __future__ import annotations

import datetime
import io
import json
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "backup.json"
DATA_DIR = "data"
MEDIA_DIR = "media"

# Made by migrate (content types, permissions), short-lived (sessions), or made
# from other rows on restore (search documents).
LEFT_OUT = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "entries.searchdocument",
    # Kept by triggers on the taggings (entries.models.counts): loading those counts them.
    "entries.tagcount",
}
# Rows a migration makes in every new database: matched by natural key, and not
# counted when deciding whether a database is empty.
MATCHED_BY_NAME = {"auth.group"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder with times to the microsecond (its own keeps
    milliseconds, after ECMA-262): a restore brings back the very moments."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


@dataclass
class Report:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    files_written: int = 0

    def summary(self) -> str:
        return f"{sum(self.rows.values())} rows of {len(self.rows)} models, {self.files} files"


def backed_up_models() -> list:
    """Every model whose rows a backup holds, in an order that loads (dependencies first)."""
    app_list = dict.fromkeys(apps.get_app_configs())
    models = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [
        model
        for model in models
        if model._meta.label_lower not in LEFT_OUT and model._meta.managed and not model._meta.proxy
    ]


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write a backup of the database ``using`` and the pictures' files to ``path``."""
    from .models import Picture

    path = Path(path)
    report = Report(path=path)
    media: list[str] = []
    partial = path.with_name(path.name + ".partial")
    # One transaction: the rows and the list of files are of one moment.
    with (
        transaction.atomic(using=using),
        tempfile.TemporaryDirectory() as work,
        tarfile.open(partial, "w:gz") as archive,
    ):
        for model in backed_up_models():
            label = model._meta.label_lower
            rows = model._base_manager.using(using).order_by(model._meta.pk.name)
            data = Path(work) / f"{label}.json"
            with data.open("w", encoding="utf-8") as stream:
                serializers.serialize(
                    "json",
                    rows.iterator(chunk_size=2000),
                    stream=stream,
                    # Other apps' foreign keys to content types and groups go by
                    # name; ours are ids (fast, and what the history refers to).
                    use_natural_foreign_keys=model._meta.app_label != "entries",
                    use_natural_primary_keys=label in MATCHED_BY_NAME,
                    cls=ExactJSONEncoder,
                )
            report.rows[label] = count = rows.count()
            if count:
                archive.add(data, arcname=f"{DATA_DIR}/{label}.json")
        for picture in Picture.objects.using(using).order_by("pk").iterator():
            for name in picture.storage_names():
                with picture.file.storage.open(name, "rb") as source:
                    _add(archive, f"{MEDIA_DIR}/{name}", source.read())
                media.append(name)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connections[using].vendor,
            "rows": report.rows,
            "media": media,
        }
        _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
    partial.replace(path)
    report.files = len(media)
    return report


def _add(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


def is_empty(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database holds nothing a backup would restore (what migrations
    make in every database aside)."""
    return not any(
        model._base_manager.using(using).exists()
        for model in backed_up_models()
        if model._meta.label_lower not in MATCHED_BY_NAME
    )


def restore(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Restore the backup at ``path`` into the database ``using`` and the storage.

    Refuses a database that is not empty, unless ``force`` (which empties it).
    """
    from .models import Entry
    from .search import indexing as search_indexing
    from .signals import entries_changed

    path = Path(path)
    report = Report(path=path)
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        manifest = _manifest(archive)
        known = {model._meta.label_lower for model in backed_up_models()}
        unknown = set(manifest["rows"]) - known
        if unknown:
            raise BackupError(
                f"The backup holds models this site does not have: {', '.join(sorted(unknown))}."
            )
        fixtures = []
        for label, count in manifest["rows"].items():
            if not count:  # no file for it: loaddata warns of an empty one
                continue
            target = Path(work) / f"{label}.json"
            target.write_bytes(_read(archive, f"{DATA_DIR}/{label}.json"))
            fixtures.append(str(target))
        if not force and not is_empty(using=using):
            raise BackupError(
                "The database is not empty; restoring would mix two sites. "
                "Restore into a new, migrated database, or use --force to replace "
                "everything in this one."
            )
        # Content types are looked up by natural key through a cache of ids; the
        # database may have been made again since this process filled it.
        ContentType.objects.clear_cache()
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                if force:
                    _empty(using)
                # Loading saves each entry raw; index them once, in bulk, at the end.
                with search_indexing.deferred():
                    call_command("loaddata", *fixtures, database=using, verbosity=0)
                for name in manifest["media"]:
                    if default_storage.exists(name):
                        # A picture's files are never rewritten: this name is this file.
                        continue
                    saved = default_storage.save(
                        name, ContentFile(_read(archive, f"{MEDIA_DIR}/{name}"))
                    )
                    written.append(saved)
                    if saved != name:
                        raise BackupError(f"The storage saved {name} as {saved}.")
                transaction.on_commit(
                    lambda: entries_changed.send(
                        sender=Entry, changed=frozenset(), entries=frozenset(), tags=frozenset()
                    ),
                    using=using,
                )
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    report.rows = manifest["rows"]
    report.files = len(manifest["media"])
    report.files_written = len(written)
    return report


def _manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(_read(archive, MANIFEST))
    except (BackupError, ValueError) as error:
        raise BackupError(f"This is not a Fandex backup ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name in manifest["media"]:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts:
            raise BackupError(f"The backup names a file outside the media folder: {name!r}.")
    return manifest


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"The backup has no {name}.") from None
    if not member.isfile():
        raise BackupError(f"{name} in the backup is not a file.")
    return archive.extractfile(member).read()


def _empty(using: str) -> None:
    """Delete every row a backup restores, inside the caller's transaction."""
    connection = connections[using]
    tables = set()
    for model in backed_up_models():
        tables.add(model._meta.db_table)
        for many in model._meta.local_many_to_many:
            tables.add(many.remote_field.through._meta.db_table)
    tables.add(apps.get_model("entries", "SearchDocument")._meta.db_table)
    # Emptied with the taggings it counts (which the loaded ones then count anew).
    tables.add(apps.get_model("entries", "TagCount")._meta.db_table)
    # The migration-made groups go too: the backup brings its own.
    statements = connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=False)
    with connection.cursor() as cursor, immediate_constraints(connection):
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def immediate_constraints(connection):
    """On PostgreSQL, foreign keys checked now inside the block: TRUNCATE refuses a
    table with checks still deferred from earlier in the transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        # Deferred again, for loaddata's rows that point forward.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
