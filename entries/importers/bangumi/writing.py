"""Writing the planned series in bulk: a few statements per ``CHUNK_SIZE`` series
instead of five round trips each (see the package docstring, "Writing")."""

from django.db import connections, models, router
from django.utils import timezone

from entries.history.bulk import insert_rows
from entries.models import Alias, Entry, Series, Streaming, StreamingPlatform
from entries.wikilinks import name_key

from ..progress import Progress
from .matching import CHUNK_SIZE
from .planning import _Write


def _write(writes: list[_Write], *, progress: Progress) -> None:
    platforms = {
        id(platform): platform
        for write in writes
        for platform, _ in write.new_listings
        if platform.pk is None
    }
    StreamingPlatform.objects.bulk_create(platforms.values())

    updates = [write for write in writes if not write.created]
    creates = [write for write in writes if write.created]
    total, done = len(writes), 0
    for start in range(0, len(updates), CHUNK_SIZE):
        batch = updates[start : start + CHUNK_SIZE]
        _update_series(batch)
        done += len(batch)
        progress("Writing", done, total)
    for start in range(0, len(creates), CHUNK_SIZE):
        batch = creates[start : start + CHUNK_SIZE]
        _create_series([write.series for write in batch])
        done += len(batch)
        progress("Writing", done, total)

    aliases = []
    for write in writes:
        rows = [
            Alias(entry=write.series, name=name, language=language, name_key=name_key(name))
            for name, language in write.aliases
        ]
        aliases.extend(rows)
        if write.created:
            write.written.extend(rows)
    Alias.objects.bulk_create(aliases, batch_size=1000)
    listings = []
    for write in writes:
        rows = [
            Streaming(series=write.series, platform=platform, url=url)
            for platform, url in write.new_listings
        ]
        listings.extend(rows)
        if write.created:
            write.written.extend(rows)
    Streaming.objects.bulk_create(listings, batch_size=1000)
    _update(Streaming, [listing for write in writes for listing in write.changed_listings], ["url"])


def _update_series(batch: list[_Write]) -> None:
    """Save changed series: what ``Entry.save`` would do for them, in two statements.

    The importer never touches a body, so its rendering and recorded links stand;
    the name keys, the version and ``updated_at`` move on, for every page with a
    change (a new alias or streaming link included).
    """
    now = timezone.now()
    changed = {"title_key", "native_key", "version", "updated_at"}
    for write in batch:
        series = write.series
        series.title_key = name_key(series.title)
        series.native_key = name_key(series.native_title)
        series.version += 1
        series.updated_at = now
        changed.update(write.fields)
    objects = [write.series for write in batch]
    for model in (Entry, Series):
        own = [f.name for f in model._meta.local_concrete_fields if f.name in changed]
        if own:
            _update(model, objects, own)


def _update(model: type[models.Model], objects: list[models.Model], names: list[str]) -> None:
    """UPDATE the ``names`` columns of ``model``'s own table for ``objects``, at once.

    ``bulk_update`` writes one CASE expression per field over the whole batch, and
    resolving those is slow past a few hundred rows; one ``executemany`` of a plain
    UPDATE does the same work. Every object's current values are written.
    """
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in names]
    key = model._meta.pk
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(key.column),
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
        + [key.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _create_series(batch: list[Series]) -> None:
    """Insert new series (slugs already made, no body) in a few statements.

    ``Series.objects.create`` costs five round trips a series (a savepoint, two
    inserts, the wiki-link check, the release); for thousands of series this
    does what ``Entry.save`` would do for a page with no body, in bulk: the
    Entry rows through ``bulk_create`` (which returns their keys), then the
    Series rows with ``insert_rows``, since ``bulk_create`` refuses multi-table
    children. Without RETURNING support it falls back to ``save``.
    """
    using = router.db_for_write(Series)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        for series in batch:
            series.save(using=using)
        return
    parent_fields = [f for f in Entry._meta.concrete_fields if not f.primary_key]
    parents = []
    for series in batch:
        if series.body:  # a body has links to render and record: the full save does that
            raise ValueError("_create_series is for series without a body")
        series.title_key = name_key(series.title)
        series.native_key = name_key(series.native_title)
        series.body_html = ""
        parents.append(Entry(**{f.attname: getattr(series, f.attname) for f in parent_fields}))
    Entry.objects.using(using).bulk_create(parents)
    for series, parent in zip(batch, parents, strict=True):
        # The parent's key, and what bulk_create filled in (created_at, updated_at).
        for model_field in Entry._meta.concrete_fields:
            setattr(series, model_field.attname, getattr(parent, model_field.attname))
        series.entry_ptr_id = parent.pk
        series._state.adding = False
        series._state.db = using

    own_fields = Series._meta.local_concrete_fields
    insert_rows(
        Series, [{f.attname: getattr(series, f.attname) for f in own_fields} for series in batch]
    )
