"""No lost edits: edit-conflict detection for the admin change form of every kind.

When an editor opens an entry's change form, the form carries two hidden
fields: ``base_version`` (the entry's ``version`` then) and ``base_snapshot``,
a signed (``django.core.signing``) record of short hashes of every editable
field's value, tags included, and of each inline's rows. Hashes, not values:
the snapshot stays small and reveals nothing the page does not.

On POST, inside the admin's transaction, the form's ``clean()`` locks the
entry's row (``SELECT ... FOR UPDATE``) and compares three states of each
field: the base (from the snapshot), the editor's submission and the database
now. Comparing submission with base says what the editor changed; comparing
the database with base says what someone else changed in between.

- Nobody else changed anything: a normal save.
- Someone else changed inline rows, or a field the editor also changed to a
  different value: the save is refused with a form error that says who saved,
  when, and what changed (each field's current value; a line diff for the
  body). The form is shown again with the editor's own input, and its hidden
  base now describes the current state, so that saving again, after looking at
  the conflict, deliberately keeps the editor's values.
- Someone else changed only fields the editor left alone: their values are
  merged in (``cleaned_data`` takes the current values) and the editor is told
  "Merged with <user>'s edit of <time>: <fields>".

The add form and django-reversion's revert/recover forms (which restore an
explicit old version on purpose) are not checked.

Fields edited through form-only fields
--------------------------------------
The main image is not a form field: the editor uploads a file or ticks
"remove", and the admin stores the picture only when the whole save is valid.
A form names such model fields in ``tracked_model_fields`` and says what the
editor did to each with ``tracked_value(name)``: a value, ``UNCHANGED`` (left
as the form showed it) or ``INVALID`` (its input failed validation, so it
counts as changed). An inline names model fields that its form edits without
showing them (a gallery row's picture, replaced by an upload) in
``conflict_fields``, so that they are part of the inline's hash.

Why the row lock is enough on PostgreSQL, and what else is guarded
------------------------------------------------------------------
Every checked save takes ``FOR UPDATE`` on the ``Entry`` row before it reads
the state it compares, in the same transaction as its writes. Under READ
COMMITTED a second save waits on that lock until the first commits, and then
reads the committed row (and, in new statements, the committed inline rows and
``Change`` rows). The form also takes ``version`` and every field that is not
on the form from the locked row, so ``Entry.save()`` writes "locked + 1" and
cannot put back stale values of fields the form does not show. A
compare-and-swap ``UPDATE ... WHERE version = n`` would add nothing for these
saves: nobody can change the row between the check and the write.

The one admin write that the lock did not cover is a revert
(``revision_view``): it writes the old rows back raw before the change form
runs, and ``history.record`` computes the new version number from a read
taken without a lock, so a revert racing a form save could reuse a version
number and make a stale form look current. ``revision_view`` (in
``entries.admin.conflicts``) takes the
same lock first. Writers outside the admin (scripts, importers) that save an
instance read before someone else's save are not covered by any of this: that
would take a compare-and-swap in ``Entry.save()`` itself.

SQLite ignores ``FOR UPDATE``. Its transactions start DEFERRED by default: two
saves that both read before either writes cannot both commit, so nothing is
lost, but the second fails with "database is locked" instead of showing the
conflict. ``OPTIONS["transaction_mode"] = "IMMEDIATE"`` makes every
transaction take the write lock first, and the second save then sees the
first and gets the conflict message.
"""

import base64
import difflib
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, get_text_list
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.managers import TaggableManager

from ..models import Change, Entry
from . import merge

BASE_VERSION = "base_version"
BASE_SNAPSHOT = "base_snapshot"
STATE_FIELDS = (BASE_VERSION, BASE_SNAPSHOT)
# Kept from before the move into entries.history: forms open during a deploy stay valid.
SIGNING_SALT = "entries.conflicts.snapshot"
# django-reversion's revert and recover views restore an old version on purpose.
UNCHECKED_URL_SUFFIXES = ("_revision", "_recover")
# Shown as a line diff rather than as a value.
DIFF_FIELDS = frozenset({"body"})
DIFF_MAX_LINES = 40
VALUE_MAX_CHARS = 300
ROWS_MAX = 20
# What a form's ``tracked_value(name)`` returns for a field the editor left alone,
# and for one whose input failed validation.
UNCHANGED = object()
INVALID = object()


