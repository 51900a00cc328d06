"""The body's preview and syntax help, and the tag field's suggestions.

The preview renders the body as saving would (``selectors.preview_html``: the
same ``markup.render``, links coloured as on the page) and writes nothing. It
works two ways:

- without JavaScript, the "Preview" button beside the save buttons posts the
  form; the form is validated as for a save (errors show) but never saved
  (``_PreviewOnly``), and comes back with everything typed in it and the
  rendered body beside the text;
- with ``static/js/admin-editing.js``, the preview follows the typing: the
  script posts the body to ``<kind>/preview/`` (change permission, CSRF) a
  moment after the editor stops typing.

The tag field stays a comma-separated text box (``TagsWidget``); the same
script adds suggestions of existing tags from the admin's own autocomplete
endpoint and marks the names that would make a new tag. Tag names are reused
whatever their letter case (``TAGGIT_CASE_INSENSITIVE``).
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from taggit.forms import TagWidget

from .. import selectors
from ..text import clean_text
from ..views.admin_links import red_link_target
from ..wikilinks import KIND_PREFIXES

# The submit button's name: a POST with it shows the form again with the preview.
PREVIEW = "_preview"


def kind_prefixes() -> list[tuple[str, list[str]]]:
    """(kind, every prefix naming it) for the syntax help, from ``KIND_PREFIXES``."""
    kinds: dict[str, list[str]] = {}
    for prefix, kind in KIND_PREFIXES.items():
        kinds.setdefault(kind, []).append(prefix)
    return list(kinds.items())


class _Framed:
    """A widget drawn as Django draws it, inside a template of the project's own
    (``frame_template``: help, preview, suggestions around it). The form renderer
    only knows Django's widget templates; the frame is rendered like a page."""

    frame_template = ""

    def frame_context(self, widget: dict) -> dict:
        return {}

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        context = {"field": field, "widget": widget, **self.frame_context(widget)}
        return mark_safe(render_to_string(self.frame_template, context))  # noqa: S308


class BodyWidget(_Framed, forms.Textarea):
    """The body's text area with its syntax help and a preview beside it."""

    frame_template = "admin/entries/widgets/body.html"

    def __init__(self, *, preview_url: str = "", attrs=None):
        super().__init__(attrs={"class": "vLargeTextField", **(attrs or {})})
        self.preview_url = preview_url
        # Set on the form's own copy of the widget (render_change_form): the page
        # being edited, and the rendered body when the form comes back previewed.
        self.object_id = ""
        self.preview = None

    def frame_context(self, widget):
        return {
            "preview_url": self.preview_url,
            "object_id": self.object_id,
            "preview": self.preview,
            "kind_prefixes": kind_prefixes(),
        }


class TagsWidget(_Framed, TagWidget):
    """taggit's comma-separated text box, with where to ask for suggestions.

    Without JavaScript it is the plain text field it always was."""

    frame_template = "admin/entries/widgets/tags.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField", "autocomplete": "off", **(attrs or {})})

    def frame_context(self, widget):
        # Django's admin autocomplete endpoint, which knows the tags' admin (its
        # search fields and view permission) through Entry.tags.
        query = urlencode({"app_label": "entries", "model_name": "entry", "field_name": "tags"})
        return {"suggest_url": f"{reverse('admin:autocomplete')}?{query}"}


class SummaryWidget(forms.TextInput):
    """The edit summary, which the form shows beside each set of save buttons under
    one name: of the values sent, the distinct non-empty ones are kept, joined, so
    a summary typed into either box is never lost (the script keeps them equal)."""

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist"):
            return super().value_from_datadict(data, files, name)
        values = []
        for value in data.getlist(name):
            if value.strip() and value.strip() not in values:
                values.append(value.strip())
        return "; ".join(values)


class _PreviewOnly:
    """A form that is checked as for a save, so errors show, and then never saved:
    the admin shows it again, bound to what was typed."""

    def is_valid(self):
        super().is_valid()
        return False


def _previewing(request) -> bool:
    return request.method == "POST" and PREVIEW in request.POST


class PreviewAdminMixin:
    """An entry admin's preview: the no-JavaScript button and the live endpoint."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview")
            kwargs["widget"] = BodyWidget(preview_url=url)
            kwargs["help_text"] = _("Markdown with wiki links: see the formatting help.")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if _previewing(request) and "body" in form.base_fields:
            return type(form.__name__, (_PreviewOnly, form), {})
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        # Not on the revert and recover forms: they restore a revision, and preview
        # is for writing.
        restoring = context.get("revert") or context.get("recover")
        context["show_preview"] = "body" in form.fields and not restoring
        if not context["show_preview"]:
            return super().render_change_form(request, context, add, change, form_url, obj)
        widget = form.fields["body"].widget
        widget.object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
        if _previewing(request):
            source = clean_text(form["body"].value() or "", multiline=True)
            widget.preview = selectors.preview_html(
                source, create_url=red_link_target(request.user, context=obj or self.model())
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        preview = path("preview/", self.admin_site.admin_view(self.preview_view), name=name)
        return [preview, *super().get_urls()]

    @method_decorator(require_POST)
    def preview_view(self, request):
        """The body sent as ``body`` rendered as the page will show it (an HTML
        fragment); ``object_id`` names the page being edited, if any, whose kind
        and series decide where red links lead (``red_link_target``)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = None
        if object_id := request.POST.get("object_id", ""):
            obj = self.get_object(request, unquote(object_id))
        source = clean_text(request.POST.get("body", ""), multiline=True)
        html = selectors.preview_html(
            source, create_url=red_link_target(request.user, context=obj or self.model())
        )
        return HttpResponse(html, content_type="text/html; charset=utf-8")
