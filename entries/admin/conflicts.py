"""The admin side of the edit-conflict check (see ``history.conflicts``)."""

from functools import partial

from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist
from django.db import router, transaction
from django.forms.models import _get_foreign_key
from django.utils.translation import gettext as _

from ..history.conflicts import (
    BASE_SNAPSHOT,
    BASE_VERSION,
    STATE_FIELDS,
    UNCHECKED_URL_SUFFIXES,
    BaseStateField,
    ConflictCheckFormMixin,
    _digest,
)
from ..models import Entry


class ConflictCheckAdminMixin:
    """Put first in an entry kind's ``ModelAdmin`` bases: its change form then never
    overwrites a save made after it was opened (see the module docstring)."""

    def checks_conflicts(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        match = getattr(request, "resolver_match", None)
        url_name = (match.url_name if match else "") or ""
        if url_name.endswith(UNCHECKED_URL_SUFFIXES):
            return False
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.checks_conflicts(request, obj):
            fieldsets = [*fieldsets, (None, {"fields": list(STATE_FIELDS), "classes": ["hidden"]})]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            # The model form cannot make these; they are added below.
            kwargs["fields"] = [name for name in kwargs["fields"] if name not in STATE_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self.checks_conflicts(request, obj):
            return form
        attrs = {
            BASE_VERSION: BaseStateField(),
            BASE_SNAPSHOT: BaseStateField(),
            "inline_state": staticmethod(partial(self.inline_state, request)),
            "inline_labels": self.inline_labels(request, obj),
            "Media": type("Media", (), {"css": {"all": ["css/admin-conflicts.css"]}}),
        }
        return type(form.__name__, (ConflictCheckFormMixin, form), attrs)

    def _inline_relations(self, request, obj):
        """(accessor on the entry, inline, foreign key) for each inline the editor sees."""
        for inline in self.get_inline_instances(request, obj):
            if not getattr(inline, "conflict_checked", True):
                continue
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            accessor = fk.remote_field.get_accessor_name(model=self.model).replace("+", "")
            yield accessor, inline, fk

    def inline_labels(self, request, obj) -> dict[str, str]:
        return {
            accessor: str(inline.verbose_name_plural)
            for accessor, inline, _fk in self._inline_relations(request, obj)
        }

    def inline_state(self, request, obj) -> dict[str, str]:
        """One hash per inline over the values of its rows' fields on the form."""
        state = {}
        for accessor, inline, fk in self._inline_relations(request, obj):
            names = []
            shown = [*inline.get_fields(request, obj), *getattr(inline, "conflict_fields", ())]
            for name in shown:
                try:
                    field = inline.model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if field.concrete and field.name != fk.name:
                    names.append(field.attname)
            rows = (
                inline.model._default_manager.filter(**{fk.name: obj})
                .order_by("pk")
                .values_list("pk", *names)
            )
            state[accessor] = _digest(repr(list(rows)))
        return state

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        merged = getattr(form, "merged", None)
        if merged:
            edit, labels = merged
            message = _("Merged with %(who)s’s edit of %(when)s: %(fields)s.") % {
                "who": edit.who,
                "when": edit.when_text,
                "fields": ", ".join(labels),
            }
            self.message_user(request, message, messages.INFO)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Revert under the same row lock as a form save (see the module docstring)."""
        if request.method != "POST":
            return super().revision_view(request, object_id, version_id, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            try:
                pk = int(unquote(object_id))
            except ValueError:
                pk = None
            if pk is not None:
                Entry.objects.select_for_update().filter(pk=pk).values_list("pk").first()
            return super().revision_view(request, object_id, version_id, extra_context)