_UNRESOLVED = gettext_lazy(
    "Resolve the conflict first: keep the lines that should stay between the "
    "<<<<<<< and >>>>>>> markers, and remove the markers themselves."
)
_MARKED = gettext_lazy(
    "Before saving again: where you both changed the same lines, the text below "
    "holds both versions "
    "between <<<<<<< your version and >>>>>>> the saved version markers (the "
    "lines only one of you changed are merged already): keep what should stay, "
    "remove the markers, and save."
)


# --- Hashing values ------------------------------------------------------------------------


def _digest(text: str) -> str:
    """A short, stable hash: 8 bytes of BLAKE2b, URL-safe base64 (11 characters)."""
    raw = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _canonical(field, value) -> str:
    """``value`` of model ``field`` as text that is equal exactly when the values are.

    The same value reaches this function in three shapes: from the model (a
    foreign key's id, a ``FieldFile``, ``Tag`` objects), from ``cleaned_data``
    (a model instance, an upload, tag names) and in both cases text typed in
    a browser, which submits ``\\r\\n`` line ends and which the form strips.
    """
    if isinstance(field, TaggableManager):
        # TAGGIT_CASE_INSENSITIVE: "Mecha" and "mecha" are one tag.
        names = {str(getattr(tag, "name", tag)).strip().casefold() for tag in value or ()}
        return "\x1f".join(sorted(names))
    if isinstance(field, models.FileField):
        if isinstance(value, UploadedFile):
            return f"\x00upload\x00{value.name}\x00{value.size}"
        # A FieldFile, or False when the editor ticked "clear".
        return getattr(value, "name", None) or ""
    if isinstance(value, models.Model):
        value = value.pk
    if value is None:
        return "\x00"
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _model_value(obj, field):
    if isinstance(field, TaggableManager):
        # From the prefetch when there is one (the admin's get_queryset has it).
        return [tag.name for tag in getattr(obj, field.name).all()]
    return field.value_from_object(obj)


def _form_value(obj, field):
    """``obj``'s value of ``field`` in the shape ``cleaned_data`` holds it."""
    if isinstance(field, TaggableManager):
        return _model_value(obj, field)
    if field.is_relation or isinstance(field, models.FileField):
        return getattr(obj, field.name)
    return field.value_from_object(obj)


# --- What the other edit changed, in words -------------------------------------------------


@dataclass(frozen=True)
class OtherEdit:
    """Who saved the entry since the form was opened, and when (the latest save)."""

    editors: tuple[str, ...]
    when: datetime | None

    @property
    def who(self) -> str:
        return get_text_list(list(self.editors), _("and")) if self.editors else _("someone")

    @property
    def when_text(self) -> str:
        if self.when is None:
            return ""
        return date_format(timezone.localtime(self.when), "DATETIME_FORMAT")

    @property
    def ago(self) -> str:
        if self.when is None:
            return ""
        if timezone.now() - self.when < timedelta(minutes=1):
            return _("just now")
        return _("%(time)s ago") % {"time": timesince(self.when, depth=1)}


def other_edit(*, obj, base_version: int, opened_at: float | None) -> OtherEdit:
    """The saves of ``obj`` after ``base_version``, from the history's ``Change`` rows.

    Saves that left no ``Change`` row are looked up in the admin's log (from
    the time the form was opened), and failing that the entry's own
    ``updated_at`` says when, and "someone" who.
    """
    changes = list(
        Change.objects.filter(entry_pk=obj.pk, version__gt=base_version)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")[:20]
    )
    editors: list[str] = []
    if changes:
        for change in changes:
            user = change.revision.user
            if user is not None and user.get_username() not in editors:
                editors.append(user.get_username())
        return OtherEdit(tuple(editors), changes[0].revision.date_created)
    log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        action_flag=CHANGE,
    ).select_related("user")
    if opened_at is not None:
        log = log.filter(action_time__gte=datetime.fromtimestamp(opened_at, tz=UTC))
    logged = list(log.order_by("-action_time")[:20])
    for entry in logged:
        if entry.user.get_username() not in editors:
            editors.append(entry.user.get_username())
    when = logged[0].action_time if logged else getattr(obj, "updated_at", None)
    return OtherEdit(tuple(editors), when)


