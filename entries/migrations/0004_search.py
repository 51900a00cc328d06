# Search: one search document per entry, and what each database indexes it with.
#
# The SQL is frozen here, as a migration should be; entries/search/sqlite.py holds
# the current SQLite schema, which `manage.py rebuild_search_index` reinstalls.

import html
import unicodedata

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    # Trusted since PostgreSQL 13: a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # 'simple': no stemming, no stop words, so names match exactly (see
    # entries/search/postgres.py for why).
    """
    ALTER TABLE entries_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, names), 'A')
        || setweight(to_tsvector('simple'::regconfig, summary || ' ' || tags), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'C')
    ) STORED
    """,
    "CREATE INDEX searchdoc_vector_idx ON entries_searchdocument USING gin (vector)",
    "CREATE INDEX searchdoc_names_trgm_idx ON entries_searchdocument "
    "USING gin (names gin_trgm_ops)",
    # The search box's "alias starts with" (LIKE 'key%'), as Django adds for
    # the entries' name keys.
    "CREATE INDEX alias_name_key_like_idx ON entries_alias (name_key varchar_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS alias_name_key_like_idx",
    "DROP INDEX IF EXISTS searchdoc_names_trgm_idx",
    "DROP INDEX IF EXISTS searchdoc_vector_idx",
    "ALTER TABLE entries_searchdocument DROP COLUMN IF EXISTS vector",
    # pg_trgm stays: something else may use it.
]

SQLITE_FORWARD = [
    # Words of every text, ranked with bm25 (the counterpart of the tsvector).
    """
    CREATE VIRTUAL TABLE entries_searchdocument_words USING fts5(
        names, summary, tags, body,
        content='entries_searchdocument', content_rowid='entry_id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    # Any part of a name (the counterpart of the trigram index).
    """
    CREATE VIRTUAL TABLE entries_searchdocument_names USING fts5(
        names,
        content='entries_searchdocument', content_rowid='entry_id',
        tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER entries_searchdocument_fts_insert
    AFTER INSERT ON entries_searchdocument BEGIN
        INSERT INTO entries_searchdocument_words(rowid, names, summary, tags, body)
        VALUES (new.entry_id, new.names, new.summary, new.tags, new.body);
        INSERT INTO entries_searchdocument_names(rowid, names) VALUES (new.entry_id, new.names);
    END
    """,
    """
    CREATE TRIGGER entries_searchdocument_fts_delete
    AFTER DELETE ON entries_searchdocument BEGIN
        INSERT INTO entries_searchdocument_words(
            entries_searchdocument_words, rowid, names, summary, tags, body
        ) VALUES ('delete', old.entry_id, old.names, old.summary, old.tags, old.body);
        INSERT INTO entries_searchdocument_names(entries_searchdocument_names, rowid, names)
        VALUES ('delete', old.entry_id, old.names);
    END
    """,
    """
    CREATE TRIGGER entries_searchdocument_fts_update
    AFTER UPDATE OF names, summary, tags, body ON entries_searchdocument BEGIN
        INSERT INTO entries_searchdocument_words(
            entries_searchdocument_words, rowid, names, summary, tags, body
        ) VALUES ('delete', old.entry_id, old.names, old.summary, old.tags, old.body);
        INSERT INTO entries_searchdocument_names(entries_searchdocument_names, rowid, names)
        VALUES ('delete', old.entry_id, old.names);
        INSERT INTO entries_searchdocument_words(rowid, names, summary, tags, body)
        VALUES (new.entry_id, new.names, new.summary, new.tags, new.body);
        INSERT INTO entries_searchdocument_names(rowid, names) VALUES (new.entry_id, new.names);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_update",
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS entries_searchdocument_fts_insert",
    "DROP TABLE IF EXISTS entries_searchdocument_names",
    "DROP TABLE IF EXISTS entries_searchdocument_words",
]


def _execute(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install_indexes(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})


def drop_indexes(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})


def _text(value):
    return unicodedata.normalize("NFKC", value or "").replace("\x00", "")


def index_existing_entries(apps, schema_editor):
    """Documents for the entries already there (later ones come from signals)."""
    from django.utils.html import strip_tags

    Entry = apps.get_model("entries", "Entry")
    Series = apps.get_model("entries", "Series")
    Episode = apps.get_model("entries", "Episode")
    Alias = apps.get_model("entries", "Alias")
    TaggedEntry = apps.get_model("entries", "TaggedEntry")
    SearchDocument = apps.get_model("entries", "SearchDocument")
    years = dict(Series.objects.values_list("pk", "year"))
    years.update(Episode.objects.values_list("pk", "series__year"))
    aliases, tags = {}, {}
    for entry_id, name in Alias.objects.values_list("entry_id", "name"):
        aliases.setdefault(entry_id, []).append(name)
    for entry_id, name in TaggedEntry.objects.values_list("content_object_id", "tag__name"):
        tags.setdefault(entry_id, set()).add(_text(name))
    documents = []
    for entry in Entry.objects.only(
        "pk", "kind", "title", "native_title", "summary", "body_html"
    ).iterator():
        names = [entry.title, entry.native_title, *aliases.get(entry.pk, [])]
        names = [name for name in dict.fromkeys(_text(n).strip() for n in names if n) if name]
        body = _text(html.unescape(strip_tags(entry.body_html or "")))
        documents.append(
            SearchDocument(
                entry_id=entry.pk,
                kind=entry.kind,
                year=years.get(entry.pk),
                names="\n".join(names),
                summary=" ".join(_text(entry.summary).split()),
                tags="\n".join(sorted(tags.get(entry.pk, ()))),
                body=" ".join(body.split()),
            )
        )
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE entries_searchdocument")


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0003_wiki_links_and_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="entries.entry",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("series", "Series"),
                            ("character", "Character"),
                            ("staff", "Staff"),
                            ("studio", "Studio"),
                            ("episode", "Episode"),
                        ],
                        max_length=16,
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("names", models.TextField(blank=True)),
                ("summary", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "year"], name="searchdoc_kind_year_idx"),
                    models.Index(fields=["year"], name="searchdoc_year_idx"),
                ],
            },
        ),
        migrations.RunPython(install_indexes, drop_indexes),
        migrations.RunPython(index_existing_entries, migrations.RunPython.noop),
    ]
