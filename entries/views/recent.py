"""Recent changes across every kind of entry, and their Atom feed.

Both read ``Change`` rows (one per entry per revision), newest first, with the
revision's editor, time and edit summary. Changes made by programs (imports,
the demo load: ``Change.automated``) are left out unless ``?bots=1`` asks for
them, as MediaWiki hides bots. Filters: ``?kind=series``,
``?editor=<username>`` and ``?q=`` (the edit summary contains). An invalid
filter value is reported on the page and left out; an editor nobody is called
gives an empty list, which tells editors (not readers: account names stay
private) that nobody is. Neither page ever answers a filter with a 500.

Each line links to the entry and to the diff of its revision
(``Entry.get_revision_url``). A deleted entry (not recovered since) has no page:
its line is plain text, without a diff link.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from ..models import Change, Entry
from ..text import clean_query, clean_text
from .pagination import LateRowPaginator, PaginatedMixin, late_rows

RECENT_PAGE_SIZE = 50
FEED_SIZE = 50


class RecentChangesFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Entry.Kind.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of page.")},
    )
    editor = forms.CharField(label=_("Editor"), required=False, max_length=150)
    q = forms.CharField(label=_("Summary"), required=False, max_length=200)
    # "1" shows the bots' changes, anything else hides them (as on the home page).
    bots = forms.CharField(label=_("Show changes by bots"), required=False, max_length=200)

    def filters(self) -> dict:
        """The valid filters (empty strings for the rest; ``bots`` is ``"1"`` or ``""``)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        filters = {name: (data.get(name) or "").strip() for name in ("kind", "editor", "q")}
        filters["bots"] = "1" if data.get("bots") == "1" else ""
        return filters


def recent_changes(*, kind: str = "", editor: str = "", q: str = "", bots: str = ""):
    """Changes newest first, with what a line needs: the editor and the entry's URL.
    Changes by programs (``Change.automated``) only with ``bots``."""
    changes = Change.objects.select_related("revision__user", "entry__as_episode__series")
    if not bots:
        changes = changes.filter(automated=False)
    if kind:
        changes = changes.filter(kind=kind)
    if editor:
        changes = changes.filter(revision__user__username=editor)
    if q:
        changes = changes.filter(revision__comment__icontains=q)
    return changes.order_by("-revision__date_created", "-pk")


@dataclass
class ChangeLine:
    """One line of recent changes, with its links worked out."""

    change: Change
    entry_url: str
    diff_url: str
    # The feed's id for the change (set by the feed only).
    atom_id: str = ""

    @property
    def editor(self) -> str:
        user = self.change.revision.user
        return user.get_username() if user is not None else ""


def change_lines(changes) -> list[ChangeLine]:
    changes = list(changes)
    # A deleted entry that was recovered since: its older rows lost their link.
    # One query for all of them (none when there is no such row).
    orphans = {change.entry_pk for change in changes if change.entry_id is None}
    found = Entry.objects.with_urls().in_bulk(orphans) if orphans else {}
    lines = []
    for change in changes:
        if change.entry_id is None and change.entry_pk in found:
            change.entry = found[change.entry_pk]
        entry = change.entry
        lines.append(
            ChangeLine(
                change=change,
                entry_url=entry.get_absolute_url() if entry is not None else "",
                diff_url=(entry.get_revision_url(change.revision_id) if entry is not None else ""),
            )
        )
    return lines


class RecentChangesView(PaginatedMixin, ListView):
    """``/recent/``: every change, newest first, filtered and paginated."""

    template_name = "entries/recent_changes.html"
    context_object_name = "changes"
    paginate_by = RECENT_PAGE_SIZE
    paginator_class = LateRowPaginator

    def get(self, request, *args, **kwargs):
        self.filter_form = RecentChangesFilterForm(clean_query(request.GET))
        self.filters = self.filter_form.filters()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return recent_changes(**self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = change_lines(context["changes"])
        editor, bots = self.filters["editor"], self.filters["bots"]
        context.update(
            filter_form=self.filter_form,
            filters=self.filters,
            kind_choices=Entry.Kind.choices,
            kind_label=Entry.Kind(self.filters["kind"]).label if self.filters["kind"] else "",
            is_filtered=any(self.filters.values()),
            # Only asked when the list is empty: is it the filter, or no such person?
            # Only editors are told: readers must not learn which accounts exist.
            unknown_editor=bool(editor)
            and not context["lines"]
            and self.request.user.is_authenticated
            and not get_user_model().objects.filter(username=editor).exists(),
            # The feed of the same changes: the valid filters, not the page number.
            feed_query=urlencode({name: value for name, value in self.filters.items() if value}),
            # The same list with the bots' changes shown or hidden ("?bots=1").
            bots_toggle_query=urlencode(
                {
                    name: value
                    for name, value in {**self.filters, "bots": "" if bots else "1"}.items()
                    if value
                }
            ),
        )
        return context


class CleanAtom1Feed(Atom1Feed):
    """Atom that XML can always carry: every text of every item goes through
    ``clean_text`` on its way out. New rows are clean already (``entries.text``);
    rows stored before that may hold a control character, which XML 1.0 refuses."""

    def add_item(self, **kwargs):
        def clean(value):
            if isinstance(value, str):
                return clean_text(value, multiline=True)
            if isinstance(value, (list, tuple)):
                return [clean(item) for item in value]
            return value

        super().add_item(**{name: clean(value) for name, value in kwargs.items()})


class RecentChangesFeed(Feed):
    """``/recent/feed/``: the latest changes as Atom, with the same filters as the page."""

    feed_type = CleanAtom1Feed
    title = _("Fandex: recent changes")
    subtitle = _("Every change to every page of the anime fan encyclopedia, newest first.")
    author_name = _("Fandex editors")
    item_guid_is_permalink = False

    def get_object(self, request, *args, **kwargs):
        form = RecentChangesFilterForm(clean_query(request.GET))
        return {
            "filters": form.filters(),
            "recent_url": request.build_absolute_uri(reverse("entries:recent-changes")),
        }

    def link(self, obj):
        return reverse("entries:recent-changes")

    def feed_url(self, obj):
        return reverse("entries:recent-feed")

    def items(self, obj):
        lines = change_lines(late_rows(recent_changes(**obj["filters"]), 0, FEED_SIZE))
        for line in lines:
            # A stable Atom id for the change, whatever its links become.
            line.atom_id = get_tag_uri(
                f"{obj['recent_url']}change-{line.change.pk}", line.change.revision.date_created
            ).rstrip("/")
        return lines

    def item_title(self, line):
        change = line.change
        return f"{change.title} ({change.get_kind_display().lower()}) {change.get_action_display()}"

    def item_link(self, line):
        return line.diff_url or line.entry_url or reverse("entries:recent-changes")

    def item_guid(self, line):
        return line.atom_id

    def item_description(self, line):
        # Atom's summary is HTML here: the edit summary is plain text.
        comment = line.change.revision.comment
        if comment:
            return escape(comment)
        return escape(_("No edit summary."))

    def item_author_name(self, line):
        return line.editor or None

    def item_pubdate(self, line):
        return line.change.revision.date_created

    def item_updateddate(self, line):
        return line.change.revision.date_created

    def item_categories(self, line):
        return [line.change.kind]
