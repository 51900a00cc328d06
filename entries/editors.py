"""The "Editors" group: staff users who edit entries and tags, and nothing else.

Migration 0002 creates the group; ``sync_editors_group`` runs after every
``migrate`` so that models added later (and their permissions) are granted
to editors without a hand-written migration each time.
"""

from django.apps import apps as global_apps

EDITORS_GROUP = "Editors"
# Every model of these apps; auth (users, groups) is deliberately left out. Tags
# are entries.Tag; taggit's own models are unused and hidden from the admin.
EDITABLE_APPS = ("entries",)


def sync_editors_group(*, apps=global_apps, **kwargs) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=EDITABLE_APPS))


def on_post_migrate(sender, apps=global_apps, **kwargs) -> None:
    # post_migrate fires once per app; the group only needs syncing after ours.
    if sender.label == "entries":
        sync_editors_group(apps=apps)
