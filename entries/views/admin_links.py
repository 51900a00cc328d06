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


def add_url(kind: str, name: str, **initial) -> str:
    """The admin form that creates a ``kind`` of entry called ``name`` (with more
    ``initial`` values, such as an episode's ``series``)."""
    model_name = KIND_MODELS[kind]._meta.model_name
    query = urlencode({"title": name, **initial})
    return f"{reverse(f'admin:entries_{model_name}_add')}?{query}"


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


# The kind an unkinded red link gets from the page it is on, where only one kind
# fits: an episode's body tells its story, so the names in it are its characters
# (staff and studios are credited on the series). Everywhere else a bare name
# could be any kind, and the "no such page" page offers them all.
CONTEXT_KINDS = {Entry.Kind.EPISODE: Entry.Kind.CHARACTER}


def red_link_target(user, *, context: Entry | None = None):
    """Where an editor's red link goes: to the add form of the kind it names
    (``[[studio:Foo]]``), or of the one kind its page ``context`` leaves
    (``CONTEXT_KINDS``); any other keeps its ``/wiki/`` address, whose "no such page"
    page offers every kind. An episode link on a series or an episode page fills in
    that series too. None for a reader."""
    if not (user.is_active and user.is_staff):
        return None
    context_kind = context.kind if context is not None else ""
    series_id = None
    if context_kind == Entry.Kind.SERIES:
        series_id = context.pk
    elif context_kind == Entry.Kind.EPISODE:
        series_id = context.specific.series_id

    def target(kind: str, name: str) -> str:
        kind = kind or CONTEXT_KINDS.get(context_kind, "")
        if not kind or not may(user, "add", kind):
            return ""
        if kind == Entry.Kind.EPISODE and series_id is not None:
            return add_url(kind, name, series=series_id)
        return add_url(kind, name)

    return target
