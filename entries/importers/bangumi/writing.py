"""Writing the planned series in bulk: a few statements per ``CHUNK_SIZE`` series
instead of five round trips each (see the package docstring, "Writing")."""

from django.db import connections, models, router
from django.utils import timezone

from entries import markup
from entries.history.bulk import insert_rows
from entries.models import Alias, Entry, Series, Streaming, StreamingPlatform, WikiLink
from entries.text import clean_text_fields
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
        create_pages([write.series for write in batch])
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
    update_columns(
        Streaming, [listing for write in writes for listing in write.changed_listings], ["url"]
    )


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
            update_columns(model, objects, own)


def update_columns(
    model: type[models.Model], objects: list[models.Model], names: list[str]
) -> None:
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


def create_pages(batch: list[Entry]) -> None:
    """Insert new pages of one kind (slugs already made) in a few statements.

    ``Series.objects.create`` costs five round trips a page (a savepoint, two
    inserts, the wiki-link check, the release); for thousands of pages this
    does what ``Entry.save`` would do, in bulk: clean text, name keys, the body
    rendered; the Entry rows through ``bulk_create`` (which returns their keys),
    then the kind's rows with ``insert_rows``, since ``bulk_create`` refuses
    multi-table children; then the bodies' wiki links in one more. Without
    RETURNING support it falls back to ``save``. (The bangumi importer's pages
    have no body; ``import_dump``'s do.)
    """
    if not batch:
        return
    model = type(batch[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        for page in batch:
            page.save(using=using)
        return
    parent_fields = [f for f in Entry._meta.concrete_fields if not f.primary_key]
    parents, links = [], []
    for page in batch:
        clean_text_fields(page)
        page.title_key = name_key(page.title)
        page.native_key = name_key(page.native_title)
        rendered = markup.render(page.body)
        page.body_html = rendered.html
        links.append(rendered)
        parents.append(Entry(**{f.attname: getattr(page, f.attname) for f in parent_fields}))
    Entry.objects.using(using).bulk_create(parents)
    for page, parent in zip(batch, parents, strict=True):
        # The parent's key, and what bulk_create filled in (created_at, updated_at).
        for model_field in Entry._meta.concrete_fields:
            setattr(page, model_field.attname, getattr(parent, model_field.attname))
        page.entry_ptr_id = parent.pk
        page._state.adding = False
        page._state.db = using

    own_fields = model._meta.local_concrete_fields
    insert_rows(
        model, [{f.attname: getattr(page, f.attname) for f in own_fields} for page in batch]
    )
    # What ``WikiLink.objects.record`` writes for a new page: one row per target.
    WikiLink.objects.using(using).bulk_create(
        WikiLink(
            source_id=page.pk,
            target_kind=target.kind,
            target_name=target.name,
            target_key=target.key,
            in_spoiler=(target.kind, target.key) in rendered.hidden,
        )
        for page, rendered in zip(batch, links, strict=True)
        for target in {(target.kind, target.key): target for target in rendered.links}.values()
    )
