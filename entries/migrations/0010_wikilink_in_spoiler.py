from django.db import migrations, models


def mark_links_in_spoilers(apps, schema_editor):
    """Mark the recorded links of existing pages that sit only inside spoiler passages.

    The markup module decides (as saving does); only bodies with a passage can have one.
    """
    from entries import markup

    Entry = apps.get_model("entries", "Entry")
    WikiLink = apps.get_model("entries", "WikiLink")
    db = schema_editor.connection.alias
    pages = Entry.objects.using(db).filter(body__contains=":::").values_list("pk", "body")
    for pk, body in pages.iterator():
        for kind, key in markup.render(body).hidden:
            WikiLink.objects.using(db).filter(
                source_id=pk, target_kind=kind, target_key=key
            ).update(in_spoiler=True)


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0009_browse_entry_sort_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="wikilink",
            name="in_spoiler",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_links_in_spoilers, migrations.RunPython.noop, elidable=True),
    ]
