# What the home page and the tag pages read without counting or sorting everything:
#
# 1. A tag's use count, stored and kept by the database (Tag's docstring says why).
# 2. series_newest_idx (PostgreSQL), the newest series first, for the home page
#    (EntryQuerySet.featured_first): it reads them in this order and sorts only a
#    year's worth by their last edit, where it sorted all 8,800 joined to entries.
# 3. The title of a tagging's entry, copied onto entries_taggedentry.entry_title
#    (a column Django does not know: no form, revision, dump or backup carries it)
#    and kept by triggers, with taggedentry_tag_title_idx: a tag's page reads its
#    96 entries in title order from the index (EntryQuerySet.tagged_page) instead
#    of looking up the title of each of the tag's 5,085 entries.
# 4. change_entry_latest_idx: whether a program made an entry's latest change,
#    from the index alone (the home page's recently updated list).
#
# The use count:
# Triggers rather than Python: every write that moves a tagging moves the count in
# the same statement, whatever wrote it (the admin's tag field, a merge's bulk
# update, the importers' and the dump loader's bulk inserts, the cascade of an
# entry's or a tag's delete, a restore's loaddata), with nothing to forget.
#
# - A tagging inserted, deleted, or moved to another tag or into or out of a
#   spoiler mark adds or takes one from the tags concerned; a spoiler-marked
#   tagging (revealed_in set) counts for nothing, as in the COUNT it replaces.
# - A tag inserted counts the taggings already there (a restore may load them
#   first, their foreign keys deferred), whatever count the insert gave it.
# - On PostgreSQL, an UPDATE that sets use_count other than from the triggers above
#   (pg_trigger_depth() 0) keeps the stored count. Tag.save leaves the field out of
#   its updates on both databases.
#
# The entry title: copied when a tagging is inserted (or its entry, for rows a
# restore loads first) and whenever an entry's title changes; any other write
# to the copy is undone (a tagging's update copies the title again).
#
# SQLite drops a table's triggers when a later migration remakes the table (as
# AlterField does there), and the remade entries_taggedentry would lose
# entry_title: such a migration must create them again. The tests of
# tests/models/test_tag_counts.py fail without them.

from django.db import migrations, models

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION entries_tag_use_count_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF OLD.revealed_in IS NULL THEN
                UPDATE entries_tag SET use_count = use_count - 1 WHERE id = OLD.tag_id;
            END IF;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            IF NEW.revealed_in IS NULL THEN
                UPDATE entries_tag SET use_count = use_count + 1 WHERE id = NEW.tag_id;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER entries_taggedentry_use_count
    AFTER INSERT OR DELETE OR UPDATE OF tag_id, revealed_in ON entries_taggedentry
    FOR EACH ROW EXECUTE FUNCTION entries_tag_use_count_follow()
    """,
    """
    CREATE FUNCTION entries_tag_use_count_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.use_count := (
            SELECT COUNT(*) FROM entries_taggedentry
            WHERE tag_id = NEW.id AND revealed_in IS NULL
        );
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER entries_tag_use_count_insert
    BEFORE INSERT ON entries_tag
    FOR EACH ROW EXECUTE FUNCTION entries_tag_use_count_insert()
    """,
    """
    CREATE FUNCTION entries_tag_use_count_keep() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.use_count := OLD.use_count;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER entries_tag_use_count_keep
    BEFORE UPDATE OF use_count ON entries_tag
    FOR EACH ROW WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION entries_tag_use_count_keep()
    """,
]
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
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS entries_tag_use_count_keep ON entries_tag",
    "DROP TRIGGER IF EXISTS entries_tag_use_count_insert ON entries_tag",
    "DROP TRIGGER IF EXISTS entries_taggedentry_use_count ON entries_taggedentry",
    "DROP FUNCTION IF EXISTS entries_tag_use_count_keep()",
    "DROP FUNCTION IF EXISTS entries_tag_use_count_insert()",
    "DROP FUNCTION IF EXISTS entries_tag_use_count_follow()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER entries_taggedentry_use_count_insert
    AFTER INSERT ON entries_taggedentry WHEN new.revealed_in IS NULL BEGIN
        UPDATE entries_tag SET use_count = use_count + 1 WHERE id = new.tag_id;
    END
    """,
    """
    CREATE TRIGGER entries_taggedentry_use_count_delete
    AFTER DELETE ON entries_taggedentry WHEN old.revealed_in IS NULL BEGIN
        UPDATE entries_tag SET use_count = use_count - 1 WHERE id = old.tag_id;
    END
    """,
    """
    CREATE TRIGGER entries_taggedentry_use_count_update
    AFTER UPDATE OF tag_id, revealed_in ON entries_taggedentry BEGIN
        UPDATE entries_tag SET use_count = use_count - 1
        WHERE id = old.tag_id AND old.revealed_in IS NULL;
        UPDATE entries_tag SET use_count = use_count + 1
        WHERE id = new.tag_id AND new.revealed_in IS NULL;
    END
    """,
    """
    CREATE TRIGGER entries_tag_use_count_insert
    AFTER INSERT ON entries_tag BEGIN
        UPDATE entries_tag SET use_count = (
            SELECT COUNT(*) FROM entries_taggedentry
            WHERE tag_id = new.id AND revealed_in IS NULL
        ) WHERE id = new.id;
    END
    """,
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
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS entries_tag_use_count_insert",
    "DROP TRIGGER IF EXISTS entries_taggedentry_use_count_update",
    "DROP TRIGGER IF EXISTS entries_taggedentry_use_count_delete",
    "DROP TRIGGER IF EXISTS entries_taggedentry_use_count_insert",
]
# The tags already there, counted once (both databases).
COUNT_EXISTING = """
    UPDATE entries_tag SET use_count = (
        SELECT COUNT(*) FROM entries_taggedentry
        WHERE entries_taggedentry.tag_id = entries_tag.id
        AND entries_taggedentry.revealed_in IS NULL
    )
"""


def _execute(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install_triggers(apps, schema_editor):
    # Counted before the PostgreSQL trigger that keeps the count against updates.
    schema_editor.execute(COUNT_EXISTING)
    _execute(schema_editor, {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})


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
        ("entries", "0010_wikilink_in_spoiler"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="use_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="entries"),
        ),
        migrations.AddIndex(
            model_name="tag",
            index=models.Index(
                models.OrderBy(models.F("use_count"), descending=True),
                models.F("name"),
                name="tag_popular_idx",
            ),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
        migrations.RunPython(install_newest_series_index, drop_newest_series_index),
        migrations.RunPython(install_entry_titles, drop_entry_titles),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                fields=["entry_pk", "id", "automated"], name="change_entry_latest_idx"
            ),
        ),
    ]
