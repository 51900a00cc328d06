"""The indexes' filters and sort orders: what a query string asks of a list of
entries, as a queryset and as counts per filter value ("facets").

One ``IndexFilterForm`` per kind reads the query string (``?q=``, ``?tag=`` one or
more times, ``?sort=``; the series also ``?format=``, ``?season=``, ``?year=``,
``?status=``). An invalid value is an error the page shows, and its filter is
left out; the others still apply. ``IndexQuery`` turns the valid values into

- ``page_ids()``, ``count()`` and ``cards()``: the matching entries' ids in the
  order asked for, how many they are, and what their cards show (the views'
  ``late_rows`` joins the ids of one page to the cards);
- ``facets()``: per filter, how many entries each value would give, one
  aggregate query per facet (the entries matching every *other* filter, grouped
  by this one's value), whatever the data;
- ``name_search_stopped``, ``unknown_tags`` (after ``facets()``): what the page
  says went wrong.

The name filter is the site search (``entries.search.matching_ids``, one query):
typos, aliases and fragments of Japanese names find what the search page finds;
with it the list is in the search's order unless another order is asked for.

Titles sort by ``models.TitleSortKey``: the name key (case-folded NFKC) without
the punctuation a title may start with, so ``.hack//Sign`` is under H and
``#コンパス2.0`` among the other kana, not all first. It is an expression (SQL
``LTRIM``, the same on SQLite and PostgreSQL) with an index of its own
(``entry_kind_sort_key_idx``), so no stored field has to be kept in step.

The views (``entries.views.indexes``) and the read API use these; nothing here
knows about requests beyond the query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import search
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    Character,
    Entry,
    Series,
    Staff,
    Studio,
    TagCount,
    TaggedEntry,
    TitleSortKey,
)

# At most this many tags at once: each is a subquery.
MAX_TAGS = 5
# Tags offered in the tag facet, most used first (the selected ones always are).
TAG_CHOICES = 100
NUL_MESSAGE = _("Null characters are not allowed.")
YEAR_RANGE_MESSAGE = format_lazy(_("Year must be between {} and {}."), MIN_YEAR, MAX_YEAR)


# --- Sort orders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SortOrder:
    label: str
    ordering: tuple  # order_by() arguments; the primary key last, so pages never overlap
    # Whether the ordering reads only the entry table's columns: then a page's ids are
    # walked from that table's indexes alone (``IndexQuery.page_ids``).
    on_entry: bool = True


# The entry table's "id" (not the child's "pk"), so the whole order is the index's.
BY_TITLE = (TitleSortKey().asc(), "title", "id")
SORTS_COMMON = {
    "title": SortOrder(_("Title, A to Z"), BY_TITLE),
    "-title": SortOrder(
        _("Title, Z to A"), (TitleSortKey().desc(), F("title").desc(), F("id").desc())
    ),
    "newest": SortOrder(_("Newest pages"), (F("created_at").desc(), F("pk").desc())),
    "edited": SortOrder(_("Recently edited"), (F("updated_at").desc(), F("pk").desc())),
}
SORTS_SERIES = {
    "title": SORTS_COMMON["title"],
    "-title": SORTS_COMMON["-title"],
    "year": SortOrder(
        _("Year, oldest first"), (F("year").asc(nulls_last=True), *BY_TITLE), on_entry=False
    ),
    "newest": SortOrder(
        _("Newest first"),
        (
            F("year").desc(nulls_last=True),
            F("start_date").desc(nulls_last=True),
            F("pk").desc(),
        ),
        on_entry=False,
    ),
    "edited": SORTS_COMMON["edited"],
}
# With a name to look for, the search's order comes first.
BEST_MATCH = "match"
BEST_MATCH_LABEL = _("Best match")


# --- Reading the query string ----------------------------------------------------------------


class TagsField(forms.Field):
    """``?tag=a&tag=b``: tag slugs (case-insensitive), each once, at most ``MAX_TAGS``."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        slugs = []
        for item in value or []:
            if "\x00" in str(item):
                raise forms.ValidationError(NUL_MESSAGE)
            slug = str(item).strip().lower()[:100]
            if slug and slug not in slugs:
                slugs.append(slug)
        return slugs

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(
                _("At most %(max)d tags can be combined."), params={"max": MAX_TAGS}
            )


