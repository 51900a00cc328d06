"""Public pages: home, indexes, entry pages, tags, the ``/wiki/`` name resolver and the
wanted pages.

Views stay thin: each takes its rows from a queryset method (``for_page``,
``for_cards``, ``for_list``...) or a helper in ``selectors``, so that templates
never query and every page costs a fixed number of queries.

Bad input is a clear answer, never a 500:

- a page number that is not a page (``?page=abc``, ``?page=-1``, past the last
  page) is a 404, as Django's paginated ``ListView`` does; links only ever
  point at real pages, so only a hand-edited address meets it;
- a slug longer than any slug can be is a 404 before the database is asked;
- an invalid series filter (``?year=abc``) is reported on the page and left
  out, and a tag filter no series has gives an empty list that says so.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .forms import SeriesFilterForm
from .models import (
    Character,
    Entry,
    Episode,
    Series,
    Staff,
    Studio,
    StudioMember,
    Tag,
    WikiLink,
)
from .slugs import SLUG_MAX_LENGTH
from .wikilinks import parse_target

HOME_FEATURED = 4
HOME_RECENT = 12
HOME_TAGS = 24
WIKI_MAX_MATCHES = 50
WIKI_MAX_SUGGESTIONS = 10
# "What links here" on an entry page, and linking pages per name on the wanted pages.
LINKS_HERE_SHOWN = 100
WANTED_SOURCES_SHOWN = 10
# Episode numbers are PositiveSmallIntegerField: no larger number can exist.
MAX_EPISODE_NUMBER = 32767
TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length


class SectionMixin:
    """Tells the header which section of the site a page belongs to."""

    section = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)


class HomeView(TemplateView):
    template_name = "entries/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            featured=Series.objects.featured()[:HOME_FEATURED],
            recent=Entry.objects.recently_updated().for_cards()[:HOME_RECENT],
            popular_tags=selectors.popular_tags(limit=HOME_TAGS),
            **kwargs,
        )


# --- Editors' links ----------------------------------------------------------------------
# Editors (staff users with the model permissions) get links into the admin: an
# "Edit this page" link, and red links and missing names that open the add form
# with the title filled in (the admin takes initial values from the query string).

_MODELS = {model.KIND: model for model in Entry.__subclasses__()}
# What an editor may create from a name that names no kind: episodes need a series.
CREATABLE_KINDS = [Entry.Kind.SERIES, Entry.Kind.CHARACTER, Entry.Kind.STAFF, Entry.Kind.STUDIO]


def _may(user, action: str, kind: str) -> bool:
    model = _MODELS.get(kind)
    return (
        model is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"entries.{action}_{model._meta.model_name}")
    )


def add_url(kind: str, name: str) -> str:
    """The admin form that creates a ``kind`` of entry called ``name``."""
    model_name = _MODELS[kind]._meta.model_name
    return f"{reverse(f'admin:entries_{model_name}_add')}?{urlencode({'title': name})}"


def create_links(user, *, name: str, kind: str = "") -> list[tuple[str, str]]:
    """(kind, add form address) for each kind ``user`` may create ``name`` as."""
    kinds = [kind] if kind else CREATABLE_KINDS
    return [
        (str(_MODELS[each]._meta.verbose_name), add_url(each, name))
        for each in kinds
        if _may(user, "add", each)
    ]


def red_link_target(user):
    """Where an editor's red link goes: a kinded one (``[[studio:Foo]]``) to the add
    form of that kind; an unkinded one keeps its ``/wiki/`` address, whose "no such
    page" page offers every kind. None for a reader."""
    if not (user.is_active and user.is_staff):
        return None

    def target(kind: str, name: str) -> str:
        return add_url(kind, name) if kind and _may(user, "add", kind) else ""

    return target


# --- Indexes ----------------------------------------------------------------------------


