"""``manage.py bench_site``: every kind of page, cold, over HTTP, at the site's real size.

Issue 11 asks that at 100,000 entries (``bench_search --keep`` builds them) on
PostgreSQL, and on SQLite with the 8,800 imported series, every kind of
public page answer in p95 under 50 ms with the page cache off, and the admin
changelists of series and characters under 200 ms. This measures that on the
database it is given, writing nothing but a throw-away editor account:

1. ``chosen_pages`` picks the pages from the database: home, each index (its
   first and last page), the tag index and the largest tag's page, the largest
   entry page of each kind, search (a title, a kind-filtered word, a common
   word), suggestions, recent changes, the feed, wanted pages, the
   longest history, and the two admin changelists (first page, last page and a
   search), plus Django's floor (``/favicon.ico``, the trivial redirect).
2. gunicorn with ``deploy/gunicorn.conf.py`` and ``FANDEX_PAGE_CACHE=0``
   (``pages.Server``), once with the fragments of entry pages on (as after an
   unrelated edit: the state issue 11 calls cold) and once with them off (as
   after an edit of that very page).
3. Each page is read once to warm the process, then ``repeat`` times, one
   request at a time (latency, not throughput), the rounds of all pages
   interleaved so that the machine's wandering load spreads over all of them;
   ``table`` prints p50, p95 and max, and p95 over the floor's p95.

Nothing is asserted.
"""

import math
import secrets
import statistics
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from ..models import Change, Character, Entry, Episode, Series, Staff, Studio, Tag
from ..views.indexes import MAX_INDEX_PAGES
from . import forms, pages

Log = Callable[[str], None]
EDITOR_PREFIX = "bench-site-"
PUBLIC_GOAL_MS = 50
ADMIN_GOAL_MS = 200


@dataclass
class Target:
    name: str
    path: str
    admin: bool = False
    times: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


def _index_pages(url_name: str, count: int) -> list[Target]:
    size = settings.FANDEX_PAGE_SIZE
    # The last page an index offers: past MAX_INDEX_PAGES it points to the filters.
    last = min(max(1, math.ceil(count / size)), MAX_INDEX_PAGES)
    url = reverse(f"entries:{url_name}")
    label = url_name.removesuffix("-list")
    return [
        Target(f"{label} index", url),
        Target(f"{label} index, last page ({last:,})", f"{url}?page={last}"),
    ]


def _largest(queryset, *relations: str):
    """The entry with the most rows in ``relations`` (one query)."""
    counted = queryset.annotate(
        rows=sum((Count(relation, distinct=True) for relation in relations), start=0)
    )
    return counted.order_by("-rows", "pk").first()


def chosen_pages() -> list[Target]:
    """The pages to time, picked from what the database holds (a few queries)."""
    targets = [
        Target("floor (trivial view)", reverse("favicon")),
        Target("home", reverse("entries:home")),
    ]
    for url_name, model in [
        ("series-list", Series),
        ("character-list", Character),
        ("staff-list", Staff),
        ("studio-list", Studio),
    ]:
        targets += _index_pages(url_name, model.objects.count())
    targets.append(Target("tag index", reverse("entries:tag-list")))
    if tag := Tag.objects.popular().first():
        targets.append(
            Target(
                f"largest tag page ({tag.count:,} entries)",
                reverse("entries:tag-detail", kwargs={"slug": tag.slug}),
            )
        )
    largest = {
        "series": _largest(Series.objects.all(), "appearances", "staff_credits", "episodes"),
        "character": _largest(Character.objects.all(), "appearances", "voice_credits"),
        "staff": _largest(Staff.objects.all(), "credits", "voice_roles"),
        "studio": _largest(Studio.objects.all(), "series_roles", "members"),
        "episode": Episode.objects.select_related("series")
        .filter(series=_largest(Series.objects.all(), "episodes"))
        .order_by("number")
        .first(),
    }
    for kind, entry in largest.items():
        if entry is not None:
            targets.append(Target(f"{kind} page ({entry.title[:28]})", entry.get_absolute_url()))
    search = reverse("entries:search")
    rouge = Series.objects.filter(slug=pages.SERIES_SLUG).first()
    title = rouge.title if rouge else Series.objects.order_by("pk").first().title
    for label, query in [
        (f"search, a title ({title[:20]})", {"q": title}),
        ("search, gundam among series", {"q": "gundam", "kind": "series"}),
        # The most common word of bench_search's corpus, in most English summaries.
        ("search, a common word (the)", {"q": "the"}),
    ]:
        targets.append(Target(label, f"{search}?{urllib.parse.urlencode(query)}"))
    targets.append(Target("suggest (rou)", f"{reverse('entries:search-suggest')}?q=rou"))
    targets.append(Target("recent changes", reverse("entries:recent-changes")))
    targets.append(Target("feed", reverse("entries:recent-feed")))
    targets.append(Target("wanted pages", reverse("entries:wanted-pages")))
    edited = Change.objects.values("entry_pk").annotate(n=Count("pk")).order_by("-n").first() or {
        "entry_pk": largest["series"].pk
    }
    entry = Entry.objects.filter(pk=edited["entry_pk"]).first()
    if entry is not None:
        targets.append(Target("history (longest)", entry.specific.get_history_url()))
    for model in (Series, Character):
        changelist = reverse(f"admin:entries_{model._meta.model_name}_changelist")
        per_page = admin.site._registry[model].list_per_page
        last = max(1, math.ceil(model.objects.count() / per_page))
        name = model._meta.verbose_name_plural
        targets += [
            Target(f"admin: {name}", changelist, admin=True),
            # The admin counts pages from 1 in its ?p= (Django 5.x).
            Target(f"admin: {name}, last page ({last:,})", f"{changelist}?p={last}", admin=True),
            Target(f"admin: {name}, search (the)", f"{changelist}?q=the", admin=True),
        ]
    return targets


