"""``manage.py bench_pages``: public pages over HTTP on the production server.

What a reader gets from Fandex as deployed, measured from outside:

1. ``prepare`` makes a throw-away site: a database (SQLite in a file of its own
   by default, or an empty database given by URL) migrated, with the demo and,
   unless told otherwise, the real bangumi-data import, so that pages have their
   real size; an editor account; static files collected into a temporary folder.
2. ``Server`` starts gunicorn as ``make serve`` does (``deploy/gunicorn.conf.py``,
   DEBUG off, a key made for the run) on a free loopback port, with the page
   cache on or off (``FANDEX_PAGE_CACHE``), and always stops it.
3. ``measure`` drives each page with wrk (``-t2 -c16``, ``--latency``) in
   interleaved rounds, both servers in turn each round, because the machine is
   shared and its speed wanders; ``table`` reports the median req/s, the spread,
   p50 and p99, and each figure as a ratio to Django's floor.
4. ``mixed_load`` has reader threads read pages while an editor saves the series
   through the admin once a second, and checks that no read that started after a
   save's response arrived shows the text from before it.

Nothing is asserted about speed.
"""

import http.client
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.urls import reverse

from entries.caching.middleware import STATUS_HEADER

from . import forms
from .corpus import DEFAULT_DATA  # noqa: F401 (the command's default --data)

DEFAULT_DATABASE = "sqlite:////tmp/fandex-bench-pages.sqlite3"
DEFAULT_SECONDS = 10
DEFAULT_ROUNDS = 3
DEFAULT_WORKERS = 2
DEFAULT_MIXED_SECONDS = 20
DEFAULT_READERS = 4
# The load of issue 11's figures, so that they compare.
WRK_THREADS = 2
WRK_CONNECTIONS = 16

HOST = "127.0.0.1"
EDITOR = "bench-editor"
# The demo's pages: the series page is the largest, the character page a middling one.
SERIES_SLUG = "metallic-rouge"
CHARACTER_SLUG = "rouge-redstar"
SEARCH_QUERY = "metallic rouge"
# What the editor appends to the series summary: the counter tells readers'
# pages apart by the edit they show.
EDIT_MARK = "Benchmark edit {}."
EDIT_MARK_RE = re.compile(r"Benchmark edit (\d+)\.")

Log = Callable[[str], None]


class BenchmarkError(Exception):
    """The benchmark cannot run, or a step of it failed; the message says which."""


# --- What is measured ------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # what --pages selects it by
    label: str
    path: str
    # A conditional GET with the page's own ETag (a browser revalidating).
    revalidate: bool = False
    # Measured on the server with the page cache only (a 304 needs a stored ETag
    # to be cheap; without the cache the page is rendered before it is compared).
    cached_only: bool = False


def pages() -> list[Page]:
    series = reverse("entries:series-detail", kwargs={"slug": SERIES_SLUG})
    search = reverse("entries:search") + "?" + urllib.parse.urlencode({"q": SEARCH_QUERY})
    return [
        Page("series", "series page", series),
        Page(
            "character",
            "character page",
            reverse("entries:character-detail", kwargs={"slug": CHARACTER_SLUG}),
        ),
        Page("home", "home", reverse("entries:home")),
        Page("search", "search", search),
        Page("revalidation", "304 revalidation", series, revalidate=True, cached_only=True),
        # Django's floor: wiki/urls.py's one-line redirect view, the cheapest
        # response that still goes through every middleware, URL resolving and a view.
        Page("floor", "floor (trivial view)", reverse("favicon")),
    ]


