"""Public taggings counted per tag and kind (``entries.models.counts.TagCount``), kept
by triggers on ``entries_taggedentry``, and the rows already there counted; the
indexes' title-order index made covering (``include``) for index-only walks, and
indexes for their newest and recently edited orders.

On SQLite, a later migration that makes Django rebuild ``entries_taggedentry``
(most ``AlterField``/``RemoveField`` there: a new table copied and renamed) drops
its triggers with the old table: such a migration must create them again
(``create_triggers``). ``tests/models/test_tag_counts.py`` fails if they are gone.
"""

import django.db.models.deletion
import entries.models.entries
from django.db import migrations, models

# A tagging counts when it has no spoiler mark; its kind is its entry's (never changed).
KIND_OF_OLD = "(SELECT kind FROM entries_entry WHERE id = OLD.content_object_id)"
COUNT_NEW = (
    "INSERT INTO entries_tagcount (tag_id, kind, entries) "
    "SELECT NEW.tag_id, kind, 1 FROM entries_entry WHERE id = NEW.content_object_id {also} "
    "ON CONFLICT (tag_id, kind) DO UPDATE SET entries = entries_tagcount.entries + 1;"
)
UNCOUNT_OLD = (
    "UPDATE entries_tagcount SET entries = entries - 1 "
    f"WHERE tag_id = OLD.tag_id AND kind = {KIND_OF_OLD} {{also}};"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION entries_tagcount_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
            AND OLD.tag_id = NEW.tag_id
            AND OLD.content_object_id = NEW.content_object_id
            AND (OLD.revealed_in IS NULL) = (NEW.revealed_in IS NULL) THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            IF OLD.revealed_in IS NULL THEN
                {UNCOUNT_OLD.format(also="")}
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.revealed_in IS NULL THEN
                {COUNT_NEW.format(also="")}
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER tagcount_follow AFTER INSERT OR UPDATE OR DELETE ON entries_taggedentry
    FOR EACH ROW EXECUTE FUNCTION entries_tagcount_follow()
    """,
    # TRUNCATE fires no row trigger: a restore from a backup, Django's flush.
    """
    CREATE FUNCTION entries_tagcount_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM entries_tagcount;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER tagcount_empty AFTER TRUNCATE ON entries_taggedentry
    FOR EACH STATEMENT EXECUTE FUNCTION entries_tagcount_empty()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS tagcount_follow ON entries_taggedentry",
    "DROP TRIGGER IF EXISTS tagcount_empty ON entries_taggedentry",
    "DROP FUNCTION IF EXISTS entries_tagcount_follow()",
    "DROP FUNCTION IF EXISTS entries_tagcount_empty()",
]

# SQLite's upsert after INSERT … SELECT needs the SELECT's WHERE (its parser).
SQLITE = [
    f"""
    CREATE TRIGGER tagcount_insert AFTER INSERT ON entries_taggedentry
    WHEN NEW.revealed_in IS NULL
    BEGIN {COUNT_NEW.format(also="")} END
    """,
    f"""
    CREATE TRIGGER tagcount_delete AFTER DELETE ON entries_taggedentry
    WHEN OLD.revealed_in IS NULL
    BEGIN {UNCOUNT_OLD.format(also="")} END
    """,
    f"""
    CREATE TRIGGER tagcount_update
    AFTER UPDATE OF tag_id, content_object_id, revealed_in ON entries_taggedentry
    BEGIN
        {UNCOUNT_OLD.format(also="AND OLD.revealed_in IS NULL")}
        {COUNT_NEW.format(also="AND NEW.revealed_in IS NULL")}
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tagcount_insert",
    "DROP TRIGGER IF EXISTS tagcount_delete",
    "DROP TRIGGER IF EXISTS tagcount_update",
]

BACKFILL = """
    INSERT INTO entries_tagcount (tag_id, kind, entries)
    SELECT te.tag_id, e.kind, COUNT(*)
    FROM entries_taggedentry te JOIN entries_entry e ON e.id = te.content_object_id
    WHERE te.revealed_in IS NULL
    GROUP BY te.tag_id, e.kind
"""


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_triggers(apps, schema_editor):
    """The triggers, then the counts of the taggings already there (in the
    migration's transaction: no tagging is written between the two)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(f"tag counts need triggers written for {vendor}")
    _run(schema_editor, ["DELETE FROM entries_tagcount", BACKFILL])


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0012_taggedentry_tag_entry_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=16)),
                ("entries", models.IntegerField(default=0)),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counts",
                        to="entries.tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "tag count",
                "verbose_name_plural": "tag counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tag", "kind"), name="unique_count_per_tag_kind"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        # The title key included, for index-only walks to deep pages (PostgreSQL).
        migrations.RemoveIndex(model_name="entry", name="entry_kind_sort_key_idx"),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("kind"),
                entries.models.entries.TitleSortKey(),
                models.F("title"),
                models.F("id"),
                include=("title_key",),
                name="entry_kind_sort_key_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["kind", "created_at", "id"], name="entry_kind_created_idx"),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["kind", "updated_at", "id"], name="entry_kind_edited_idx"),
        ),
    ]
