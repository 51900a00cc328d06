# What the home page and the tag pages read without sorting everything (the tag
# counts they show are TagCount's, migration 0013):
#
# 1. series_newest_idx (PostgreSQL), the newest series first, for the home page
#    (EntryQuerySet.featured_first): it reads them in this order and sorts only a
#    year's worth by their last edit, where it sorted all 8,800 joined to entries.
# 2. The title of a tagging's entry, copied onto entries_taggedentry.entry_title
#    (a column Django does not know: no form, revision, dump or backup carries it)
#    and kept by triggers, with taggedentry_tag_title_idx: a tag's page reads its
#    96 entries in title order from the index (EntryQuerySet.tagged_page) instead
#    of looking up the title of each of the tag's 5,085 entries.
# 3. change_entry_latest_idx: whether a program made an entry's latest change,
#    from the index alone (the home page's recently updated list).
#
# The entry title: copied when a tagging is inserted (or its entry, for rows a
# restore loads first) and whenever an entry's title changes; any other write
# to the copy is undone (a tagging's update copies the title again).
#
# SQLite drops a table's triggers when a later migration remakes the table (as
# AlterField does there), and the remade entries_taggedentry would lose
# entry_title: such a migration must create them again. The tests of
# tests/models/test_tag_counts_write_paths.py and tests/views/test_tag_pages.py fail without them.

from django.db import migrations, models

POSTGRES_TITLE_FORWARD = [
    "ALTER TABLE entries_taggedentry ADD COLUMN entry_title varchar(255) NOT NULL DEFAULT ''",
    """
    UPDATE entries_taggedentry SET entry_title = entries_entry.title
    FROM entries_entry WHERE entries_entry.id = entries_taggedentry.content_object_id
    """,
    """
    CREATE FUNCTION entries_taggedentry_entry_title() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.entry_title := COALESCE(
            (SELECT title FROM entries_entry WHERE id = NEW.content_object_id), ''
        );
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER entries_taggedentry_entry_title
    BEFORE INSERT OR UPDATE ON entries_taggedentry
    FOR EACH ROW EXECUTE FUNCTION entries_taggedentry_entry_title()
    """,
    """
    CREATE FUNCTION entries_entry_title_to_tags() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE entries_taggedentry SET entry_title = NEW.title
        WHERE content_object_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER entries_entry_title_to_tags_insert
    AFTER INSERT ON entries_entry
    FOR EACH ROW EXECUTE FUNCTION entries_entry_title_to_tags()
    """,
    """
    CREATE TRIGGER entries_entry_title_to_tags_update
    AFTER UPDATE OF title ON entries_entry
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION entries_entry_title_to_tags()
    """,
]
POSTGRES_TITLE_BACKWARD = [
    "DROP TRIGGER IF EXISTS entries_entry_title_to_tags_update ON entries_entry",
    "DROP TRIGGER IF EXISTS entries_entry_title_to_tags_insert ON entries_entry",
    "DROP TRIGGER IF EXISTS entries_taggedentry_entry_title ON entries_taggedentry",
    "DROP FUNCTION IF EXISTS entries_entry_title_to_tags()",
    "DROP FUNCTION IF EXISTS entries_taggedentry_entry_title()",
    "ALTER TABLE entries_taggedentry DROP COLUMN IF EXISTS entry_title",
]
SQLITE_TITLE_FORWARD = [
    "ALTER TABLE entries_taggedentry ADD COLUMN entry_title varchar(255) NOT NULL DEFAULT ''",
    """
    UPDATE entries_taggedentry SET entry_title = COALESCE(
        (SELECT title FROM entries_entry WHERE id = entries_taggedentry.content_object_id), ''
    )
    """,
    """
    CREATE TRIGGER entries_taggedentry_entry_title_insert
    AFTER INSERT ON entries_taggedentry BEGIN
        UPDATE entries_taggedentry SET entry_title = COALESCE(
            (SELECT title FROM entries_entry WHERE id = new.content_object_id), ''
        ) WHERE id = new.id;
    END
    """,
    """
    CREATE TRIGGER entries_taggedentry_entry_title_update
    AFTER UPDATE OF content_object_id, entry_title ON entries_taggedentry BEGIN
        UPDATE entries_taggedentry SET entry_title = COALESCE(
            (SELECT title FROM entries_entry WHERE id = new.content_object_id), ''
        ) WHERE id = new.id;
    END
    """,
    """
    CREATE TRIGGER entries_entry_title_to_tags_insert
    AFTER INSERT ON entries_entry BEGIN
        UPDATE entries_taggedentry SET entry_title = new.title
        WHERE content_object_id = new.id;
    END
    """,
    """
    CREATE TRIGGER entries_entry_title_to_tags_update
    AFTER UPDATE OF title ON entries_entry WHEN old.title IS NOT new.title BEGIN
        UPDATE entries_taggedentry SET entry_title = new.title
        WHERE content_object_id = new.id;
    END
    """,
]
SQLITE_TITLE_BACKWARD = [
    "DROP TRIGGER IF EXISTS entries_entry_title_to_tags_update",
    "DROP TRIGGER IF EXISTS entries_entry_title_to_tags_insert",
    "DROP TRIGGER IF EXISTS entries_taggedentry_entry_title_update",
    "DROP TRIGGER IF EXISTS entries_taggedentry_entry_title_insert",
    "ALTER TABLE entries_taggedentry DROP COLUMN entry_title",
]
NEWEST_SERIES_INDEX = "CREATE INDEX series_newest_idx ON entries_series (year DESC NULLS LAST)"
# Both databases: a tag's open taggings by their entries' titles.
TITLE_INDEX = """
    CREATE INDEX taggedentry_tag_title_idx
    ON entries_taggedentry (tag_id, entry_title, content_object_id)
    WHERE revealed_in IS NULL
"""
def _execute(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install_newest_series_index(apps, schema_editor):
    # PostgreSQL only: SQLite has no NULLS LAST in an index, and sorts its thousands
    # of series fast enough.
    _execute(schema_editor, {"postgresql": [NEWEST_SERIES_INDEX]})


def drop_newest_series_index(apps, schema_editor):
    _execute(schema_editor, {"postgresql": ["DROP INDEX IF EXISTS series_newest_idx"]})


def install_entry_titles(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_TITLE_FORWARD, "sqlite": SQLITE_TITLE_FORWARD})
    schema_editor.execute(TITLE_INDEX)


def drop_entry_titles(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS taggedentry_tag_title_idx")
    _execute(
        schema_editor, {"postgresql": POSTGRES_TITLE_BACKWARD, "sqlite": SQLITE_TITLE_BACKWARD}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0013_tag_counts"),
    ]

    operations = [
        migrations.RunPython(install_newest_series_index, drop_newest_series_index),
        migrations.RunPython(install_entry_titles, drop_entry_titles),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                fields=["entry_pk", "id", "automated"], name="change_entry_latest_idx"
            ),
        ),
    ]