class EntryListView(SectionMixin, ListView):
    """A paginated index of one kind of entry, as cards."""

    template_name = "entries/entry_list.html"
    context_object_name = "entries"

    def get_paginate_by(self, queryset):
        return settings.FANDEX_PAGE_SIZE

    def get_queryset(self):
        # The primary key breaks ties between equal titles, so pages never overlap.
        # The kinds' own for_cards() leave the main image out: it is joined here.
        return self.model.objects.for_cards().order_by("title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.model._meta.verbose_name_plural
        context["singular"] = self.model._meta.verbose_name
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class SeriesListView(EntryListView):
    model = Series
    section = "series"
    template_name = "entries/series_list.html"

    def get(self, request, *args, **kwargs):
        # Invalid fields are shown as errors and left out; the valid ones still filter.
        self.filter_form = SeriesFilterForm(request.GET)
        self.filter_form.is_valid()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        series = Series.objects.for_list(**self.filter_form.filters())
        return series.order_by("title", "pk")

    def get_context_data(self, **kwargs):
        filters = self.filter_form.filters()
        tags = selectors.tags_of_kind(Series)
        selected_tag = next((tag for tag in tags if tag.slug == filters["tag"]), None)
        return super().get_context_data(
            filter_form=self.filter_form,
            filters=filters,
            tag_choices=tags,
            year_choices=list(Series.objects.years()),
            selected_tag=selected_tag,
            unknown_tag=bool(filters["tag"]) and selected_tag is None,
            is_filtered=any(filters.values()),
            search_value=filters["query"],
            **kwargs,
        )


class CharacterListView(EntryListView):
    model = Character
    section = "characters"


class StaffListView(EntryListView):
    model = Staff
    section = "staff"


class StudioListView(EntryListView):
    model = Studio
    section = "studios"


# --- Entry pages --------------------------------------------------------------------------


class EntryDetailView(SectionMixin, DetailView):
    """An entry page; the queryset is the kind's ``for_page()`` with its main image
    and gallery (one query more, whatever the number of pictures).

    Every kind's page also shows its body with link colours as of now, the pages
    that link to it, and when and by whom it was last edited: three queries more,
    whatever the number of links.
    """

    context_object_name = "entry"

    def get_queryset(self):
        return self.model.objects.for_page().with_gallery()

    def get_object(self, queryset=None):
        if len(self.kwargs["slug"]) > SLUG_MAX_LENGTH:
            raise Http404("No page has such a long address.")
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        entry, user = self.object, self.request.user
        edit_url = ""
        if _may(user, "change", entry.kind):
            edit_url = reverse(f"admin:entries_{entry._meta.model_name}_change", args=[entry.pk])
        return super().get_context_data(
            body_html=selectors.body_html(entry, create_url=red_link_target(user)),
            links_here=selectors.links_here(entry, limit=LINKS_HERE_SHOWN),
            last_edit=selectors.last_edit(entry),
            edit_url=edit_url,
            history_url=entry.get_history_url(),
            **kwargs,
        )


class SeriesDetailView(EntryDetailView):
    model = Series
    section = "series"

    def get_context_data(self, **kwargs):
        series = self.object
        return super().get_context_data(
            studios=selectors.roles_by(series.studio_roles.all(), "studio"),
            staff=selectors.credits_by_person(series.staff_credits.all()),
            cast=selectors.cast_by_role(series.appearances.all()),
            related=selectors.related_series(series),
            **kwargs,
        )


class CharacterDetailView(EntryDetailView):
    model = Character
    section = "characters"


class StaffDetailView(EntryDetailView):
    model = Staff
    section = "staff"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            works=selectors.roles_by(self.object.credits.all(), "series"), **kwargs
        )


class StudioDetailView(EntryDetailView):
    model = Studio
    section = "studios"

    def get_context_data(self, **kwargs):
        studio = self.object
        founders = [
            member
            for member in studio.members.all()
            if member.position == StudioMember.Position.FOUNDER
        ]
        return super().get_context_data(
            works=selectors.roles_by(studio.series_roles.all(), "series"),
            founders=founders,
            **kwargs,
        )


