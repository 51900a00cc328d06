"""Editors' links into the admin.

Editors (staff users with the model permissions) get links into the admin: an
"Edit this page" link, and red links and missing names that open the add form
with the title filled in (the admin takes initial values from the query string).
"""

from django.urls import reverse
from django.utils.http import urlencode

from ..models import KIND_MODELS, Entry

# What an editor may create from a name that names no kind: episodes need a series.
CREATABLE_KINDS = [Entry.Kind.SERIES, Entry.Kind.CHARACTER, Entry.Kind.STAFF, Entry.Kind.STUDIO]


def may(user, action: str, kind: str) -> bool:
    """Whether ``user`` may ``action`` ("add", "change") a ``kind`` of entry in the admin."""
    model = KIND_MODELS.get(kind)
    return (
        model is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"entries.{action}_{model._meta.model_name}")
    )


def add_url(kind: str, name: str) -> str:
    """The admin form that creates a ``kind`` of entry called ``name``."""
    model_name = KIND_MODELS[kind]._meta.model_name
    return f"{reverse(f'admin:entries_{model_name}_add')}?{urlencode({'title': name})}"


def change_url(user, entry: Entry) -> str:
    """The admin form that edits ``entry``, or "" when ``user`` may not."""
    if not may(user, "change", entry.kind):
        return ""
    return reverse(f"admin:entries_{entry._meta.model_name}_change", args=[entry.pk])


def create_links(user, *, name: str, kind: str = "") -> list[tuple[str, str]]:
    """(kind, add form address) for each kind ``user`` may create ``name`` as."""
    kinds = [kind] if kind else CREATABLE_KINDS
    return [
        (str(KIND_MODELS[each]._meta.verbose_name), add_url(each, name))
        for each in kinds
        if may(user, "add", each)
    ]


def red_link_target(user):
    """Where an editor's red link goes: a kinded one (``[[studio:Foo]]``) to the add
    form of that kind; an unkinded one keeps its ``/wiki/`` address, whose "no such
    page" page offers every kind. None for a reader."""
    if not (user.is_active and user.is_staff):
        return None

    def target(kind: str, name: str) -> str:
        return add_url(kind, name) if kind and may(user, "add", kind) else ""

    return target
