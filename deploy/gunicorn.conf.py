"""
gunicorn settings for Fandex, read from the environment (``make serve`` uses them).

    HOST              address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
    PORT              port (default 8000)
    WORKERS           worker processes (default: 2 per CPU core + 1, at most 12)
    FANDEX_ACCESS_LOG 1 to log every request to stderr (off by default: it costs
                      throughput, and nginx keeps an access log anyway)

Bad values stop the start with a one-line message. ``python deploy/gunicorn.conf.py``
checks them without starting anything (``make serve`` does so before migrating).
"""

import os
import sys

# Sync workers: one request at a time per process. Fandex's requests are short
# and CPU-bound (templates, queries on a near database), which is what they suit;
# slow clients wait in nginx's buffers, not in a worker.
MAX_DEFAULT_WORKERS = 12


def _fail(message: str):
    # SystemExit passes through gunicorn's config loader: one line, no traceback.
    sys.exit(f"Fandex: {message}")


def _cpu_cores() -> int:
    # The cores this process may run on (taskset, cgroup cpusets), not the machine's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _integer(name: str, default: int, low: int, high: int, meaning: str) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        _fail(f"{name}={raw!r} is not a number; set it to {meaning} ({low}-{high}).")
    if not low <= value <= high:
        _fail(f"{name}={value} is out of range; set it to {meaning} ({low}-{high}).")
    return value


host = os.environ.get("HOST", "").strip() or "127.0.0.1"
if any(character.isspace() or character in "/," for character in host):
    _fail(f"HOST={host!r} is not an address; use e.g. 127.0.0.1, 0.0.0.0 or ::1.")
port = _integer("PORT", 8000, 1, 65535, "a TCP port")
# 2 x cores + 1 is gunicorn's own rule of thumb: while one worker waits on the
# database another computes. The cap keeps a big machine from opening more
# PostgreSQL connections (one per worker) and memory (~80 MB each) than it gains:
# a few app servers of 12 stay under PostgreSQL's default max_connections (100).
workers = _integer(
    "WORKERS",
    min(2 * _cpu_cores() + 1, MAX_DEFAULT_WORKERS),
    1,
    256,
    "the number of worker processes",
)

bind = [f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"]
wsgi_app = "wiki.wsgi:application"
worker_class = "sync"
# Heartbeat files in memory, not on a disk that may stall (Docker, slow volumes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 20
# Error log to stderr always (systemd's journal keeps it); access log on request.
errorlog = "-"
accesslog = (
    "-"
    if os.environ.get("FANDEX_ACCESS_LOG", "").strip().lower()
    in {
        "1",
        "true",
        "yes",
        "on",
    }
    else None
)
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# gunicorn 24+ opens a control socket at one fixed path per user; a second server
# on the machine (a benchmark, a test, a staging copy) would take it over. Fandex
# is managed by signals and systemd, so it needs none.
control_socket_disable = True