def _display(obj, field) -> str:
    """``obj``'s value of ``field`` as an editor reads it on the form."""
    if isinstance(field, TaggableManager):
        return ", ".join(sorted(_model_value(obj, field), key=str.casefold))
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    if isinstance(field, models.FileField):
        return getattr(obj, field.name).name or ""
    value = field.value_from_object(obj)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    text = str(value)
    return text if len(text) <= VALUE_MAX_CHARS else text[: VALUE_MAX_CHARS - 1] + "…"


def text_diff(mine: str, saved: str) -> list[str]:
    """A short unified diff from the editor's text to the saved one."""
    lines = list(
        difflib.unified_diff(
            _canonical(None, mine).splitlines(),
            _canonical(None, saved).splitlines(),
            fromfile=_("your text"),
            tofile=_("saved text"),
            lineterm="",
            n=1,
        )
    )
    if len(lines) > DIFF_MAX_LINES:
        lines = [*lines[:DIFF_MAX_LINES], "…"]
    return lines


def _diff_html(lines: list[str]):
    def css_class(line: str) -> str:
        if line.startswith(("---", "+++")):
            return "conflict-diff__file"
        if line.startswith("@@"):
            return "conflict-diff__hunk"
        if line.startswith("+"):
            return "conflict-diff__saved"
        if line.startswith("-"):
            return "conflict-diff__mine"
        return "conflict-diff__same"

    return format_html(
        '<pre class="conflict-diff">{}</pre>',
        # Each line is a block of its own: no newlines between them in the <pre>.
        format_html_join(
            "", '<span class="{}">{}</span>', ((css_class(line), line) for line in lines)
        ),
    )


# --- The form ---------------------------------------------------------------------------------


