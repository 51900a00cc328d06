"""For search engines and wanderers: ``/robots.txt`` and ``/random/``.

(``/sitemap.xml`` is ``django.contrib.sitemaps``' with ``entries.sitemaps``.)
"""

import random

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ..models import KIND_MODELS, Entry


# GET and HEAD only, as every public page (entries/urls.py says why csrf_exempt).
@csrf_exempt
@require_safe
def robots_txt(request):
    """Crawlers keep out of the admin, the search (endless combinations of the
    pages they find through the sitemap) and the history with its diffs."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('entries:search')}",
        # Every history and diff page: <entry url>history/ and below.
        "Disallow: /*/history/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('entries:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_safe
@never_cache
def random_entry(request, kind: str = ""):
    """A 302 to a random entry (of ``kind``, if given), in three index look-ups
    whatever the number of entries: the smallest and largest primary key, then the
    first entry at or after a random number between them. Entries after a gap in
    the keys (deleted pages) come up a little more often; no reader can tell."""
    if kind:
        if kind not in KIND_MODELS:
            raise Http404("No such kind of page.")
        entries = KIND_MODELS[kind].objects.all()
        if kind == Entry.Kind.EPISODE:
            entries = entries.select_related("series")
    else:
        entries = Entry.objects.with_urls()
    keys = entries.order_by("pk").values_list("pk", flat=True)
    lowest, highest = keys.first(), keys.last()
    if lowest is None:
        raise Http404("No such page yet.")
    chosen = entries.filter(pk__gte=random.randint(lowest, highest)).order_by("pk").first()
    return redirect(chosen)