# --- wrk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    # Responses other than 2xx and 3xx, and socket errors (connect, read, write, timeout).
    bad_responses: int = 0
    socket_errors: int = 0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchmarkError(f"wrk printed a latency this cannot read: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_wrk(output: str) -> WrkResult:
    """The figures of ``wrk --latency``'s report."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.MULTILINE))
    if not (rate and total and {"50", "99"} <= percentiles.keys()):
        raise BenchmarkError(f"wrk's report lacks req/s or the latency distribution:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_second=float(rate[1]),
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
        requests=int(total[1]),
        bad_responses=int(bad[1]) if bad else 0,
        socket_errors=sum(int(count) for count in errors.groups()) if errors else 0,
    )


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchmarkError("wrk is not installed: sudo apt-get install wrk (Debian's package).")
    return found


def run_wrk(url: str, *, seconds: int, headers: dict[str, str] | None = None) -> WrkResult:
    command = [wrk_path(), f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += ["--latency", url]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError(f"wrk did not finish within {seconds + 60} s on {url}") from error
    if done.returncode != 0:
        raise BenchmarkError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


# --- HTTP from the benchmark itself ----------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def cache(self) -> str:
        return self.headers.get(STATUS_HEADER, "")


class Browser:
    """One visitor over plain HTTP: keeps its cookies, follows no redirect (a redirect
    is an answer worth seeing here), opens a connection per request as gunicorn's
    sync workers close each one."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Answer:
        send = dict(headers or {})
        if self.cookies:
            send["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            send["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=send)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text)

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data=data)


# --- The site and its server ---------------------------------------------------------------


@dataclass
class Site:
    """A prepared throw-away site: the environment its commands and servers run in."""

    env: dict[str, str]
    database: str  # a description for the report
    contents: str  # what it holds, for the report
    password: str
    series_pk: int
    folder: Path


def _manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError(f"manage.py {args[0]} did not finish within {timeout} s") from error
    if done.returncode != 0:
        raise BenchmarkError(f"manage.py {' '.join(args)} failed:\n{done.stderr or done.stdout}")
    return done.stdout


_COUNT = """
from django.db import DatabaseError
from entries.models import Entry
try:
    print(Entry.objects.count())
except DatabaseError:
    print(0)
"""

_CONTENTS = """
from entries.models import Character, Entry, Series
print(Series.objects.get(slug=%r).pk, end="|")
print(f"{Entry.objects.count():,} entries ({Series.objects.count():,} series, "
      f"{Character.objects.count():,} characters)")
"""


def _describe_database(url: str) -> str:
    database = dj_database_url.parse(url)
    if "sqlite" in database["ENGINE"]:
        return f"SQLite ({database['NAME']})"
    return f"PostgreSQL ({database['HOST']}:{database['PORT'] or 5432}/{database['NAME']})"


