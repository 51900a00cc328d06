"""The search page and the search box's suggestions.

Both take any text and answer with a normal page, never a 500: the search
backend (``entries.search``) cleans the query and reports what it cut or
ignored, and this module reports that to the reader.

Pages follow the rest of the site (``entries.views.pagination``): the same page
links, and a ``?page=`` that is not a page (``abc``, ``-1``, past the last page,
past ``MAX_PAGE``) is a 404. Links on the page only ever point at real pages, so
only a hand-edited address meets it.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .. import search as site_search
from ..models import Entry
from ..text import clean_query
from ..throttles import throttled
from ..views.pagination import page_links
from .base import MAX_PAGE, MAX_QUERY_LENGTH

PER_PAGE = 20
SUGGESTIONS = 8
# One or two letters start too many names to be worth a round trip.
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_AGE = 60


def _page_number(value: str) -> int:
    if not value:
        return 1
    try:
        number = int(value)
    except ValueError:
        raise Http404("No such page of results.") from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404("No such page of results.")
    return number


@csrf_exempt  # GET and HEAD only (require_safe): 405, not the CSRF check's 403
@require_safe
@throttled("search")
def search(request):
    """``/search/?q=``: results for every kind of entry, narrowed by kind, tag and year.

    A query that is exactly the name of one entry goes straight to its page,
    unless the address asks for every result (``&all=1``).
    """
    params = clean_query(request.GET)
    query = params.get("q", "")
    filters = {
        "kind": params.get("kind", ""),
        "tag": params.get("tag", ""),
        "year": params.get("year", ""),
    }
    show_all = params.get("all") == "1"
    context = {
        "query": query.strip()[:MAX_QUERY_LENGTH],
        "filters": filters,
        "kind_choices": Entry.Kind.choices,
        "show_all": show_all,
        "results_page": None,
    }
    if not query.strip():
        return render(request, "entries/search.html", context)

    number = _page_number(params.get("page", ""))
    results = site_search.search(
        query,
        kind=filters["kind"],
        tag=filters["tag"],
        year=filters["year"] or None,
        page=number,
        per_page=PER_PAGE,
    )
    if results.exact_match is not None and not show_all:
        return redirect(results.exact_match)
    if number > results.num_pages:
        raise Http404("No such page of results.")
    context.update(
        query=results.query,
        results_page=results,
        **page_links(results.page_obj),
        is_filtered=bool(results.kind or results.tag or results.year),
    )
    return render(request, "entries/search.html", context)


@csrf_exempt
@require_safe
@throttled("suggest")
def suggest(request):
    """``/search/suggest/?q=``: a few entries for the search box, as JSON."""
    query = clean_query(request.GET).get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = (
        site_search.suggest(query, limit=SUGGESTIONS) if len(query) >= SUGGEST_MIN_LENGTH else []
    )
    response = JsonResponse({"query": query, "results": results})
    patch_cache_control(response, max_age=SUGGEST_MAX_AGE)
    return response
