"""``manage.py bench_dump``: time and peak memory of ``export_dump`` and ``import_dump``
at several sizes.

For each size it builds the search benchmark's corpus (``corpus.build``: the real
bangumi-data series plus generated characters, staff and episodes with aliases
and tags) on an empty database, then exports it in a fresh Python process and
reads that process's peak resident memory (``VmHWM``), against a baseline
taken in the same process after Django and the models are loaded, just before
the export starts. A new process per export, so that building the corpus (which
holds the whole bangumi-data file) does not count. Flat memory means the peak
above the baseline stays about the same at 10,000 and 100,000 entries.

Then the entries are deleted and the dump imported (``import_dump``, with its
history) into the database that now has none, and imported again, unchanged (it
only reads and compares), each in a fresh process measured the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Run in the child: Django set up, the export code imported, the database connected;
# then the baseline, the export, and the figures on stdout as JSON.
CHILD = """
import json, resource, sys, time
import django

def peak_kb():
    # VmHWM: this process's own peak. (ru_maxrss would carry the parent's over
    # fork and exec: the parent that built the corpus.)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

django.setup()
from django.db import connection
from entries.dumps import export_dump, import_dump
from entries.models import Entry
entries = Entry.objects.count()
baseline = peak_kb()
started = time.perf_counter()
if sys.argv[3] == "export":
    lines = sum(export_dump(sys.argv[1], chunk_size=int(sys.argv[2])).counts.values())
else:
    report = import_dump(sys.argv[1])
    lines = report.created.total() + report.unchanged.total()
    entries = Entry.objects.count()
seconds = time.perf_counter() - started
print(json.dumps({
    "entries": entries,
    "lines": lines,
    "seconds": seconds,
    "baseline_kb": baseline,
    "peak_kb": peak_kb(),
}))
"""


@dataclass
class ExportFigures:
    entries: int
    lines: int
    seconds: float
    baseline_kb: int  # peak resident memory before the export, in kilobytes
    peak_kb: int
    size: int  # bytes of the gzipped file

    @property
    def growth_mb(self) -> float:
        return (self.peak_kb - self.baseline_kb) / 1024

    def row(self) -> str:
        return (
            f"| {self.entries:>7,} | {self.lines:>7,} | {self.seconds:6.1f} s | "
            f"{self.peak_kb / 1024:6.0f} MB | {self.growth_mb:6.1f} MB | "
            f"{self.size / 1_000_000:6.1f} MB |"
        )


TABLE_HEADER = [
    "| entries |   lines | export   | peak RSS  | above base | file      |",
    "| ------: | ------: | -------: | --------: | ---------: | --------: |",
]


IMPORT_HEADER = [
    "| entries |   lines | import   | peak RSS  | above base | re-run   | peak RSS  | above base |",
    "| ------: | ------: | -------: | --------: | ---------: | -------: | --------: | ---------: |",
]


def import_row(first: ExportFigures, again: ExportFigures) -> str:
    """The first import and the unchanged second one, side by side."""
    return (
        f"| {first.entries:>7,} | {first.lines:>7,} | {first.seconds:6.1f} s | "
        f"{first.peak_kb / 1024:6.0f} MB | {first.growth_mb:6.1f} MB | "
        f"{again.seconds:6.1f} s | {again.peak_kb / 1024:6.0f} MB | {again.growth_mb:6.1f} MB |"
    )


def measure_export(*, chunk_size: int, path: Path | None = None) -> ExportFigures:
    """Export the current database in a child process (to ``path``, else a temporary
    file); its time and memory."""
    if path is not None:
        return _measure("export", path, chunk_size)
    with tempfile.TemporaryDirectory() as work:
        return _measure("export", Path(work) / "bench.jsonl.gz", chunk_size)


def measure_import(path: Path) -> ExportFigures:
    """Import the dump at ``path`` in a child process; its time and memory."""
    return _measure("import", path, 0)


def _measure(what: str, path: Path, chunk_size: int) -> ExportFigures:
    finished = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(chunk_size), what],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"The {what} failed:\n{finished.stderr}")
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    return ExportFigures(**figures, size=path.stat().st_size)
