"""The wiki's names: the ``/wiki/<name>`` resolver with its disambiguation and
"no such page" pages, and the wanted pages (names red links point to)."""

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from .. import selectors
from ..models import Entry, WikiLink
from ..wikilinks import parse_target
from .admin_links import create_links
from .pagination import PaginatedMixin

WIKI_MAX_MATCHES = 50
WIKI_MAX_SUGGESTIONS = 10
# Linking pages per name on the wanted pages.
WANTED_SOURCES_SHOWN = 10


@csrf_exempt  # GET and HEAD only (require_safe): 405, not the CSRF check's 403
@require_safe
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
                "canonical_path": target.url,
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
            "canonical_path": target.url,
            "kind": target.kind,
            "suggestions": suggestions[:WIKI_MAX_SUGGESTIONS],
            "create_links": create_links(request.user, name=target.name, kind=target.kind),
        },
        status=404,
    )


class WantedPagesView(PaginatedMixin, ListView):
    """Names that red links point to, the most linked first, with the pages linking."""

    template_name = "entries/wanted_pages.html"
    context_object_name = "wanted"

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
        return context
