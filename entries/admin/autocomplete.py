"""The admin's autocomplete, naming an episode by its series and number.

Episode titles repeat across series ("Episode 1") and say nothing of where they
belong, so the list an editor picks from on a character's or a person's form
reads "Metallic Rouge 1: Crimson Is the Sound of Dawn" (``Episode.full_title``).
Django's ``AutocompleteJsonView`` names every result by ``str()``; this one is
served at the admin's own ``admin:autocomplete`` address (``wiki/urls.py``
puts it before the admin's URLs), so every autocomplete widget uses it.
"""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from ..models import Episode


class EntryAutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Episode):
            # EpisodeAdmin's queryset selects the series with each episode.
            result["text"] = obj.full_title
        return result


class EpisodeChoiceField(forms.ModelChoiceField):
    """An episode field whose chosen episode reads as the autocomplete names it."""

    def label_from_instance(self, obj):
        return obj.full_title


class EpisodeFieldMixin:
    """An inline whose ``episode`` field names its episode with its series."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "episode":
            kwargs["form_class"] = EpisodeChoiceField
            # The widget names the chosen episode: its series in the same query.
            kwargs["queryset"] = Episode.objects.select_related("series")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