class ChoiceFilter(forms.ChoiceField):
    """A drop-down filter whose unknown value says which value was not known."""

    def to_python(self, value):
        # Refused before the message echoes it, as CharField refuses it.
        if "\x00" in str(value):
            raise forms.ValidationError(NUL_MESSAGE)
        return super().to_python(value)

    def __init__(self, *, noun: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = format_lazy(_("There is no {} “%(value)s”."), noun)


class IndexFilterForm(forms.Form):
    """The filters every index has: a name, tags, a sort order."""

    sorts = SORTS_COMMON

    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    tag = TagsField(label=_("Tags"), required=False)
    sort = ChoiceFilter(label=_("Sort by"), noun=_("sort order"))

    # The single-valued filters on fields of the model, in the order they are shown.
    field_filters: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [
            (BEST_MATCH, BEST_MATCH_LABEL),
            *((key, sort.label) for key, sort in self.sorts.items()),
        ]

    def clean_sort(self):
        sort = self.cleaned_data.get("sort") or ""
        # "Best match" means something only with a name to match.
        if sort == BEST_MATCH and not self.cleaned_data.get("q"):
            return ""
        return sort

    def values(self) -> dict:
        """The valid values, each filter's "" (or ``[]``, ``None``) when not given or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        values = {
            "q": data.get("q") or "",
            "tag": data.get("tag") or [],
            "sort": data.get("sort") or "",
        }
        for name in self.field_filters:
            value = data.get(name)
            values[name] = value if value not in (None, "") else None
        return values


class SeriesFilterForm(IndexFilterForm):
    """The series index adds format, season, year and status."""

    sorts = SORTS_SERIES
    field_filters = ("format", "season", "year", "status")

    format = ChoiceFilter(label=_("Format"), noun=_("format"), choices=Series.Format.choices)
    season = ChoiceFilter(label=_("Season"), noun=_("season"), choices=Series.Season.choices)
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
    status = ChoiceFilter(label=_("Status"), noun=_("status"), choices=Series.Status.choices)

    field_order = ["q", "format", "season", "year", "status", "tag", "sort"]


FORMS: dict[type[Entry], type[IndexFilterForm]] = {
    Series: SeriesFilterForm,
    Character: IndexFilterForm,
    Staff: IndexFilterForm,
    Studio: IndexFilterForm,
}


# --- Facets ----------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(value, "label (count)") pairs for a drop-down (``includes/filters/select.html``)."""
        return [(option.value, f"{option.label} ({option.count:,})") for option in self.options]

    @property
    def unselected_choices(self) -> list[tuple[str, str]]:
        """``choices`` without the selected values: what a drop-down can add."""
        return [
            (option.value, f"{option.label} ({option.count:,})")
            for option in self.options
            if not option.selected
        ]

    @property
    def any_label(self) -> str:
        """The drop-down's empty choice: "Any format"."""
        return f"Any {self.label.lower()}"

    @property
    def selected_value(self) -> str:
        return next((option.value for option in self.options if option.selected), "")


# --- The query -------------------------------------------------------------------------------


@dataclass
class IndexQuery:
    """One index's entries and facets for the valid values of ``form``."""

    model: type[Entry]
    form: IndexFilterForm
    name_search_stopped: bool = False
    # Selected tags that no entry matching the other filters has (set by ``facets``).
    unknown_tags: list[str] = field(default_factory=list)
    _ids: list[int] | None = None

    @classmethod
    def from_params(cls, model: type[Entry], params) -> IndexQuery:
        """``params`` (a cleaned ``request.GET``): invalid fields become the form's errors."""
        form = FORMS[model](params)
        form.is_valid()
        return cls(model=model, form=form)

    @property
    def values(self) -> dict:
        return self.form.values()

    @property
    def sort(self) -> str:
        """The sort order in use: the one asked for, else best match with a name, else title."""
        return self.values["sort"] or (BEST_MATCH if self.values["q"] else "title")

    @property
    def is_filtered(self) -> bool:
        values = self.values
        return any(values[name] for name in ("q", "tag", *self.form.field_filters))

    # -- rows --

    def _name_ids(self) -> list[int] | None:
        """The ids the name filter allows, best first (None: no name filter); one query."""
        if not self.values["q"]:
            return None
        if self._ids is None:
            try:
                self._ids = search.matching_ids(self.values["q"], kind=self.model.KIND)
            except search.TooCostly:
                self.name_search_stopped = True
                self._ids = []
        return self._ids

    def _filtered(self, *, leave_out: str = "", on_entry: bool = False) -> QuerySet:
        """The entries matching every valid filter but ``leave_out``, unordered: rows
        of the kind's model, or with ``on_entry`` of ``Entry`` (of this kind), the
        kind's own fields reached by a join only when one is filtered on."""
        values = self.values
        if on_entry:
            entries = Entry.objects.filter(kind=self.model.KIND)
            kind_table = self.model._meta.get_field("entry_ptr").remote_field.related_name
            prefix = f"{kind_table}__"
        else:
            entries, prefix = self.model.objects.all(), ""
        ids = self._name_ids()
        if ids is not None:
            entries = entries.filter(pk__in=ids)
        if leave_out != "tag":
            for slug in values["tag"]:
                entries = entries.filter(
                    pk__in=_public_tagged(tag__slug=slug).values("content_object_id")
                )
        for name in self.form.field_filters:
            if name != leave_out and values[name] is not None:
                entries = entries.filter(**{prefix + name: values[name]})
        return entries

    def cards(self) -> QuerySet:
        """What the cards of one page show, in the sort order asked for: every entry of
        the kind, narrowed to one page's ``page_ids`` by ``late_rows``, which alone
        says which entries match. With no filter of its own, the outer query looks up
        the 24 ids rather than walking the kind in order and testing each entry
        against them (which SQLite did: 7 ms for the first page of the series)."""
        return self._ordered(self.model.objects.for_cards())

    def count(self) -> int:
        """How many entries match (one query): on the kind's own table, which has a
        row for each entry of the kind, so no join to the entry table (on PostgreSQL
        at 100,000 entries, the 41,000 characters: 50 ms joined, 3 ms not)."""
        return self._filtered().count()

    def page_ids(self) -> QuerySet:
        """The matching entries' ids in the sort order, for ``late_rows`` to slice one
        page of. A sort on the entry table's columns is walked on that table alone,
        the kind's filters joined only when given: joined to the kind's table
        PostgreSQL misjudges the walk of entry_kind_sort_key_idx and sorts every
        entry of the kind instead (the last page of the characters: 140 ms so, a
        few ms walked)."""
        if self.sort == BEST_MATCH or not self.form.sorts[self.sort].on_entry:
            # The kind on the entry table lets the planner walk entry_kind_sort_key_idx
            # (the facets leave it out: without it, they need not join the entry table).
            return self._ordered(self._filtered().filter(kind=self.model.KIND)).values("pk")
        return self._ordered(self._filtered(on_entry=True)).values("pk")

    def _ordered(self, entries: QuerySet) -> QuerySet:
        if self.sort == BEST_MATCH:
            ids = self._name_ids() or []
            rank = SqlCase(
                *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
                default=Value(len(ids)),
                output_field=IntegerField(),
            )
            return entries.order_by(rank, "pk")
        return entries.order_by(*self.form.sorts[self.sort].ordering)

    # -- facets --

    def facets(self) -> list[Facet]:
        """Counts per value of each filter, one query each (see the module docstring)."""
        facets = [self._field_facet(name) for name in self.form.field_filters]
        return [*facets, self._tag_facet()]

    def _field_facet(self, name: str) -> Facet:
        form_field = self.form.fields[name]
        selected = self.values[name]
        rows = (
            self._filtered(leave_out=name)
            .exclude(**{f"{name}__isnull": True})
            .exclude(**({name: ""} if isinstance(form_field, forms.ChoiceField) else {}))
            .order_by()
            .values_list(name)
            .annotate(count=Count("pk"))
        )
        counts = dict(rows)
        if name == "year":
            ordered = [(year, str(year)) for year in sorted(counts, reverse=True)]
        else:
            ordered = [(value, str(label)) for value, label in form_field.choices]
        options = [
            FacetOption(
                value=str(value),
                label=label,
                count=counts.get(value, 0),
                selected=value == selected,
            )
            for value, label in ordered
            if counts.get(value) or value == selected
        ]
        return Facet(name=name, label=str(form_field.label), options=options)

    def _tag_facet(self) -> Facet:
        """Tags of the entries matching the other filters. ``count`` is what adding the
        tag would leave (the entries matching every filter, the selected tags too, that
        carry it); a selected tag none of those entries has is ``unknown_tags``."""
        selected = self.values["tag"]
        if not self.is_filtered:
            return self._stored_tag_facet()
        matching = self._filtered().values("pk")
        rows = (
            _public_tagged(content_object__in=self._filtered(leave_out="tag").values("pk"))
            .values("tag__slug", "tag__name")
            .annotate(count=Count("pk", filter=Q(content_object__in=matching)))
            .order_by(
                SqlCase(
                    When(tag__slug__in=selected, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                F("count").desc(),
                "tag__name",
            )
        )
        rows = list(rows[: TAG_CHOICES + len(selected)])
        present = {row["tag__slug"] for row in rows}
        self.unknown_tags = [slug for slug in selected if slug not in present]
        options = [
            FacetOption(
                value=row["tag__slug"],
                label=row["tag__name"],
                count=row["count"],
                selected=row["tag__slug"] in selected,
            )
            for row in rows
            if row["count"] or row["tag__slug"] in selected
        ]
        return Facet(name="tag", label=str(self.form.fields["tag"].label), options=options)

    def _stored_tag_facet(self) -> Facet:
        """The tag facet of the unfiltered index: every entry of the kind matches, so
        a tag's count is its public taggings on the kind, which ``TagCount`` keeps
        (one read of a few rows; the same options, counts and order as
        ``_tag_facet``'s query, which groups every tagging of the kind)."""
        rows = (
            TagCount.objects.filter(kind=self.model.KIND, entries__gt=0)
            .order_by("-entries", "tag__name")
            .values_list("tag__slug", "tag__name", "entries")[:TAG_CHOICES]
        )
        options = [FacetOption(value=slug, label=name, count=count) for slug, name, count in rows]
        return Facet(name="tag", label=str(self.form.fields["tag"].label), options=options)


def _public_tagged(**filters):
    """Taggings a filter may use: not spoiler tags (``entries.spoilers``), which the
    index would otherwise give away by what a filter finds and by its counts."""
    return TaggedEntry.objects.filter(revealed_in__isnull=True, **filters)
