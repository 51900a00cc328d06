"""Forms of the public pages: the filters of the series index."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import MAX_YEAR, MIN_YEAR

YEAR_RANGE_MESSAGE = format_lazy(_("Year must be between {} and {}."), MIN_YEAR, MAX_YEAR)


class SeriesFilterForm(forms.Form):
    """``?q=``, ``?tag=`` and ``?year=`` of the series index.

    An invalid value is reported on the page and its filter left out; the
    other filters still apply. A tag that no series has is not an error: it
    gives an empty list (the view says why).
    """

    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    # No max_length: a tag slug too long to exist is simply a tag no series has.
    tag = forms.CharField(label=_("Tag"), required=False)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": _("Year must be a number."),
            "min_value": YEAR_RANGE_MESSAGE,
            "max_value": YEAR_RANGE_MESSAGE,
        },
    )

    def filters(self) -> dict:
        """Keyword arguments for ``Series.objects.for_list`` from the valid fields."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "tag": data.get("tag") or "",
            "year": data.get("year"),
        }