class EpisodeDetailView(EntryDetailView):
    """``/series/<slug>/episodes/<number>/``: found by its series and number."""

    model = Episode
    section = "series"

    def get_object(self, queryset=None):
        slug, number = self.kwargs["slug"], self.kwargs["number"]
        if len(slug) > SLUG_MAX_LENGTH or number > MAX_EPISODE_NUMBER:
            raise Http404("No such episode.")
        return get_object_or_404(self.get_queryset(), series__slug=slug, number=number)

    def get_context_data(self, **kwargs):
        previous, following = selectors.episode_neighbours(self.object)
        return super().get_context_data(previous=previous, next=following, **kwargs)


# --- Tags ---------------------------------------------------------------------------------


class TagListView(SectionMixin, ListView):
    """Every tag in use with its number of entries, by name or ``?order=count``."""

    section = "tags"
    template_name = "entries/tag_list.html"
    context_object_name = "tags"
    orders = ("name", "count")

    def get_paginate_by(self, queryset):
        return settings.FANDEX_PAGE_SIZE

    def get_queryset(self):
        requested = self.request.GET.get("order", "")
        self.order = requested if requested in self.orders else "name"
        return selectors.tags_with_counts(order=self.order)

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)


class TagDetailView(SectionMixin, DetailView):
    """Every entry with a tag, in one section per kind."""

    model = Tag
    section = "tags"
    template_name = "entries/tag_detail.html"
    context_object_name = "tag"

    def get_object(self, queryset=None):
        # A slug longer than any tag's cannot match: answer without a query.
        slug = self.kwargs["slug"]
        if len(slug) > TAG_SLUG_MAX_LENGTH:
            raise Http404("No such tag.")
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        entries = Entry.objects.filter(tags=self.object).for_cards().order_by("title", "pk")
        groups = selectors.group_by_kind(entries)
        return super().get_context_data(
            groups=groups, total=sum(len(group.entries) for group in groups), **kwargs
        )


# --- /wiki/<name> ------------------------------------------------------------------------


def resolve_name(request, name):
    """Find a page by its title, native title or an alias, as MediaWiki's ``/wiki/`` does.

    Letter case does not matter and underscores are spaces (``Rouge_Redstar``);
    a kind prefix narrows the search (``studio:Bones``). One match redirects to
    it, several give a disambiguation page, none a 404 with similar names.
    """
    target = parse_target(name)
    if target is None:
        # Empty, too long for any title, or characters no title may contain.
        context = {"name": name[:200], "suggestions": [], "create_links": []}
        return render(request, "entries/wiki_missing.html", context, status=404)
    # The same matching as the link colours: a blue link never leads to "no such page".
    matches = list(
        Entry.objects.answering_to(target.key, kind=target.kind)
        .with_urls()
        .order_by("title", "pk")[: WIKI_MAX_MATCHES + 1]
    )
    if len(matches) == 1:
        return redirect(matches[0])
    if matches:
        return render(
            request,
            "entries/wiki_disambiguation.html",
            {
                "name": target.name,
                "groups": selectors.group_by_kind(matches[:WIKI_MAX_MATCHES]),
                "truncated": len(matches) > WIKI_MAX_MATCHES,
            },
        )
    suggestions = Entry.objects.similar_to(target.name).with_urls().order_by("title", "pk")
    return render(
        request,
        "entries/wiki_missing.html",
        {
            "name": target.name,
            "kind": target.kind,
            "suggestions": suggestions[:WIKI_MAX_SUGGESTIONS],
            "create_links": create_links(request.user, name=target.name, kind=target.kind),
        },
        status=404,
    )


# --- Wanted pages -------------------------------------------------------------------------


class WantedPagesView(ListView):
    """Names that red links point to, the most linked first, with the pages linking."""

    template_name = "entries/wanted_pages.html"
    context_object_name = "wanted"

    def get_paginate_by(self, queryset):
        return settings.FANDEX_PAGE_SIZE

    def get_queryset(self):
        return WikiLink.objects.wanted()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["items"] = selectors.wanted_pages(
            context["wanted"],
            sources_each=WANTED_SOURCES_SHOWN,
            create_urls=lambda kind, name: create_links(user, name=name, kind=kind),
        )
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context
