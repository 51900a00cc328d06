"""Keeping the search documents fresh.

An entry's ``SearchDocument`` is rebuilt whenever something it is made of
changes, through signals (``connect_signals``, from ``EntriesConfig.ready``):

- saving an entry of any kind (and the raw saves of a revert or ``loaddata``);
  saving a series also moves its episodes' documents to its year;
- adding, changing or deleting an alias or a tag on an entry (taggit's
  ``tags.add``/``set``/``remove`` write ``TaggedEntry`` rows one by one), and
  renaming or deleting a tag;
- deleting an entry deletes its document (a cascade; the handler makes sure).

The documents follow the database at once, inside the same transaction, so a
search right after a save sees it. Writes that touch many entries can wrap
themselves in ``deferred()`` to index each touched entry once, at the end, in
bulk. Writes that bypass signals (``QuerySet.update``, ``bulk_create``) need
``index_entries(ids)`` or ``manage.py rebuild_search_index``.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice

from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags

from ..models import KIND_MODELS, Alias, Entry, Episode, SearchDocument, Tag, TaggedEntry
from ..spoilers import without_spoilers

CHUNK_SIZE = 500
DOCUMENT_FIELDS = ["kind", "year", "names", "summary", "tags", "body"]

# Entry ids waiting for the end of a ``deferred()`` block (None outside one).
_pending: ContextVar[set[int] | None] = ContextVar("fandex_search_pending", default=None)


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    """``items`` in tuples of ``size`` (itertools.batched arrives in Python 3.12)."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _text(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").replace("\x00", "")


def plain_text(body_html: str) -> str:
    """The words of a rendered body, without markup and without its spoiler passages
    (a snippet could not hide them), on one line."""
    body_html = without_spoilers(body_html or "")
    return " ".join(_text(html.unescape(strip_tags(body_html))).split())


def build_document(entry: Entry, *, year: int | None, aliases: Iterable[str], tags: Iterable[str]):
    names = [entry.title, entry.native_title, *aliases]
    unique_names = list(dict.fromkeys(_text(name).strip() for name in names if name))
    return SearchDocument(
        entry_id=entry.pk,
        kind=entry.kind,
        year=year,
        names="\n".join(name for name in unique_names if name),
        summary=" ".join(_text(entry.summary).split()),
        tags="\n".join(sorted({_text(tag) for tag in tags})),
        body=plain_text(entry.body_html),
    )


def _documents(ids: list[int]) -> list[SearchDocument]:
    """The documents of the entries ``ids`` that exist: three queries."""
    entries = (
        Entry.objects.filter(pk__in=ids)
        .only("pk", "kind", "title", "native_title", "summary", "body_html")
        .annotate(year_=Coalesce("as_series__year", "as_episode__series__year"))
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.only("pk", "entry_id", "name")),
            Prefetch("tagged_items", queryset=TaggedEntry.objects.select_related("tag")),
        )
        .order_by()
    )
    return [
        build_document(
            entry,
            year=entry.year_,
            aliases=[alias.name for alias in entry.aliases.all()],
            # Spoiler tags stay out: a search by one would tell who has it.
            tags=[item.tag.name for item in entry.tagged_items.all() if item.revealed_in is None],
        )
        for entry in entries
    ]


def index_entries(ids: Iterable[int]) -> int:
    """Rebuild the documents of the entries ``ids`` now; ids of deleted entries are skipped.

    Four queries per ``CHUNK_SIZE`` entries, and one more when the chunk has series
    (their episodes take their year). Returns how many documents were written.
    """
    written = 0
    for chunk in batched(sorted({int(pk) for pk in ids if pk is not None}), CHUNK_SIZE):
        documents = _documents(list(chunk))
        if not documents:
            continue
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["entry"],
            update_fields=DOCUMENT_FIELDS,
        )
        written += len(documents)
        series_ids = [doc.entry_id for doc in documents if doc.kind == Entry.Kind.SERIES]
        if series_ids:
            SearchDocument.objects.filter(
                kind=Entry.Kind.EPISODE,
                entry_id__in=Episode.objects.filter(series_id__in=series_ids).values("pk"),
            ).update(
                year=Subquery(
                    Episode.objects.filter(pk=OuterRef("entry_id")).values("series__year")[:1]
                )
            )
    return written


