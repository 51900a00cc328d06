"""History in the admin: every save and delete is a revision, and revisions come back.

Each create, change and delete records a revision through ``entries.services``
(editor, time, the edit summary typed on the form) with a ``Change`` row per
entry; editors can look at, revert to and recover any revision, restored by
``history.restore``.
"""

from contextlib import contextmanager

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Revision, Version

from .. import history, services, throttles
from ..models import Change, Entry

# The request attribute holding what a revert or recover view restored
# (``history.Restored``), for ``save_related`` to record.
RESTORING = "_entries_restoring"


class _ShowAndRollBack(Exception):
    """Leaves the revert view's transaction with a rendered form, undoing the restore."""

    def __init__(self, response):
        super().__init__()
        self.response = response


@contextmanager
def _keeping_comment():
    """Keep a revision comment set before the block (the edit summary) over any the
    block sets."""
    comment = reversion.get_comment() if reversion.is_active() else ""
    yield
    if comment and reversion.is_active():
        reversion.set_comment(comment)


# Every kind's form starts with its names and ends with the page text; the kind's


class HistoryAdminMixin(VersionAdmin):
    """Revisions of an entry admin: recorded through ``services``, listed with their
    diffs, reverted and recovered with ``history.restore``."""

    object_history_template = "reversion/entries/object_history.html"
    revision_form_template = "reversion/entries/revision_form.html"
    recover_form_template = "reversion/entries/recover_form.html"
    recover_list_template = "reversion/entries/recover_list.html"
    history_latest_first = True

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and (refused := throttles.save_refused(request)):
            return refused
        return super().changeform_view(request, object_id, form_url, extra_context)

    def create_revision(self, request):
        # The admin's writes are ``services`` writes: history, search, announcement.
        return services.recorded(user=request.user)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        restoring: history.Restored | None = getattr(request, RESTORING, None)
        if restoring is not None and level == messages.SUCCESS:
            # Django's "was changed successfully" alone would hide that it was a revert.
            message = format_html(
                "{}. {}", history.restore_comment(restoring.action, restoring.revision), message
            )
        super().message_user(request, message, level, *args, **kwargs)

    # --- Recording: every save and delete is a revision with a Change per entry ---------

    def save_related(self, request, form, formsets, change):
        """After the entry, its tags and its inline rows are saved: the revision's
        comment, and a ``Change`` for the entry and for each episode saved inline."""
        super().save_related(request, form, formsets, change)
        entry = form.instance
        summary = form.cleaned_data.get("edit_summary", "")
        restoring: history.Restored | None = getattr(request, RESTORING, None)
        if restoring is not None:
            action = restoring.action
            reversion.set_comment(history.restore_comment(action, restoring.revision, summary))
        else:
            action = Change.Action.CHANGE if change else Change.Action.CREATE
            if summary:
                reversion.set_comment(summary)
        services.note(entry, action)
        noted = {entry.pk}
        for formset in formsets:
            if not issubclass(formset.model, Entry):
                continue
            saved = [
                *((obj, Change.Action.CREATE) for obj in formset.new_objects),
                *((obj, Change.Action.CHANGE) for obj, _fields in formset.changed_objects),
                *((obj, Change.Action.DELETE) for obj in formset.deleted_objects),
            ]
            for obj, obj_action in saved:
                services.note(obj, obj_action)
                noted.add(obj.pk)
        if restoring is not None:
            services.note_restored(restoring, skip=noted)

    def save_formset(self, request, form, formset, change):
        deleted = [
            (row.instance, row.instance.pk)
            for row in formset.deleted_forms
            if isinstance(row.instance, Entry) and row.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        # Django empties the key of what it deletes; save_related notes the deletion.
        for instance, pk in deleted:
            instance.pk = pk

    def log_addition(self, request, obj, message):
        # VersionAdmin makes Django's change message the comment; an edit summary wins.
        with _keeping_comment():
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        with _keeping_comment():
            return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        services.delete_entries(
            entries=[obj],
            user=request.user,
            summary=_("Deleted “%(title)s”.") % {"title": obj.title},
        )

    def delete_queryset(self, request, queryset):
        entries = list(queryset)
        services.delete_entries(
            entries=entries,
            user=request.user,
            summary=_("Deleted with the “delete selected” action (%(count)d at once).")
            % {"count": len(entries)},
        )

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin opens one revision around the whole changelist, for
        # list_editable (unused here). The "delete selected" action must write its
        # revision before the rows go (delete_queryset), which it cannot do inside
        # another revision: a revision keeps only the rows still there at its end.
        context = {"has_change_permission": self.has_change_permission(request)}
        context.update(extra_context or {})
        return super(VersionAdmin, self).changelist_view(request, context)

    # --- Revert and recover ---------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """Reversion's list of revisions, each with a link to its public diff page."""
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        entry, actions = context.get("object"), context.get("action_list") or []
        if entry is not None and actions:
            with_diff = set(
                Change.objects.filter(
                    entry_pk=entry.pk, revision__in=[action["revision"] for action in actions]
                ).values_list("revision_id", flat=True)
            )
            for action in actions:
                if action["revision"].pk in with_diff:
                    action["diff_url"] = entry.get_revision_url(action["revision"].pk)
        return response

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Reversion's revert form, restoring with ``history.restore`` (see its docstring
        for how that differs from ``Revision.revert``)."""
        version = self._version_or_404(version_id, object_id=unquote(object_id))
        context = {
            "title": _("Revert %(name)s") % {"name": version.object_repr},
            "revert": True,
            **(extra_context or {}),
        }
        return self._restore_view(request, version, self.revision_form_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self._version_or_404(version_id)
        context = {
            "title": _("Recover %(name)s") % {"name": version.object_repr},
            "recover": True,
            **(extra_context or {}),
        }
        return self._restore_view(request, version, self.recover_form_template, context)

    def get_urls(self):
        recover_all = path(
            "recover/revision/<int:revision_id>/",
            self.admin_site.admin_view(self.recover_deletion_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_recover_deletion",
        )
        return [recover_all, *super().get_urls()]

    def recoverlist_view(self, request, extra_context=None):
        """Reversion's list of deleted entries, with one "recover all" for each delete
        that took several of this kind at once."""
        deletions = (
            Revision.objects.filter(
                changes__action=Change.Action.DELETE, changes__kind=self.model.KIND
            )
            .annotate(deleted=Count("changes"))
            .filter(deleted__gt=1)
            .order_by("-date_created")[:20]
        )
        groups = []
        for revision in deletions:
            gone = [c for c in services.still_deleted(revision) if c.kind == self.model.KIND]
            if len(gone) > 1:
                groups.append({"revision": revision, "titles": [c.title for c in gone]})
        context = {"deletions": groups, **(extra_context or {})}
        return super().recoverlist_view(request, context)

    def recover_deletion_view(self, request, revision_id):
        """Recover, in one step, everything one delete took: a confirmation page, and on
        POST one revision that brings them all back (``services.recover_deletion``)."""
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_id)
        gone = services.still_deleted(revision)
        changelist = (
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        if not gone:
            self.message_user(
                request, _("Everything this revision deleted is back already."), messages.INFO
            )
            return redirect(changelist)
        if request.method == "POST":
            try:
                recovered = services.recover_deletion(revision=revision, user=request.user)
            except (RevertError, models.ProtectedError) as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(changelist)
            self.message_user(
                request,
                _("Recovered %(count)d entries: %(titles)s.")
                % {
                    "count": len(recovered),
                    "titles": ", ".join(f"“{entry.title}”" for entry in recovered),
                },
                messages.SUCCESS,
            )
            return redirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Recover everything deleted on %(when)s")
            % {"when": date_format(template_localtime(revision.date_created), "j F Y, H:i")},
            "revision": revision,
            "gone": gone,
        }
        return TemplateResponse(request, "reversion/entries/recover_deletion.html", context)

    def _version_or_404(self, version_id, **filters):
        # Only versions of this admin's kind: reversion's own view would take any
        # version with a matching id and revert a revision of some other row.
        return get_object_or_404(
            Version.objects.select_related("revision"),
            pk=version_id,
            content_type=ContentType.objects.get_for_model(self.model),
            **filters,
        )

    def _restore_view(self, request, version, template_name, context):
        """The change form, on the entry as ``version``'s revision holds it.

        As in VersionAdmin: the revision is written back inside a transaction;
        a GET (or a form with errors) shows the form and rolls everything back,
        and a valid POST saves the form on top of it as a new revision. Unlike
        VersionAdmin, model signals are not muted for the GET: muting is
        process-wide and would drop other requests' signals; what our handlers
        write is rolled back with the rest.
        """
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                # The pages showing the entry as it was (its rows are written back now).
                before = services.pages_showing([int(version.object_id)])
                restored = history.restore(
                    revision=version.revision, model=self.model, pk=version.object_id
                )
                setattr(request, RESTORING, restored)
                with self.create_revision(request):
                    services.also_showing(before)
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        return response
                    if response.status_code != 200:
                        raise RevertError(_("This revision could not be loaded."))
                    response.template_name = template_name
                    response.render()
                    raise _ShowAndRollBack(response)
        except _ShowAndRollBack as shown:
            return shown.response
        except (RevertError, models.ProtectedError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            )
        finally:
            if hasattr(request, RESTORING):
                delattr(request, RESTORING)


class AnnouncedAdminMixin:
    """For rows that entry pages show without being part of an entry's revision (tags,
    streaming platforms): every save and delete announces those pages, so that no
    cache keeps them stale. ``announce`` takes the rows' ids."""

    announce = None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        type(self).announce([obj.pk])

    def delete_model(self, request, obj):
        type(self).announce([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        type(self).announce(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
