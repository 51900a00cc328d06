"""Create the "Editors" group: staff users in it edit entries and tags, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from entries.editors import EDITABLE_APPS, EDITORS_GROUP, sync_editors_group


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now
    # so that the group gets them on a fresh database too.
    for app_label in EDITABLE_APPS:
        app_config = apps.get_app_config(app_label)
        # The migration state's app stub has no models module; create_permissions
        # skips such apps unless told there is one.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_editors_group(apps=apps)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
