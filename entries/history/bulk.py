"""History written in bulk: one reversion ``Revision`` with the ``Version`` rows of
many pages and a ``Change`` for each, the rows ``reversion.add_to_revision`` and
``services.note`` would write for the pages saved one at a time.

django-reversion copies its table of pending versions on every addition, which is
quadratic for thousands of pages (some 60,000 rows for the full bangumi-data
set), so the versions are built here, in bulk, the way ``reversion.add_to_revision``
builds them (a test compares the two). This module knows nothing of the importer
that uses it, so that other bulk writers can.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.utils import timezone
from reversion.models import Revision, Version

from ..models import Change, Entry, GalleryImage, TaggedEntry
from .registry import INLINES

# Pages per batch of versions.
BATCH_SIZE = 500


def record_bulk_history(
    pages: Sequence[Entry],
    *,
    comment: str,
    created: Mapping[int, Sequence[models.Model] | None],
    automated: bool,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Revision:
    """One revision holding every page of ``pages``, as ``services.note`` records it.
    ``automated``: whether a program wrote them (an import) rather than an editor,
    as ``services.recorded(automated=...)`` marks the changes.

    ``created`` holds the pages the caller has just created, by primary key, each
    with the other rows it wrote for them (aliases, streaming links...): their
    versions are built from what is in memory; one given with ``None`` (created, its
    rows not at hand: ``import_dump``'s) is read back whole, as is every other
    page. ``progress(done, total)`` counts the pages as their versions are saved.
    """
    revision = Revision.objects.create(date_created=timezone.now(), comment=comment)
    seen: set[tuple[int, str]] = set()
    total, done = len(pages), 0

    def save_versions(objects: Iterable[models.Model]) -> None:
        rows = []
        for row in _versions(objects, revision):
            # Tags and their like can be shared by several pages: one version each.
            key = (row["content_type_id"], row["object_id"])
            if key not in seen:
                seen.add(key)
                rows.append(row)
        insert_rows(Version, rows)

    def in_memory(page: Entry) -> bool:
        rows = created.get(page.pk)
        return rows is not None and all(row.pk is not None for row in rows)

    # A page just created holds exactly the rows written for it, still in memory.
    fresh = [page for page in pages if in_memory(page)]
    for start in range(0, len(fresh), BATCH_SIZE):
        batch = fresh[start : start + BATCH_SIZE]
        save_versions(obj for page in batch for obj in (page, page.entry_ptr, *created[page.pk]))
        done += len(batch)
        progress(done, total)
    # Other pages may have tags, credits, episodes...: read them back whole.
    others: dict[type[Entry], list[int]] = defaultdict(list)
    for page in pages:
        if not in_memory(page):
            others[type(page)].append(page.pk)
    for model, pks in others.items():
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start : start + BATCH_SIZE]
            rows = model._default_manager.filter(pk__in=chunk)
            save_versions(
                obj
                for page in rows.prefetch_related(*_page_prefetches(model))
                for obj in page_objects(page)
            )
            done += len(chunk)
            progress(done, total)

    Change.objects.bulk_create(
        (
            Change(
                revision=revision,
                entry_id=page.pk,
                entry_pk=page.pk,
                kind=page.kind,
                title=page.title,
                action=Change.Action.CREATE if page.pk in created else Change.Action.CHANGE,
                version=page.version,
                automated=automated,
            )
            for page in pages
        ),
        batch_size=1000,
    )
    return revision


def page_objects(entry: Entry) -> Iterator[models.Model]:
    """Every row a revision of ``entry`` (an Entry subclass) holds.

    The same rows ``reversion.add_to_revision`` reaches through the registration
    (``registry.follow``): the kind's row, the Entry row (``entry_ptr``), aliases,
    tagged items and their tags, gallery rows, and each of the kind's inlines,
    pages among them (episodes) with their own rows.
    """
    yield entry
    yield entry.entry_ptr  # built from the subclass's own fields: no query
    yield from _related(entry, "aliases")
    yield from _related(entry, "gallery")
    for tagged in _related(entry, "tagged_items"):
        yield tagged
        yield tagged.tag
    for inline in INLINES[type(entry)]:
        for row in _related(entry, inline.follow):
            if type(row) in INLINES:
                yield from page_objects(row)
            else:
                yield row


def _related(entry: Entry, name: str):
    prefetched = getattr(entry, f"_history_{name}", None)
    return prefetched if prefetched is not None else getattr(entry, name).all()


def _page_prefetches(model: type[Entry]) -> list[models.Prefetch]:
    """What ``page_objects`` reads of pages of ``model``, for ``prefetch_related``.

    Into plain lists (``to_attr``): Django's prefetch into a related manager
    clones a queryset per object and relation, which for thousands of pages
    costs more than the queries. The rows come with what their ``str()`` (the
    version's ``object_repr``) reads.
    """
    prefetches = [
        models.Prefetch("aliases", to_attr="_history_aliases"),
        models.Prefetch(
            "tagged_items",
            queryset=TaggedEntry.objects.select_related("tag"),
            to_attr="_history_tagged_items",
        ),
        models.Prefetch(
            "gallery",
            queryset=GalleryImage.objects.select_related("picture"),
            to_attr="_history_gallery",
        ),
    ]
    for inline in INLINES[model]:
        rows = inline.model._default_manager.select_related()
        if inline.model in INLINES:
            rows = rows.prefetch_related(*_page_prefetches(inline.model))
        name = inline.follow
        prefetches.append(models.Prefetch(name, queryset=rows, to_attr=f"_history_{name}"))
    return prefetches


@cache
def _serialized_fields(model: type[models.Model]) -> tuple[str, ...]:
    # As reversion.register computes them when given no ``fields``.
    opts = model._meta.concrete_model._meta
    return tuple(f.name for f in opts.local_fields + opts.local_many_to_many)


def _versions(objects: Iterable[models.Model], revision: Revision) -> Iterator[dict[str, Any]]:
    """The ``Version`` rows of ``objects`` in ``revision``, as reversion serializes them.

    Django's "json" serializer writes through ``json.dump``, which cannot use the C
    encoder; the "python" serializer plus ``json.dumps`` gives the same document
    several times faster.
    """
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    for model, rows in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        using = router.db_for_write(model)
        dumped = serializers.serialize("python", rows, fields=_serialized_fields(model))
        for obj, data in zip(rows, dumped, strict=True):
            yield {
                "revision_id": revision.pk,
                "content_type_id": content_type.pk,
                "object_id": str(obj.pk),
                "db": using,
                "format": "json",
                "serialized_data": json.dumps([data], cls=DjangoJSONEncoder, ensure_ascii=False),
                "object_repr": str(obj),
            }


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (field attname -> value) into ``model``'s own table at once.

    ``bulk_create`` builds a model instance and compiles every value of every row;
    for tens of thousands of rows whose keys nobody needs back (versions, a kind's
    own rows) that is most of a bulk write's time. One ``executemany`` does the
    same INSERTs. It writes only the model's own table (no parents), and fills no
    defaults: every row names every field but an auto-incremented key.
    """
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [[f.get_db_prep_save(row[f.attname], connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
