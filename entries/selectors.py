"""What the public pages show, shaped from rows the views have already fetched.

Queryset methods on the models decide what to fetch (``for_page``, ``for_cards``);
the helpers here group and word those rows for a template, in Python, without a
query of their own unless their docstring says so.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from . import markup
from .models import (
    KIND_MODELS,
    Alias,
    Appearance,
    Change,
    Entry,
    Episode,
    EpisodeAppearance,
    EpisodeCredit,
    Series,
    SeriesRelation,
    SeriesStudio,
    Staff,
    StaffCredit,
    StudioMember,
    Tag,
    WikiLink,
)
from .wikilinks import LinkStatus, LinkTarget, mark_links

# --- Tags -------------------------------------------------------------------------------


def tags_with_counts(*, order: str = "name"):
    """Tags used by at least one entry, each with ``count``; one query.

    ``order`` is ``"name"`` or ``"count"`` (most used first).
    """
    tags = Tag.objects.with_counts()
    return tags.order_by("-count", "name") if order == "count" else tags.order_by("name")


def popular_tags(*, limit: int = 20) -> list[Tag]:
    """The most used tags, by number of tagged entries; one query."""
    return list(Tag.objects.popular()[:limit])


def tags_of_kind(model: type[Entry]) -> list[Tag]:
    """Tags used by entries of one kind (``Series``...), with ``count``; one query."""
    return list(Tag.objects.with_counts(kind=model.KIND).order_by("name"))


# --- Entries of mixed kinds ---------------------------------------------------------------


@dataclass
class KindGroup:
    kind: str
    label: str  # plural: "Characters"
    singular: str  # "character"
    entries: list[Entry] = field(default_factory=list)


def group_by_kind(entries: Iterable[Entry]) -> list[KindGroup]:
    """Entries in one section per kind, in ``KIND_MODELS`` order (Series, Characters,
    Staff, Studios, Episodes)."""
    groups = {
        kind: KindGroup(
            kind=kind,
            label=capfirst(model._meta.verbose_name_plural),
            singular=model._meta.verbose_name,
        )
        for kind, model in KIND_MODELS.items()
    }
    for entry in entries:
        groups[entry.kind].entries.append(entry)
    return [group for group in groups.values() if group.entries]


# --- Series pages -------------------------------------------------------------------------


@dataclass
class PersonCredits:
    """One person on a series page, with every role they had on it."""

    person: Staff
    roles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _role_rank(choices) -> dict[str, int]:
    return {value: rank for rank, value in enumerate(choices.values)}


def credits_by_person(credits: Iterable[StaffCredit | EpisodeCredit]) -> list[PersonCredits]:
    """A series' or an episode's staff, each person once, ordered by their most
    prominent role.

    Roles follow the order of their model's ``Role`` (``StaffCredit.Role``: original
    creator, director...; ``EpisodeCredit.Role``: episode director, storyboard...).
    """

    def order(credit):
        rank = _role_rank(type(credit).Role)
        return (rank.get(credit.role, len(rank)), credit.pk)

    credits = sorted(credits, key=order)
    people: dict[int, PersonCredits] = {}
    for credit in credits:
        person = people.setdefault(credit.staff_id, PersonCredits(person=credit.staff))
        person.roles.append(credit.get_role_display())
        if credit.note:
            person.notes.append(credit.note)
    return list(people.values())


@dataclass
class CastGroup:
    role: str
    label: str
    appearances: list[Appearance] = field(default_factory=list)


def cast_by_role(appearances: Iterable[Appearance]) -> list[CastGroup]:
    """A series' characters in sections: main, supporting, background."""
    labels = {
        Appearance.Role.MAIN: _("Main characters"),
        Appearance.Role.SUPPORTING: _("Supporting characters"),
        Appearance.Role.BACKGROUND: _("Background characters"),
    }
    groups = {role: CastGroup(role=role, label=labels[role]) for role in Appearance.Role.values}
    for appearance in appearances:
        groups[appearance.role].appearances.append(appearance)
    return [group for group in groups.values() if group.appearances]


# How a relation reads from its target's side: if B is a sequel of A, A is B's prequel.
_INVERSE_RELATION = {
    SeriesRelation.Type.SEQUEL: _("Prequel"),
    SeriesRelation.Type.PREQUEL: _("Sequel"),
    SeriesRelation.Type.SIDE_STORY: _("Parent story"),
    SeriesRelation.Type.PARENT_STORY: _("Side story"),
    SeriesRelation.Type.SPIN_OFF: _("Spun off from"),
    SeriesRelation.Type.ALTERNATIVE: _("Alternative version"),
    SeriesRelation.Type.SUMMARY: _("Full story"),
    SeriesRelation.Type.OTHER: _("Other"),
}
# The order the labels are listed in: what came before, then after, then the rest.
_RELATION_ORDER = [
    "Prequel",
    "Sequel",
    "Parent story",
    "Side story",
    "Spin-off",
    "Spun off from",
    "Alternative version",
    "Summary",
    "Full story",
    "Other",
]


