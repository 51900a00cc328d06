"""The registry is the one declaration of what a revision holds: whatever inline it
declares for a kind is recorded, and a revert brings it back."""

import pytest
import reversion

from entries import history, services
from entries.models import Change, Entry, Episode
from tests import factories

pytestmark = pytest.mark.django_db

CASES = [(model, inline) for model, inlines in history.INLINES.items() for inline in inlines]


def make_row(inline: history.Inline, entry: Entry):
    """One row of ``inline`` on ``entry``, pointing at a new entry of the right kind."""
    if inline.model is Episode:
        return factories.make_episode(series=entry)
    values = {inline.fk.removesuffix("_id"): entry}
    for model_field in inline.model._meta.concrete_fields:
        if model_field.primary_key or model_field.attname == inline.fk:
            continue
        target = model_field.related_model
        if model_field.is_relation:
            is_entry = issubclass(target, Entry)
            values[model_field.name] = (
                factories.make_entry(target) if is_entry else factories.make_platform()
            )
        elif model_field.choices:
            values[model_field.name] = model_field.choices[0][0]
    return inline.model.objects.create(**values)


def test_every_kind_declares_its_inlines():
    assert set(history.INLINES) == set(Entry.__subclasses__())


def test_reversion_follows_what_the_registry_declares():
    for model in history.INLINES:
        follow = reversion.revisions._get_options(model).follow
        assert follow == history.follow(model), model


@pytest.mark.parametrize(
    ("model", "inline"), CASES, ids=[f"{m.__name__}-{i.label}" for m, i in CASES]
)
def test_a_revert_brings_back_every_inline_the_registry_declares(model, inline):
    entry = factories.make_entry(model)
    row = make_row(inline, entry)
    with services.recorded(summary="With the row"):
        services.note(entry, Change.Action.CHANGE)
    with_row = Change.objects.filter(entry_pk=entry.pk).latest("pk").revision
    row.delete()
    with services.recorded(summary="Without it"):
        services.note(entry, Change.Action.CHANGE)
    assert not inline.model.objects.filter(**{inline.fk: entry.pk}).exists()

    services.restore_entry(revision=with_row, model=model, pk=entry.pk)

    assert inline.model.objects.filter(**{inline.fk: entry.pk}).count() == 1