def site_env(*, database_url: str, folder: Path) -> dict[str, str]:
    """The production environment of the benchmark's site: the caller's, with the
    database, DEBUG off, a key of the run's own and files in ``folder``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"HOST", "PORT", "WORKERS", "FANDEX_PAGE_CACHE", "FANDEX_PURGE_URLS"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        # The embedded page cache (no REDIS_URL): a folder of the run's own.
        FANDEX_CACHE_DIR=str(folder / "pages"),
        # The editor logs in over plain HTTP on loopback: no TLS to carry secure cookies.
        DJANGO_SECURE_COOKIES="0",
        FANDEX_ACCESS_LOG="0",
        # One loopback client reads hundreds of searches and feeds a minute: the
        # limits per address would answer most of them 429 and time that instead.
        FANDEX_RATE_SEARCH="0",
        FANDEX_RATE_SUGGEST="0",
        FANDEX_RATE_FEED="0",
        FANDEX_RATE_API="0",
    )
    if env.get("REDIS_URL"):
        # A shared Redis: a prefix of the run's own keeps other sites' pages apart.
        env.setdefault("FANDEX_CACHE_PREFIX", "fandex-bench")
        env["FANDEX_CACHE_PREFIX"] += f"-{secrets.token_hex(4)}"
    return env


def prepare(*, database_url: str, data: Path | None, folder: Path, log: Log) -> Site:
    """Migrate, load the demo (and import ``data``), create an editor, collect static
    files. The default SQLite file is made anew; any other database must have no
    entries: the benchmark edits what it finds."""
    env = site_env(database_url=database_url, folder=folder)
    if database_url == DEFAULT_DATABASE:
        path = Path(dj_database_url.parse(database_url)["NAME"])
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    elif int(_manage(env, "shell", "-v0", "-c", _COUNT).strip() or 0):
        raise BenchmarkError(
            f"{_describe_database(database_url)} already has entries; bench_pages makes its "
            "own site and edits it. Point DATABASE_URL at an empty database."
        )
    started = time.perf_counter()
    log(f"Preparing the site on {_describe_database(database_url)}...")
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "loaddemo", "-v0")
    if data is not None:
        if not Path(data).is_file():
            raise BenchmarkError(f"{data}: no such file (the bangumi-data file, --data).")
        _manage(env, "import_bangumi", str(data), "-v0", timeout=900)
    password = secrets.token_urlsafe(16)
    _manage({**env, "FANDEX_EDITOR_PASSWORD": password}, "createeditor", EDITOR)
    _manage(env, "collectstatic", "--no-input", "-v0")
    pk, contents = _manage(env, "shell", "-v0", "-c", _CONTENTS % SERIES_SLUG).strip().split("|")
    log(f"Prepared in {time.perf_counter() - started:.0f} s: {contents}.")
    return Site(
        env=env,
        database=_describe_database(database_url),
        contents=contents,
        password=password,
        series_pk=int(pk),
        folder=folder,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port, in a session of
    its own so that stopping it stops its workers too."""

    def __init__(self, site: Site, *, page_cache: bool, workers: int):
        self.page_cache = page_cache
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = site.folder / f"gunicorn-{self.port}.log"
        env = {
            **site.env,
            "HOST": HOST,
            "PORT": str(self.port),
            "WORKERS": str(workers),
            "FANDEX_PAGE_CACHE": "1" if page_cache else "0",
        }
        config = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self, seconds: float = 60) -> None:
        """Until a worker answers (the floor's redirect: it touches no database)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"gunicorn stopped:\n{self.log_path.read_text()}")
            try:
                Browser(self.port).get(reverse("favicon"))
                return
            except OSError:
                time.sleep(0.1)
        raise BenchmarkError(f"gunicorn did not answer within {seconds} s")

    def stop(self) -> None:
        try:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=30)
        finally:
            self._log.close()


@contextmanager
def running(site: Site, *, page_cache: bool, workers: int) -> Iterator[Server]:
    server = Server(site, page_cache=page_cache, workers=workers)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


# --- Rounds of wrk -------------------------------------------------------------------------------


@dataclass
class Row:
    page: Page
    page_cache: bool
    answer: str = ""  # status and X-Fandex-Cache of the request before wrk's, e.g. "200 hit"
    results: list[WrkResult] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.page.name == "floor" and self.page_cache:
            return "floor, from the page cache"
        if self.page.name == "series":
            return "series page, " + ("hot" if self.page_cache else "cold")
        return self.page.label

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(result, attribute) for result in self.results)


def _warm(server: Server, page: Page) -> tuple[str, dict[str, str]]:
    """Request the page as wrk will (twice: the first fills the cache); the answer
    wrk will get, and the headers to send."""
    browser = Browser(server.port)
    headers: dict[str, str] = {}
    first = browser.get(page.path)
    if page.revalidate:
        etag = first.headers.get("ETag")
        if not etag:
            raise BenchmarkError(f"{page.path} carries no ETag to revalidate with")
        headers["If-None-Match"] = etag
    answer = browser.get(page.path, headers=headers)
    return f"{answer.status} {answer.cache or '-'}", headers


def measure(
    site: Site,
    selected: list[Page],
    *,
    seconds: int,
    rounds: int,
    workers: int,
    log: Log,
) -> list[Row]:
    """Every selected page on both servers, ``rounds`` times; the servers take turns,
    in the opposite order each round, so that neither gets the quieter minutes."""
    rows = {
        (page.name, cache): Row(page, cache)
        for cache in (True, False)
        for page in selected
        if cache or not page.cached_only
    }
    for round_number in range(1, rounds + 1):
        order = (True, False) if round_number % 2 else (False, True)
        for page_cache in order:
            with running(site, page_cache=page_cache, workers=workers) as server:
                for page in selected:
                    row = rows.get((page.name, page_cache))
                    if row is None:
                        continue
                    answer, headers = _warm(server, page)
                    row.answer = answer
                    result = run_wrk(server.url + page.path, seconds=seconds, headers=headers)
                    row.results.append(result)
                    log(
                        f"round {round_number}, page cache {'on' if page_cache else 'off'}: "
                        f"{row.label} ({answer}) {result.requests_per_second:,.0f} req/s"
                    )
    return list(rows.values())


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(rows: list[Row]) -> list[str]:
    """The Markdown table: median req/s over the rounds, its spread, median p50/p99,
    and the ratio of the median req/s to the floor's (the trivial view, cache off)."""
    floor = next(
        (row for row in rows if row.page.name == "floor" and not row.page_cache and row.results),
        None,
    )
    floor_rate = floor.median("requests_per_second") if floor else None
    lines = [
        "| page | URL | page cache | answer | req/s | spread | p50 ms | p99 ms | x floor |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        rates = [result.requests_per_second for result in row.results]
        rate = statistics.median(rates)
        ratio = f"{rate / floor_rate:.2f}" if floor_rate else "n/a"
        bad = sum(result.bad_responses + result.socket_errors for result in row.results)
        answer = row.answer + (f" ({bad:,} errors)" if bad else "")
        lines.append(
            f"| {row.label} | `{row.page.path}` | {'on' if row.page_cache else 'off'} | "
            f"{answer} | {_number(rate)} | {_number(min(rates))}-{_number(max(rates))} | "
            f"{row.median('p50_ms'):.1f} | {row.median('p99_ms'):.1f} | {ratio} |"
        )
    return lines


# --- Mixed load: readers while an editor saves -------------------------------------------------


@dataclass(frozen=True)
class Read:
    path: str
    started: float
    ended: float
    status: int
    cache: str
    counter: int | None  # the edit counter the page shows, None when it shows none


@dataclass(frozen=True)
class Edit:
    counter: int
    answered: float  # time.monotonic() when the save's response arrived


@dataclass
class MixedResult:
    seconds: float
    readers: int
    paths: list[str]
    checked_paths: list[str]
    reads: list[Read]
    edits: list[Edit]

    @property
    def reads_per_second(self) -> float:
        return len(self.reads) / self.seconds

    @property
    def hit_ratio(self) -> float:
        hits = sum(read.cache == "hit" for read in self.reads)
        return hits / len(self.reads) if self.reads else 0.0

    @property
    def failed(self) -> int:
        return sum(read.status != 200 for read in self.reads)

    def stale(self) -> list[Read]:
        """Reads of a page that shows the counter, started after an edit's response
        had arrived, that show an older counter (or none)."""
        answered = sorted((edit.answered, edit.counter) for edit in self.edits)
        stale = []
        for read in self.reads:
            if read.path not in self.checked_paths or read.status != 200:
                continue
            newest = max((counter for at, counter in answered if at <= read.started), default=None)
            if newest is not None and (read.counter is None or read.counter < newest):
                stale.append(read)
        return stale

    def checked_reads(self) -> int:
        first = min((edit.answered for edit in self.edits), default=None)
        return sum(
            read.path in self.checked_paths and first is not None and read.started >= first
            for read in self.reads
        )


def _shown_counter(body: str) -> int | None:
    # The oldest the page shows anywhere (the summary, its description, a card).
    counters = [int(found) for found in EDIT_MARK_RE.findall(body)]
    return min(counters) if counters else None


class Editor:
    """An editor in the real admin: logs in through the login form, then saves the
    series through its change form, as a browser submits it."""

    def __init__(self, port: int, password: str):
        self.browser = Browser(port)
        self.password = password
        self.change_path = ""
        self.original_summary = ""

    def log_in(self) -> None:
        login = reverse("admin:login")
        fields = forms.submitted(self.browser.get(login).body, "login-form")
        fields.update(username=EDITOR, password=self.password, next=reverse("admin:index"))
        answer = self.browser.post(login, fields)
        if answer.status != 302:
            raise BenchmarkError(f"the editor could not log in (HTTP {answer.status})")

    def open_series(self, pk: int) -> None:
        self.change_path = reverse("admin:entries_series_change", args=[pk])
        form = self.browser.get(self.change_path)
        if form.status != 200:
            raise BenchmarkError(f"the series' change form answered HTTP {form.status}")
        fields = forms.submitted(form.body, "series_form")
        self.original_summary = EDIT_MARK_RE.sub("", fields.get("summary", "")).rstrip()

    def save(self, counter: int) -> float:
        """Save the series with the counter in its summary; when the response arrived."""
        form = self.browser.get(self.change_path)
        if form.status != 200:
            raise BenchmarkError(f"the series' change form answered HTTP {form.status}")
        fields = forms.submitted(form.body, "series_form")
        fields["summary"] = f"{self.original_summary} {EDIT_MARK.format(counter)}".strip()
        fields["edit_summary"] = f"bench_pages, edit {counter}"
        answer = self.browser.post(self.change_path, fields)
        answered = time.monotonic()
        if answer.status != 302:
            raise BenchmarkError(
                f"the admin refused edit {counter} (HTTP {answer.status}); is the form changed?"
            )
        return answered


def mixed_load(site: Site, *, seconds: int, readers: int, workers: int, log: Log) -> MixedResult:
    """``readers`` threads read the series page (half the reads) and a few others for
    ``seconds`` while one editor saves the series through the admin once a second."""
    listed = pages()
    by_name = {page.name: page.path for page in listed}
    paths = [by_name["series"], by_name["series"], by_name["character"], by_name["home"]]
    # A results page (the exact title would redirect to the series page).
    paths.append(reverse("entries:search") + "?" + urllib.parse.urlencode({"q": "metallic"}))
    reads: list[Read] = []
    edits: list[Edit] = []
    lock = threading.Lock()
    with running(site, page_cache=True, workers=workers) as server:
        editor = Editor(server.port, site.password)
        editor.log_in()
        editor.open_series(site.series_pk)
        # Edit 0 before the readers start: which pages show the counter is read off
        # them, and those are the pages checked for stale reads.
        edits.append(Edit(0, editor.save(0)))
        reader = Browser(server.port)
        checked = [
            path
            for path in dict.fromkeys(paths)
            if _shown_counter(reader.get(path).body) is not None
        ]
        if by_name["series"] not in checked:
            raise BenchmarkError("the series page does not show the edited summary")

        started = time.monotonic()
        deadline = started + seconds
        failures: list[BaseException] = []

        def read_pages(offset: int) -> None:
            browser = Browser(server.port)
            try:
                for path in itertools.islice(itertools.cycle(paths), offset, None):
                    begun = time.monotonic()
                    if begun >= deadline:
                        return
                    answer = browser.get(path)
                    read = Read(
                        path,
                        begun,
                        time.monotonic(),
                        answer.status,
                        answer.cache,
                        _shown_counter(answer.body),
                    )
                    with lock:
                        reads.append(read)
            except BaseException as error:  # reported after the threads are joined
                failures.append(error)

        threads = [
            threading.Thread(target=read_pages, args=(number,), daemon=True)
            for number in range(readers)
        ]
        for thread in threads:
            thread.start()
        try:
            for counter in itertools.count(1):
                due = started + counter - 1
                if due >= deadline:
                    break
                time.sleep(max(0.0, due - time.monotonic()))
                answered = editor.save(counter)
                with lock:
                    edits.append(Edit(counter, answered))
        finally:
            for thread in threads:
                thread.join(timeout=seconds + 60)
        if failures:
            raise BenchmarkError(f"a reader failed: {failures[0]!r}")
        elapsed = max(read.ended for read in reads) - started if reads else seconds
    log(f"mixed load: {len(reads):,} reads, {len(edits) - 1} timed edits")
    return MixedResult(
        seconds=elapsed,
        readers=readers,
        paths=paths,
        checked_paths=checked,
        reads=reads,
        edits=edits,
    )


def mixed_table(result: MixedResult) -> list[str]:
    latencies = sorted((read.ended - read.started) * 1000 for read in result.reads)
    p50 = statistics.median(latencies) if latencies else 0.0
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    stale = result.stale()
    return [
        "| reads | reads/s | cache hit ratio | p50 ms | p99 ms | failed reads "
        "| edits | reads checked | stale reads |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {len(result.reads):,} | {_number(result.reads_per_second)} | "
        f"{result.hit_ratio:.1%} | {p50:.1f} | {p99:.1f} | {result.failed} | "
        f"{len(result.edits) - 1} | {result.checked_reads():,} | {len(stale)} |",
    ]


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


@contextmanager
def work_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="fandex-bench-pages-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