def _editor(site: pages.Site) -> tuple[str, str]:
    name = f"{EDITOR_PREFIX}{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    pages._manage({**site.env, "FANDEX_EDITOR_PASSWORD": password}, "createeditor", name)
    return name, password


def _log_in(port: int, name: str, password: str) -> pages.Browser:
    browser = pages.Browser(port)
    login = reverse("admin:login")
    fields = forms.submitted(browser.get(login).body, "login-form")
    fields.update(username=name, password=password, next=reverse("admin:index"))
    answer = browser.post(login, fields)
    if answer.status != 302:
        raise pages.BenchmarkError(f"the editor could not log in (HTTP {answer.status})")
    return browser


def time_pages(site: pages.Site, targets: list[Target], *, repeat: int, log: Log) -> list[Target]:
    """One server with the page cache off; each page ``repeat`` times, interleaved."""
    measured = [Target(t.name, t.path, t.admin) for t in targets]
    name, password = _editor(site)
    server = pages.Server(site, page_cache=False, workers=1)
    try:
        server.wait()
        reader = pages.Browser(server.port)
        editor = _log_in(server.port, name, password)
        for target in measured:  # warm the worker: imports, templates, connection
            (editor if target.admin else reader).get(target.path)
        for round_ in range(repeat):
            for target in measured:
                browser = editor if target.admin else reader
                started = time.perf_counter()
                answer = browser.get(target.path)
                target.times.append((time.perf_counter() - started) * 1000)
                target.statuses.add(answer.status)
            if round_ % 5 == 4:
                log(f"  round {round_ + 1} of {repeat}")
    finally:
        server.stop()
        get_user_model().objects.filter(username=name).delete()
    return measured


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def table(results: dict[str, list[Target]]) -> list[str]:
    """p50/p95/max per page for each setting, and p95 over the floor's p95."""
    settings_names = list(results)
    header = "| page | URL | status |"
    rule = "| --- | --- | --- |"
    for name in settings_names:
        header += f" {name}: p50 ms | p95 ms | max ms | p95 x floor |"
        rule += " ---: | ---: | ---: | ---: |"
    lines = [header, rule]
    first = results[settings_names[0]]
    floors = {name: _p95(results[name][0].times) for name in settings_names}
    for index, target in enumerate(first):
        statuses = ",".join(str(status) for status in sorted(target.statuses))
        path = target.path if len(target.path) <= 48 else target.path[:45] + "..."
        line = f"| {target.name} | `{path}` | {statuses} |"
        for name in settings_names:
            times = results[name][index].times
            p95 = _p95(times)
            goal = ADMIN_GOAL_MS if target.admin else PUBLIC_GOAL_MS
            mark = "" if p95 < goal or index == 0 else " **over**"
            line += (
                f" {statistics.median(times):.1f} | {p95:.1f}{mark} | {max(times):.1f} |"
                f" {p95 / floors[name]:.1f} |"
            )
        lines.append(line)
    return lines


def run(*, database_url: str, repeat: int, log: Log, folder: Path) -> list[str]:
    env = pages.site_env(database_url=database_url, folder=folder)
    pages._manage(env, "collectstatic", "--no-input", "-v0")
    site = pages.Site(
        env=env,
        database=pages._describe_database(database_url),
        contents=f"{Entry.objects.count():,} entries ({Series.objects.count():,} series, "
        f"{Character.objects.count():,} characters)",
        password="",
        series_pk=0,
        folder=folder,
    )
    targets = chosen_pages()
    log(f"{site.database}: {site.contents}; {len(targets)} pages, {repeat} reads each.")
    results = {}
    for fragments, label in [(True, "fragments on"), (False, "fragments off")]:
        log(f"Page cache off, {label}...")
        site.env["FANDEX_FRAGMENT_CACHE"] = "1" if fragments else "0"
        results[label] = time_pages(site, targets, repeat=repeat, log=log)
    return [
        f"{site.database}, {site.contents}; page cache off; {repeat} reads a page, "
        f"one at a time; load average {pages.load_average()} on {pages.cores()} cores.",
        "",
        *table(results),
    ]