def entries_changed(ids: Iterable[int]) -> None:
    """Index ``ids`` now, or at the end of the ``deferred()`` block we are in."""
    pending = _pending.get()
    if pending is None:
        index_entries(ids)
    else:
        pending.update(pk for pk in ids if pk is not None)


@contextmanager
def deferred() -> Iterator[None]:
    """Index every entry touched inside the block once, in bulk, when it ends.

    For imports and other writes of many rows. Nested blocks join the outer one.
    If the block raises, nothing is indexed (its transaction is rolled back, or
    ``rebuild_search_index`` puts things right).
    """
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    index_entries(pending)


def rebuild(*, chunk_size: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
    """Rewrite every search document (and the database's own index), in one transaction."""
    from . import get_backend

    backend = get_backend()
    ids = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        backend.prepare_bulk_load(cursor)
        SearchDocument.objects.all().delete()
        for chunk in batched(ids, max(1, chunk_size)):
            documents = _documents(list(chunk))
            SearchDocument.objects.bulk_create(documents, batch_size=500)
            done += len(documents)
            if progress is not None:
                progress(done, len(ids))
        backend.finish_bulk_load(cursor)
    return done


# --- Signals ----------------------------------------------------------------------------


def _deleting_entries(origin) -> bool:
    """Whether a deletion started at an entry (or entries): their rows are going anyway."""
    if isinstance(origin, Entry):
        return True
    model = getattr(origin, "model", None)
    return isinstance(model, type) and issubclass(model, Entry)


def _entry_saved(sender, instance, **kwargs) -> None:
    entries_changed([instance.pk])


def _entry_deleted(sender, instance, **kwargs) -> None:
    # The document goes with the entry (a cascade); but an alias or tag deleted in
    # the same cascade by a deletion that did not start at an entry (reversion's
    # revert) may have written it again, after the cascade had removed it.
    SearchDocument.objects.filter(entry_id=instance.pk).delete()


def _alias_changed(sender, instance, **kwargs) -> None:
    if not _deleting_entries(kwargs.get("origin")):
        entries_changed([instance.entry_id])


def _tagging_changed(sender, instance, **kwargs) -> None:
    if not _deleting_entries(kwargs.get("origin")):
        entries_changed([instance.content_object_id])


def _tag_saved(sender, instance, created=False, **kwargs) -> None:
    if not created:  # a rename: every entry with the tag shows the new name
        entries_changed(
            TaggedEntry.objects.filter(tag=instance).values_list("content_object_id", flat=True)
        )


def _tag_deleted(sender, instance, **kwargs) -> None:
    # Deleting a tag deletes its TaggedEntry rows first, which re-indexes their
    # entries; but rows moved off it by a queryset update (services.merge_tags)
    # send no signal. Documents that still list the name are stale: redo them.
    name = _text(instance.name)
    if name:
        entries_changed(
            SearchDocument.objects.filter(tags__icontains=name).values_list("entry_id", flat=True)
        )


def _connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from .sqlite import register_functions

        register_functions(connection)


def connect_signals() -> None:
    """Connect the handlers above (once; called from ``EntriesConfig.ready``)."""
    connection_created.connect(_connection_created, dispatch_uid="search.sqlite_functions")
    for model in (Entry, *KIND_MODELS.values()):
        post_save.connect(_entry_saved, sender=model, dispatch_uid=f"search.saved.{model.__name__}")
    post_delete.connect(_entry_deleted, sender=Entry, dispatch_uid="search.entry_deleted")
    post_save.connect(_alias_changed, sender=Alias, dispatch_uid="search.alias_saved")
    post_delete.connect(_alias_changed, sender=Alias, dispatch_uid="search.alias_deleted")
    post_save.connect(_tagging_changed, sender=TaggedEntry, dispatch_uid="search.tagged")
    post_delete.connect(_tagging_changed, sender=TaggedEntry, dispatch_uid="search.untagged")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="search.tag_saved")
    post_delete.connect(_tag_deleted, sender=Tag, dispatch_uid="search.tag_deleted")
