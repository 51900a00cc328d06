"""A save that cannot get the database gets its form back, never an error page.

SQLite lets one writer in at a time; the others wait in line for the write lock
(``timeout`` and ``transaction_mode = "IMMEDIATE"`` in the settings). A save
that has waited the whole timeout fails with ``OperationalError: database is
locked`` as its transaction begins, before it wrote anything. Rather than a 500
that throws the editor's input away, the change form is shown again, filled in
with what they submitted and saying that nothing was saved: submitting it again
is safe, and the edit-conflict check still applies to it.

The form is rendered outside any transaction: reading needs no write lock
(WAL), and its errors keep it from saving.
"""

from django import forms
from django.db import OperationalError, connections, router
from django.utils.translation import gettext_lazy as _

BUSY_MESSAGE = _("The database was busy; your changes were not saved — submit again.")

# Set on the request while the form is shown again.
_BUSY = "_entries_database_busy"


def database_busy(error: OperationalError) -> bool:
    """Whether ``error`` is SQLite's "another writer holds the lock"."""
    return "database is locked" in str(error) or "database is busy" in str(error)


class DatabaseBusyAdminMixin:
    """Put first in an admin's bases: its change and add forms survive a busy database."""

    # django-reversion opens its revision (ours: a transaction) in these, around
    # changeform_view.
    def add_view(self, request, form_url="", extra_context=None):
        return self._unless_busy(super().add_view, request, None, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._unless_busy(super().change_view, request, object_id, form_url, extra_context)

    def _unless_busy(self, view, request, object_id, form_url, extra_context):
        try:
            if object_id is None:
                return view(request, form_url, extra_context)
            return view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            using = router.db_for_write(self.model)
            # Inside someone else's transaction (a revert) there is nothing to fall back on.
            if not database_busy(error) or connections[using].in_atomic_block:
                raise
        setattr(request, _BUSY, True)
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        finally:
            delattr(request, _BUSY)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not getattr(request, _BUSY, False):
            return form

        class BusyForm(form):
            def clean(self):
                cleaned_data = super().clean()
                # An error on the form keeps this pass from saving.
                self.add_error(None, forms.ValidationError(BUSY_MESSAGE, code="database_busy"))
                return cleaned_data

        BusyForm.__name__ = form.__name__
        return BusyForm
