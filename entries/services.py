"""Writes that touch several objects, each in one transaction.

Views, admin actions and commands call these instead of saving related rows
themselves, so the rules (what moves where, what is validated) live in one place.
"""

from collections.abc import Iterable

from django.db import transaction

from .models import Tag, TaggedEntry


@transaction.atomic
def merge_tags(*, tags: Iterable[Tag], into_name: str) -> Tag:
    """Move every use of ``tags`` onto the tag named ``into_name`` and delete the rest.

    The target is found case-insensitively (and takes the name as typed now) or
    created. An entry that already had the target keeps it once.
    """
    target = Tag.objects.filter(name__iexact=into_name).first() or Tag(name=into_name)
    target.name = into_name
    target.full_clean(exclude=["slug"])
    target.save()
    sources = [tag for tag in tags if tag.pk != target.pk]
    already_tagged = TaggedEntry.objects.filter(tag=target).values("content_object_id")
    moving = TaggedEntry.objects.filter(tag__in=sources)
    # Entries carrying both would break unique_tag_per_entry: drop their old row.
    moving.filter(content_object_id__in=already_tagged).delete()
    moving.update(tag=target)
    Tag.objects.filter(pk__in=[tag.pk for tag in sources]).delete()
    return target
