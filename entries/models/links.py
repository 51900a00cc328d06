"""Wiki links: ``WikiLink``, a ``[[link]]`` recorded from an entry's body when the
entry is saved, and the queryset that resolves links by name (blue or red)."""

from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, Value
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from ..text import CleanTextMixin
from .entries import Entry, aliases_keyed, names_of, own_names_are
from .naturalkeys import NaturalKeyMixin, NaturalKeyQuerySet


def _link_resolves() -> Q:
    """True for a ``WikiLink`` row that some entry answers to (``entries.answers_to``
    its ``target_key``; of ``target_kind`` when the link names one).

    ``answers_to`` in two parts, each its own ``EXISTS`` so that each reads its index.
    """
    key = OuterRef("target_key")
    any_kind = Q(Exact(OuterRef("target_kind"), Value("")))
    by_title = Entry.objects.filter(own_names_are(key)).filter(
        any_kind | Q(kind=OuterRef("target_kind"))
    )
    by_alias = aliases_keyed(key).filter(any_kind | Q(entry__kind=OuterRef("target_kind")))
    return Q(Exists(by_title)) | Q(Exists(by_alias))


class WikiLinkQuerySet(NaturalKeyQuerySet):
    def with_resolution(self):
        """Each link with ``resolves``: whether a page answers to it now (blue or red)."""
        return self.annotate(
            resolves=models.ExpressionWrapper(_link_resolves(), output_field=models.BooleanField())
        )

    def unresolved(self):
        """Red links: no page answers to their target."""
        return self.exclude(_link_resolves())

    def shown(self):
        """Links a list may name: not those only inside spoiler passages
        (``in_spoiler``), whose names and linking pages a list cannot hide."""
        return self.filter(in_spoiler=False)

    def wanted(self):
        """Red-link targets, one row each (``target_kind``, ``target_key``, ``name``,
        ``pages``: how many pages link to it), most linked first; links only inside
        spoiler passages left out (``shown``)."""
        return (
            self.shown()
            .unresolved()
            .values("target_kind", "target_key")
            .annotate(name=Min("target_name"), pages=Count("source_id", distinct=True))
            .order_by("-pages", "target_key", "target_kind")
        )

    def pointing_to(self, entry: Entry):
        """Links that lead to ``entry``: to a name it answers to (its title, native title
        or an alias), with no kind or with ``entry``'s kind."""
        names = names_of(entry, field="target_key")
        return self.filter(names, Q(target_kind="") | Q(target_kind=entry.kind))

    def record(self, *, source: Entry, targets, hidden=frozenset()) -> None:
        """Make ``source``'s recorded links exactly ``targets`` (``wikilinks.LinkTarget``),
        those whose (kind, key) is in ``hidden`` marked ``in_spoiler``."""
        wanted = {(target.kind, target.key): target for target in targets}
        existing = {
            (kind, key): in_spoiler
            for kind, key, in_spoiler in self.filter(source=source).values_list(
                "target_kind", "target_key", "in_spoiler", named=False
            )
        }
        stale = existing.keys() - wanted.keys()
        if stale:
            self.filter(Q(source=source) & _pairs(stale)).delete()
        for in_spoiler in (True, False):
            # A mention that moved into or out of a spoiler passage.
            moved = {
                pair
                for pair, was in existing.items()
                if pair in wanted and was != in_spoiler and (pair in hidden) == in_spoiler
            }
            if moved:
                self.filter(Q(source=source) & _pairs(moved)).update(in_spoiler=in_spoiler)
        self.bulk_create(
            WikiLink(
                source=source,
                target_kind=target.kind,
                target_name=target.name,
                target_key=target.key,
                in_spoiler=pair in hidden,
            )
            for pair, target in wanted.items()
            if pair not in existing
        )


def _pairs(pairs) -> Q:
    """Links to any of ``pairs`` (target_kind, target_key)."""
    found = Q()
    for kind, key in pairs:
        found |= Q(target_kind=kind, target_key=key)
    return found


class WikiLink(NaturalKeyMixin, CleanTextMixin, models.Model):
    """A ``[[link]]`` in an entry's body, recorded when the entry is saved.

    The target is a name, not a foreign key: whether a page by that name exists
    is decided when a page is shown, so creating, renaming or deleting the target
    recolours every link to it without re-saving the pages that link.
    """

    source = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="outgoing_links")
    target_kind = models.CharField(
        max_length=16, choices=Entry.Kind.choices, blank=True, help_text=_("Empty: any kind.")
    )
    target_name = models.CharField(max_length=255)
    target_key = models.CharField(max_length=255)
    # Every mention is inside a spoiler passage (markup.Rendered.hidden): the page
    # hides it, so the lists that cannot (wanted pages, "what links here") skip it.
    in_spoiler = models.BooleanField(default=False)

    objects = WikiLinkQuerySet.as_manager()

    natural_key_fields = ("source", "target_kind", "target_key")  # unique_wikilink_per_source

    class Meta:
        ordering = ["target_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_kind", "target_key"], name="unique_wikilink_per_source"
            ),
        ]
        indexes = [models.Index(fields=["target_key"], name="wikilink_target_key_idx")]

    def __str__(self):
        return f"{self.source} → {self.target_name}"
