"""Natural keys: every model of the app can be named by what identifies it, not by
its id, so that ``dumpdata --natural-foreign --natural-primary`` and ``loaddata``
move rows between databases whose ids differ.

A model lists the fields of its natural key in ``natural_key_fields`` (a
uniqueness rule of its own: ``unique_slug_per_kind``, ``unique_alias_per_entry``);
a foreign key among them stands for the natural key of the row it points to, so
an alias is ``("series", "cowboy-bebop", "Kaubōi Bibappu")`` (a foreign key to a
model of another app without one, ``Change.revision``, stands for its id).
``NaturalKeyMixin.natural_key`` builds the tuple and ``NaturalKeyQuerySet``
finds a row by it (``get_by_natural_key``, what ``loaddata`` calls); each model
gets a ``natural_key`` of its own naming the models it depends on, as Django's
serializers expect (``set_dependencies``, from ``EntriesConfig.ready``).

The bottom of ``entries.models``: it imports no other submodule.
"""

from django.db import models


def natural_key_lookups(model, prefix: str = "") -> list[str]:
    """The lookups (``entry__kind``, ``entry__slug``, ``name``) of ``model``'s natural key."""
    lookups = []
    for name in model.natural_key_fields:
        field = model._meta.get_field(name)
        if _has_natural_key(field):
            lookups += natural_key_lookups(field.related_model, f"{prefix}{name}__")
        else:
            lookups.append(f"{prefix}{field.attname}")
    return lookups


class NaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        lookups = natural_key_lookups(self.model)
        if len(key) != len(lookups):
            raise ValueError(f"{self.model.__name__} has a natural key of {len(lookups)} values.")
        return self.get(**dict(zip(lookups, key, strict=True)))


class NaturalKeyMixin:
    """A model named by ``natural_key_fields`` (see the module docstring). Put it
    before ``models.Model``; the model's manager needs ``NaturalKeyQuerySet``."""

    natural_key_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        # A function per model, for the ``dependencies`` Django's serializers read
        # (filled in by ``set_dependencies`` once every model exists).
        def natural_key(self):
            return NaturalKeyMixin._natural_key(self)

        cls.natural_key = natural_key

    def _natural_key(self) -> tuple:
        key = ()
        for name in self.natural_key_fields:
            field = self._meta.get_field(name)
            if _has_natural_key(field):
                key += getattr(self, name).natural_key()
            else:
                value = getattr(self, field.attname)
                key += (value.name if isinstance(value, models.fields.files.FieldFile) else value,)
        return key


def set_dependencies() -> None:
    """Name, on each model's ``natural_key``, the models its natural key points into."""
    models_, pending = [], [NaturalKeyMixin]
    while pending:
        subclasses = pending.pop().__subclasses__()
        models_ += subclasses
        pending += subclasses
    for model in models_:
        dependencies = [
            model._meta.get_field(name).related_model._meta.label_lower
            for name in model.natural_key_fields
            if _has_natural_key(model._meta.get_field(name))
        ]
        # Only when there are some: Django's sort_dependencies appends to an empty
        # list it finds there (for a model without any, it makes its own).
        if dependencies:
            model.natural_key.dependencies = dependencies


def _has_natural_key(field) -> bool:
    """Whether ``field`` points to a model named by its natural key (else: by its id,
    as ``Change.revision`` points to django-reversion's ``Revision``)."""
    return field.is_relation and issubclass(field.related_model, NaturalKeyMixin)
