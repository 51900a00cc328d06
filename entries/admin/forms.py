"""The forms of the entry admins: slug checks, the edit summary, URL fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Entry
from ..text import clean_text
from .preview import SummaryWidget


class EntryAdminForm(forms.ModelForm):
    """Checks the slug of a kind of entry before ``Entry.save()`` fills it in.

    The model's constraints on the slug (one per kind, never empty) cannot be
    checked by the model form as they stand: ``kind`` is not a form field, so
    Django skips ``unique_slug_per_kind``, and an empty slug, which the editor
    may leave for ``save()`` to make from the title, would fail
    ``entry_slug_not_empty``.
    """

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        model = self._meta.model
        taken = Entry.objects.filter(kind=model.KIND, slug=slug).exclude(pk=self.instance.pk)
        if slug and taken.exists():
            raise ValidationError(
                _("Another %(kind)s already has this slug; choose another or leave it empty."),
                code="unique_slug_per_kind",
                params={"kind": model._meta.verbose_name},
            )
        return slug

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # Nothing to check yet: save() makes a unique, non-empty slug from the title.
        if not self.cleaned_data.get("slug"):
            exclude.add("slug")
        return exclude


class EpisodeAdminForm(EntryAdminForm):
    # The database refuses 0 (episode_number_positive); say why in words instead.
    number = forms.IntegerField(min_value=1, max_value=32767)


class EditSummaryMixin(forms.Form):
    """The edit summary an editor types on a kind's form: the revision's comment.

    Not a model field, and not part of the edit itself: left out of
    ``changed_data`` (so neither the change message nor a conflict check sees it).
    """

    edit_summary = forms.CharField(
        label=_("Edit summary"),
        max_length=255,
        required=False,
        help_text=_("Briefly, what you changed and why. Shown in the page's history."),
        widget=SummaryWidget(attrs={"class": "vTextField", "size": 80}),
    )

    def clean_edit_summary(self):
        return clean_text(self.cleaned_data["edit_summary"]).strip()

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "edit_summary"]


# A bare "example.com" typed into a URL field becomes https://, which Django 6 makes the
# default; saying so now also keeps Django 5's deprecation warning out of the logs.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
