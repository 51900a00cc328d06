"""The editors' groups: staff users who edit entries and tags, and nothing else.

- "Editors" change every entry and tag and the rows on their forms (aliases,
  credits, gallery rows...), but do not delete entries or tags and cannot
  change a protected page.
- "Senior editors" also delete entries and tags (one at a time or with the
  "delete selected" action) and protect pages (``Entry.protected``).

Migration 0002 creates the first group; ``sync_editors_group`` runs after every
``migrate`` so that both groups hold exactly these permissions, models added
later (and their permissions) included, without a hand-written migration each time.
"""

from django.apps import apps as global_apps

EDITORS_GROUP = "Editors"
SENIOR_EDITORS_GROUP = "Senior editors"
# Every model of these apps; auth (users, groups) is deliberately left out. Tags
# are entries.Tag; taggit's own models are unused and hidden from the admin.
EDITABLE_APPS = ("entries",)
# What only senior editors may do: delete a page or a tag, protect a page.
SENIOR_ONLY = (
    "delete_series",
    "delete_character",
    "delete_staff",
    "delete_studio",
    "delete_episode",
    "delete_entry",
    "delete_tag",
    "protect_entry",
)


def sync_editors_group(*, apps=global_apps, **kwargs) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = Permission.objects.filter(content_type__app_label__in=EDITABLE_APPS)
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.set(every.exclude(codename__in=SENIOR_ONLY))
    seniors, _ = Group.objects.get_or_create(name=SENIOR_EDITORS_GROUP)
    seniors.permissions.set(every)


def on_post_migrate(sender, apps=global_apps, **kwargs) -> None:
    # post_migrate fires once per app; the groups only need syncing after ours.
    if sender.label == "entries":
        sync_editors_group(apps=apps)