@dataclass
class RelatedSeries:
    label: str
    series: Series
    # A spoiler mark (entries.spoilers): the episode of ``spoiler_series`` (the
    # relation's source) that reveals the relation; None when it is no spoiler.
    revealed_in: int | None = None
    spoiler_series: Series | None = None


def related_series(series: Series) -> list[RelatedSeries]:
    """Series related to ``series`` in either direction, each worded from its side;
    one query for both directions.

    A relation recorded both ways (A has sequel B, B has prequel A) is listed once.
    """
    related: dict[tuple[str, int], RelatedSeries] = {}
    relations = list(
        SeriesRelation.objects.filter(
            Q(source_id=series.pk) | Q(target_id=series.pk)
        ).select_related("source", "target")
    )
    # In the order two prefetches gave: the relations from this series first.
    for relation in relations:
        if relation.source_id == series.pk:
            label = str(relation.get_type_display())
            related.setdefault(
                (label, relation.target_id),
                RelatedSeries(label, relation.target, relation.revealed_in, relation.source),
            )
    for relation in relations:
        if relation.target_id == series.pk:
            label = str(_INVERSE_RELATION.get(relation.type, relation.get_type_display()))
            related.setdefault(
                (label, relation.source_id),
                RelatedSeries(label, relation.source, relation.revealed_in, relation.source),
            )

    def reading_order(item: RelatedSeries):
        rank = (
            _RELATION_ORDER.index(item.label)
            if item.label in _RELATION_ORDER
            else len(_RELATION_ORDER)
        )
        return rank, item.series.title.casefold()

    return sorted(related.values(), key=reading_order)


@dataclass
class Roles:
    """One series (or studio) on a page, with every role on it: "Animation, Production"."""

    item: Entry
    roles: list[str] = field(default_factory=list)


def roles_by(rows: Iterable[StaffCredit | SeriesStudio], attribute: str) -> list[Roles]:
    """Credit rows merged per ``attribute`` (``"series"`` or ``"studio"``), in the rows' order.

    A person's credits become one line per series; a series' studio credits one
    line per studio.
    """
    merged: dict[int, tuple[Entry, list]] = {}
    for row in rows:
        key = getattr(row, f"{attribute}_id")
        _, roles = merged.setdefault(key, (getattr(row, attribute), []))
        rank = _role_rank(type(row).Role).get(row.role, 0)
        roles.append((rank, row.get_role_display()))
    # Within a line, roles keep the order of their choices (animation before production).
    return [
        Roles(item=item, roles=[label for _, label in sorted(roles)])
        for item, roles in merged.values()
    ]


def positions_by_person(members: Iterable[StudioMember]) -> list[Roles]:
    """A studio's people, each once with every position ("Founder, President"), those
    with the first position of ``StudioMember.Position`` first, then by name."""
    rank = _role_rank(StudioMember.Position)
    merged: dict[int, tuple[Staff, list]] = {}
    for member in members:
        _, positions = merged.setdefault(member.person_id, (member.person, []))
        positions.append((rank.get(member.position, len(rank)), member.get_position_display()))
    people = [(sorted(positions), person) for person, positions in merged.values()]
    people.sort(key=lambda row: (row[0][0][0], row[1].title.casefold(), row[1].pk))
    return [
        Roles(item=person, roles=[label for _, label in positions]) for positions, person in people
    ]


@dataclass
class EpisodeLine:
    """One episode on a character's or a person's page: the person's roles on it (none
    for a character), the notes, and the spoiler mark the line carries."""

    episode: Episode
    roles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revealed_in: int | None = None


@dataclass
class SeriesEpisodes:
    """The episodes of one series on a character's or a person's page. ``revealed_in``:
    the character's mark in the series (``Appearance.revealed_in``), which hides the
    whole group; a line carries a mark of its own only when it is later."""

    series: Series
    episodes: list[EpisodeLine] = field(default_factory=list)
    revealed_in: int | None = None