class BaseStateField(forms.CharField):
    """A hidden field describing the entry as the form was opened.

    Never reported as changed data: it is not part of the edit (and would
    otherwise show as "Changed base version" in the change message).
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=True, **kwargs)

    def has_changed(self, initial, data):
        return False


class ConflictCheckFormMixin:
    """Mixed into an entry kind's admin ``ModelForm`` by ``ConflictCheckAdminMixin``.

    ``inline_state(obj)`` (set by the admin) hashes the inline rows of ``obj``.
    After ``is_valid()``, ``merged`` describes a merge that took place, if any.
    """

    inline_state = None
    inline_labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.merged: tuple[OtherEdit, list[str]] | None = None
        if not self.is_bound and self.instance.pk is not None:
            self.initial[BASE_VERSION] = str(self.instance.version)
            self.initial[BASE_SNAPSHOT] = self._sign(
                self.instance, self.instance.version, self._hashes(self.instance)
            )

    # Fields compared: the model's editable fields on this form, tags included.

    def _tracked_fields(self) -> dict:
        tracked = {}
        opts = self._meta.model._meta
        for name in self.fields:
            if name in STATE_FIELDS:
                continue
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                # A form-only field (an edit summary, say) is not part of the entry.
                continue
            if field.concrete or isinstance(field, TaggableManager):
                tracked[name] = field
        for name in getattr(self, "tracked_model_fields", ()):
            tracked[name] = opts.get_field(name)
        return tracked

    def _hashes(self, obj) -> dict[str, str]:
        return {
            name: _digest(_canonical(field, _model_value(obj, field)))
            for name, field in self._tracked_fields().items()
        }

    def _sign(self, obj, version: int, hashes: dict[str, str], inlines=None) -> str:
        if inlines is None:
            inlines = self.inline_state(obj) if self.inline_state else {}
        payload = {
            "pk": obj.pk,
            "v": version,
            "t": int(timezone.now().timestamp()),
            "f": hashes,
            "i": inlines,
        }
        return signing.dumps(payload, salt=SIGNING_SALT, compress=True)

    def _read_base(self) -> dict | None:
        """The snapshot the form was opened with, or None if it is missing or not ours."""
        raw_version = self.data.get(self.add_prefix(BASE_VERSION), "")
        raw_snapshot = self.data.get(self.add_prefix(BASE_SNAPSHOT), "")
        try:
            base = signing.loads(raw_snapshot, salt=SIGNING_SALT)
            version = int(raw_version)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if (
            not isinstance(base, dict)
            or base.get("pk") != self.instance.pk
            or base.get("v") != version
            or not isinstance(base.get("f"), dict)
            or not isinstance(base.get("i"), dict)
        ):
            return None
        return base

    def _rebase(self, current, version: int, hashes: dict, inlines: dict) -> None:
        """Make the re-rendered form describe the current state of the entry.

        Its next submission is then compared with what the editor has now seen.
        """
        data = self.data.copy()
        data[self.add_prefix(BASE_VERSION)] = str(version)
        data[self.add_prefix(BASE_SNAPSHOT)] = self._sign(current, version, hashes, inlines)
        self.data = data

    def _take_locked_row(self, current, version: int) -> None:
        """Save on top of the locked row: its version, and what the form does not edit."""
        for field in current._meta.concrete_fields:
            if field.primary_key or field.name in self.fields:
                continue
            if field.remote_field is not None and field.remote_field.parent_link:
                continue
            setattr(self.instance, field.attname, getattr(current, field.attname))
        self.instance.version = version

    def clean(self):
        cleaned_data = super().clean()
        for name in merge.MERGED_FIELDS & set(self.fields):
            if merge.has_markers(cleaned_data.get(name) or ""):
                self.add_error(name, _UNRESOLVED)
        self._check_for_conflicts(cleaned_data)
        return cleaned_data

    def _check_for_conflicts(self, cleaned_data) -> None:
        model = self._meta.model
        pk = self.instance.pk
        # Held until the admin's transaction ends: concurrent saves of this entry
        # wait here, and then see the saved row (PostgreSQL). SQLite ignores
        # FOR UPDATE; it lets one writer at a time in anyway.
        try:
            version = Entry.objects.select_for_update().values_list("version", flat=True).get(pk=pk)
        except Entry.DoesNotExist:
            raise ValidationError(
                _("Someone else deleted this page while you were editing it."),
                code="edit_conflict_deleted",
            ) from None
        current = model._default_manager.prefetch_related("tags").get(pk=pk)
        tracked = self._tracked_fields()
        current_hashes = self._hashes(current)
        current_inlines = self.inline_state(current) if self.inline_state else {}

        base = self._read_base()
        if base is None:
            self._rebase(current, version, current_hashes, current_inlines)
            raise ValidationError(
                _(
                    "This form does not say which version of the page it was opened at "
                    "(it may have been changed in transit), so it cannot be checked "
                    "against edits made since. Nothing was saved. The form now refers to "
                    "the current version: check your input against the page, then save again."
                ),
                code="edit_conflict_invalid_base",
            )

        base_hashes = base["f"]
        submitted = {
            name: _digest(_canonical(field, cleaned_data[name]))
            for name, field in tracked.items()
            if name in cleaned_data and name in self.fields
        }
        for name in getattr(self, "tracked_model_fields", ()):
            value = self.tracked_value(name)
            if value is UNCHANGED:
                submitted[name] = base_hashes.get(name)
            elif value is not INVALID:
                submitted[name] = _digest(_canonical(tracked[name], value))
        # A field that failed validation counts as changed by the editor.
        mine = {name for name in tracked if submitted.get(name) != base_hashes.get(name)}
        theirs = [name for name in tracked if current_hashes[name] != base_hashes.get(name)]
        changed_inlines = [
            prefix for prefix, state in current_inlines.items() if base["i"].get(prefix) != state
        ]
        if version == base["v"] and not theirs and not changed_inlines:
            self._take_locked_row(current, version)
            return

        # Both changed a field, to different values: texts merge line by line when
        # the revision both started from is recorded.
        clashing = [
            name for name in theirs if name in mine and submitted.get(name) != current_hashes[name]
        ]
        merged, marked = self._merge_texts(clashing, cleaned_data, current, base)
        clashing = [name for name in clashing if name not in merged]
        if clashing or changed_inlines:
            edit = other_edit(obj=current, base_version=base["v"], opened_at=base.get("t"))
            message = self._conflict_message(
                current=current,
                edit=edit,
                fields=[(name, tracked[name]) for name in theirs],
                inlines=changed_inlines,
                cleaned_data=cleaned_data,
            )
            self._rebase(current, version, current_hashes, current_inlines)
            if marked:
                # Both versions of the lines both changed, between markers, to resolve.
                data = self.data.copy()
                for name, text in marked.items():
                    data[self.add_prefix(name)] = text
                self.data = data
                message = format_html("{}<p>{}</p>", message, _MARKED)
            raise ValidationError(message, code="edit_conflict")

        self._take_locked_row(current, version)
        merging = [name for name in theirs if name not in mine]
        if (merging or merged) and not self._errors:
            for name in merging:
                cleaned_data[name] = _form_value(current, tracked[name])
            cleaned_data.update(merged)
            edit = other_edit(obj=current, base_version=base["v"], opened_at=base.get("t"))
            labels = [self._label(name, tracked[name]) for name in [*merging, *merged]]
            self.merged = (edit, labels)

    def _merge_texts(self, clashing, cleaned_data, current, base) -> tuple[dict, dict]:
        """Three-way merges of the clashing text fields (``history.merge``): the cleanly
        merged texts, and those with conflict markers, by field name."""
        merged, marked = {}, {}
        for name in merge.MERGED_FIELDS.intersection(clashing):
            text = merge.base_text(self.instance.pk, base["v"], name)
            field = self._tracked_fields()[name]
            # Only the text the form really started from (the snapshot says so).
            if text is None or _digest(_canonical(field, text)) != base["f"].get(name):
                continue
            result = merge.merge(
                base=text,
                mine=str(cleaned_data.get(name) or ""),
                theirs=str(getattr(current, name) or ""),
            )
            (marked if result.conflicts else merged)[name] = result.text
        return merged, marked

    def _label(self, name: str, field) -> str:
        form_field = self.fields.get(name)
        label = (form_field and form_field.label) or getattr(field, "verbose_name", name)
        return capfirst(str(label))

    def _conflict_message(self, *, current, edit: OtherEdit, fields, inlines, cleaned_data):
        if edit.when_text:
            heading = format_html(
                '{} {}, <time datetime="{}">{} ({})</time>.',
                _("Someone else saved this page while you were editing it:"),
                edit.who,
                edit.when.isoformat(),
                edit.ago,
                edit.when_text,
            )
        else:
            heading = format_html(
                "{} {}.", _("Someone else saved this page while you were editing it:"), edit.who
            )
        items = []
        for name, field in fields:
            label = self._label(name, field)
            if name in DIFF_FIELDS:
                mine = cleaned_data.get(name)
                if mine is None:
                    mine = self.data.get(self.add_prefix(name), "")
                lines = text_diff(str(mine), str(field.value_from_object(current)))
                value = _diff_html(lines) if lines else format_html("<em>{}</em>", _("the same"))
            else:
                shown = _display(current, field)
                value = (
                    format_html("{}", shown) if shown else format_html("<em>{}</em>", _("empty"))
                )
            items.append((label, value))
        for prefix in inlines:
            rows = self._inline_rows(current, prefix)
            label = self.inline_labels.get(prefix, prefix)
            value = (
                format_html_join("; ", "{}", ((str(row),) for row in rows[:ROWS_MAX]))
                if rows
                else format_html("<em>{}</em>", _("none"))
            )
            items.append((capfirst(label), value))
        return format_html(
            '<div class="edit-conflict"><p class="edit-conflict__heading">{}</p>'
            "<p>{}</p><dl>{}</dl><p>{}</p></div>",
            heading,
            _("What changed in between (the saved values):"),
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", items),
            _(
                "Nothing of yours was saved, and your input is still in the form below. "
                "Compare it with the saved values, then save again to keep your version."
            ),
        )

    def _inline_rows(self, obj, prefix: str) -> list:
        accessor = getattr(obj, prefix, None)
        if accessor is None or not hasattr(accessor, "all"):
            return []
        return list(accessor.all())