def episodes_by_series(rows: Iterable[EpisodeAppearance | EpisodeCredit]) -> list[SeriesEpisodes]:
    """A character's episode appearances or a person's episode credits (fetched with
    their episode and its series, ``for_page``), grouped by series in the rows'
    order, each episode once with all its roles; no query."""
    groups: dict[int, SeriesEpisodes] = {}
    lines: dict[int, EpisodeLine] = {}
    roles: dict[int, list[tuple[int, str]]] = {}
    rank = _role_rank(EpisodeCredit.Role)
    for row in rows:
        episode = row.episode
        group = groups.get(episode.series_id)
        if group is None:
            group = groups[episode.series_id] = SeriesEpisodes(
                series=episode.series, revealed_in=getattr(row, "series_revealed_in", None)
            )
        line = lines.get(episode.pk)
        if line is None:
            line = lines[episode.pk] = EpisodeLine(episode=episode)
            group.episodes.append(line)
            if isinstance(row, EpisodeAppearance) and (row.revealed_in or 0) > (
                group.revealed_in or 0
            ):
                line.revealed_in = row.revealed_in
        if isinstance(row, EpisodeCredit):
            roles.setdefault(episode.pk, []).append((rank.get(row.role, 0), row.get_role_display()))
        if row.note:
            line.notes.append(row.note)
    for pk, ranked in roles.items():
        # Within a line, roles keep the order of their choices (director before script).
        lines[pk].roles = [label for _rank, label in sorted(ranked)]
    return list(groups.values())


def episode_neighbours(episode: Episode) -> tuple[Episode | None, Episode | None]:
    """The episodes before and after ``episode`` in its series; two queries."""
    siblings = Episode.objects.filter(series_id=episode.series_id).select_related("series")
    previous = siblings.filter(number__lt=episode.number).order_by("-number").first()
    following = siblings.filter(number__gt=episode.number).order_by("number").first()
    return previous, following


# --- Spoilers ------------------------------------------------------------------------------


# How many episodes the progress control offers for a series of unknown length.
EPISODES_OFFERED = 24


@dataclass
class SpoilerSeries:
    """A series on a page's spoiler control, with the episode numbers it offers."""

    series: Series
    episodes: range


def spoiler_series(entry: Entry) -> list[SpoilerSeries]:
    """The series a page concerns, its own series first (``entries.spoilers``): the
    series itself, an episode's series, the series a character appears in, a
    person's or a studio's works. From the rows ``for_page()`` fetched: no query.

    A page's reader sets their progress in each of these, and its marks without a
    series of their own count the episodes of the first.
    """
    kind = entry.kind
    if kind == Entry.Kind.SERIES:
        found = [entry]
    elif kind == Entry.Kind.EPISODE:
        found = [entry.series]
    elif kind == Entry.Kind.CHARACTER:
        found = [appearance.series for appearance in entry.appearances.all()]
        # Then the series of episodes it is in without a part in the series' cast.
        found += [row.episode.series for row in entry.episode_appearances.all()]
    elif kind == Entry.Kind.STAFF:
        found = [credit.series for credit in entry.credits.all()]
        found += [
            appearance.series
            for voice in entry.voice_roles.all()
            for appearance in voice.character.appearances.all()
        ]
    elif kind == Entry.Kind.STUDIO:
        found = [role.series for role in entry.series_roles.all()]
    else:
        found = []
    unique = {series.pk: series for series in found}.values()
    return [
        SpoilerSeries(series, range(1, (series.episode_count or EPISODES_OFFERED) + 1))
        for series in unique
    ]


# --- Wiki links ---------------------------------------------------------------------------

# A function giving an editor's "create this page" address for a (kind, name), or "".
CreateUrl = Callable[[str, str], str]


def body_html(entry: Entry, *, create_url: CreateUrl | None = None) -> SafeString:
    """``entry``'s stored body with its wiki links coloured as of now; one query.

    A link no page answers to any more (or yet) becomes a red link; for an
    editor, ``create_url`` can send it to the form that creates the page. The
    stored HTML was sanitized when the entry was saved, and ``mark_links`` only
    rewrites attributes of the links it made, escaping what it writes.
    """
    html = entry.body_html
    if "data-wikilink" not in html:  # no links: no query
        return mark_safe(html)  # noqa: S308 - sanitized by markup.render on save
    statuses = {
        (link.target_kind, link.target_key): LinkStatus(name=link.target_name, exists=link.resolves)
        for link in WikiLink.objects.filter(source_id=entry.pk).with_resolution()
    }
    return mark_safe(mark_links(html, statuses, create_url=create_url))  # noqa: S308


def preview_html(source: str, *, create_url: CreateUrl | None = None) -> SafeString:
    """``source`` rendered as saving would render it (``markup.render``), its wiki
    links coloured as ``body_html`` colours a saved page's; nothing is written.

    The links are resolved from the text, not from recorded ``WikiLink`` rows (an
    unsaved body has none), by the same names (``answers_to``): two queries
    whatever the number of links, none when the text links nowhere.
    """
    rendered = markup.render(source)
    if not rendered.links:
        return mark_safe(rendered.html)  # noqa: S308 - sanitized by markup.render
    keys = {target.key for target in rendered.links}
    found = {
        (kind, key)
        for kind, title_key, native_key in Entry.objects.filter(
            Q(title_key__in=keys) | Q(native_key__in=keys)
        ).values_list("kind", "title_key", "native_key")
        for key in (title_key, native_key)
        if key in keys
    }
    found |= set(Alias.objects.filter(name_key__in=keys).values_list("entry__kind", "name_key"))
    found_keys = {key for _kind, key in found}
    statuses = {
        (target.kind, target.key): LinkStatus(
            name=target.name,
            exists=(target.kind, target.key) in found if target.kind else target.key in found_keys,
        )
        for target in rendered.links
    }
    return mark_safe(mark_links(rendered.html, statuses, create_url=create_url))  # noqa: S308


@dataclass
class LinksHere:
    entries: list[Entry]
    truncated: bool


def links_here(entry: Entry, *, limit: int = 100) -> LinksHere:
    """The pages whose bodies link to ``entry``, by title; one query.

    At most ``limit`` are listed; ``truncated`` says there are more.
    """
    entries = list(Entry.objects.linking_to(entry).with_urls().order_by("title", "pk")[: limit + 1])
    return LinksHere(entries=entries[:limit], truncated=len(entries) > limit)


@dataclass
class WantedPage:
    """A name that red links point to, with (some of) the pages that link to it."""

    name: str
    kind: str  # "" when the links name no kind
    pages: int  # how many pages link to it
    sources: list[Entry] = field(default_factory=list)
    create_urls: list[tuple[str, str]] = field(default_factory=list)  # (kind label, address)

    @property
    def url(self) -> str:
        return LinkTarget(kind=self.kind, name=self.name).url

    @property
    def more(self) -> int:
        """Linking pages not listed."""
        return self.pages - len(self.sources)


def wanted_pages(
    rows: Sequence[dict],
    *,
    sources_each: int = 10,
    create_urls: Callable[[str, str], list[tuple[str, str]]] | None = None,
) -> list[WantedPage]:
    """One page of ``WikiLink.objects.wanted()`` rows, each with up to ``sources_each``
    linking pages (by title); one query, whatever the number of rows or links."""
    items = {
        (row["target_kind"], row["target_key"]): WantedPage(
            name=row["name"],
            kind=row["target_kind"],
            pages=row["pages"],
            create_urls=create_urls(row["target_kind"], row["name"]) if create_urls else [],
        )
        for row in rows
    }
    if not items:
        return []
    targets = Q()
    for kind, key in items:
        targets |= Q(target_kind=kind, target_key=key)
    links = (
        WikiLink.objects.filter(targets)
        .select_related("source__as_episode__series")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("target_kind"), F("target_key")],
                order_by=[F("source__title").asc(), F("source_id").asc()],
            )
        )
        .filter(rank__lte=sources_each)
        .order_by("target_kind", "target_key", "rank")
    )
    for link in links:
        items[(link.target_kind, link.target_key)].sources.append(link.source)
    return list(items.values())


# --- Edits ----------------------------------------------------------------------------------

# Edits newer than this read "3 hours ago"; older ones give the date.
RECENT_EDIT = dt.timedelta(days=30)


@dataclass
class LastEdit:
    when: dt.datetime
    editor: str  # the user name; "" for an edit no person made (a script, an import)
    recorded: bool  # False: no revision was recorded, ``when`` is the row's updated_at

    @property
    def is_recent(self) -> bool:
        return timezone.now() - self.when < RECENT_EDIT

    @property
    def ago(self) -> str:
        """ "3 hours ago", or "just now" within the minute."""
        if timezone.now() - self.when < dt.timedelta(minutes=1):
            return str(_("just now"))
        return _("%(time)s ago") % {"time": timesince(self.when, depth=1)}


def last_edit(entry: Entry) -> LastEdit:
    """When and by whom ``entry`` was last edited, from its latest ``Change``; one query.

    An entry saved outside any recorded revision (before history was kept) gives
    its ``updated_at`` and no editor.
    """
    change = (
        Change.objects.filter(entry_pk=entry.pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
        .first()
    )
    if change is None:
        return LastEdit(when=entry.updated_at, editor="", recorded=False)
    user = change.revision.user
    return LastEdit(
        when=change.revision.date_created,
        editor=user.get_username() if user is not None else "",
        recorded=True,
    )
