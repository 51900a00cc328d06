"""How long an upload takes and how much memory it needs: ``manage.py bench_images``.

For each input (JPEG and PNG at a few sizes, up to the pixel limit) this times
``pictures.prepare`` (check, decode, clean, re-encode, renditions) and
``pictures.store`` (write every file through the storage API, insert the row),
each the median of ``repeat`` runs, and measures the memory one ``prepare``
needs two ways:

- *tracemalloc peak*: the most Python-heap memory allocated at once during the
  call. It counts ``bytes`` objects (the upload, the encoded files) but not
  Pillow's pixel buffers, which Pillow allocates outside Python's allocator.
- *RSS peak*: how far the process's resident memory (``ru_maxrss``) rose above
  what it was before the call; this does include the pixels. On Linux the
  high-water mark is reset before each input (``/proc/self/clear_refs``), so
  every input gets a figure of its own, and memory that earlier runs freed is
  handed back to the system first (glibc's ``malloc_trim``). Where it cannot be reset the figure
  only shows growth past the earlier inputs' peak, and is marked ``≥``.

Inputs are made in memory: a drawing with gradients and shapes (what
key visuals and screenshots look like), with light grain for the JPEGs so they
compress like photographs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import math
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.test import override_settings
from PIL import Image, ImageDraw

from entries import pictures

# About 1 MP, a 4K frame (3840 x 2160) and the default pixel limit.
DEFAULT_MEGAPIXELS = (1.0, 8.2944, 40.0)
DEFAULT_FORMATS = ("jpeg", "png")
DEFAULT_REPEAT = 3
ASPECT = 16 / 9


@dataclass
class Result:
    label: str
    width: int
    height: int
    input_bytes: int
    prepare_seconds: float
    store_seconds: float
    tracemalloc_peak: int
    rss_peak: int
    rss_exact: bool
    files: int
    stored_bytes: int


def dimensions(megapixels: float) -> tuple[int, int]:
    """A 16:9 frame of about ``megapixels``, never over it (40 MP is the limit)."""
    pixels = round(megapixels * 1_000_000)
    width = max(1, round(math.sqrt(pixels * ASPECT)))
    height = max(1, pixels // width)
    return width, height


def make_input(fmt: str, width: int, height: int) -> bytes:
    """A picture worth compressing: gradients, shapes and (for JPEG) grain."""
    base = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (base, base.transpose(Image.Transpose.ROTATE_180), Image.new("L", (width, height), 90)),
    )
    draw = ImageDraw.Draw(image)
    step = max(4, min(width, height) // 6)
    for index, x in enumerate(range(0, width, step)):
        colour = ((index * 70) % 256, (index * 150) % 256, (index * 30) % 256)
        y = (index * step // 2) % max(1, height)
        draw.ellipse((x, y, x + step, y + step), fill=colour, outline=(0, 0, 0), width=3)
        draw.line((x, 0, width - x, height), fill=(255, 255, 255), width=2)
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    out = io.BytesIO()
    if fmt == "jpeg":
        Image.blend(image, grain, 0.08).save(out, "JPEG", quality=90)
    else:
        # Grain everywhere would make a 40 MP PNG far larger than the byte limit;
        # a band of it keeps the file the size of a detailed drawing.
        band = (0, 0, width, max(1, height // 8))
        image.paste(Image.blend(image.crop(band), grain.crop(band), 0.08), band)
        image.save(out, "PNG")
    return out.getvalue()


# --- Memory --------------------------------------------------------------------------


def _rss_now() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


def _reset_peak_rss() -> bool:
    """Set the high-water mark of resident memory back to what is resident now
    (Linux; see proc(5), clear_refs value 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _maxrss() -> int:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where the reset does not work).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _release_free_memory() -> None:
    """Hand memory freed by earlier runs back to the system (glibc), so that the
    next run's peak is not hidden by reusing it."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def measure_rss(call: Callable[[], object]) -> tuple[int, bool]:
    """How far resident memory rose during ``call``, and whether that is exact."""
    _release_free_memory()
    exact = _reset_peak_rss()
    before = _rss_now() if exact else None
    if before is None:
        exact = False
        before = _maxrss()
    call()
    return max(0, _maxrss() - before), exact


def measure_tracemalloc(call: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- Running ---------------------------------------------------------------------------


@contextmanager
def scratch_media() -> Iterator[Path]:
    """A throw-away MEDIA_ROOT, so the benchmark leaves no file behind."""
    with (
        tempfile.TemporaryDirectory(prefix="fandex-bench-images-") as root,
        override_settings(MEDIA_ROOT=root),
    ):
        yield Path(root)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def bench_one(fmt: str, megapixels: float, *, repeat: int) -> Result:
    """Measure one input. Stores inside a transaction that is rolled back and in a
    scratch MEDIA_ROOT: nothing stays in the database or on disk."""
    width, height = dimensions(megapixels)
    data = make_input(fmt, width, height)

    def prepare():
        return pictures.prepare(io.BytesIO(data), name=f"bench.{fmt}")

    prepare()  # warm up: codecs and colour profiles load once per process
    prepare_times = [_timed(prepare)[0] for _ in range(repeat)]
    prepared = prepare()

    def store():
        return pictures.store(prepared)

    store_times = []
    stored_bytes = 0
    with scratch_media() as root:
        for _ in range(repeat):
            with transaction.atomic():
                seconds, _picture = _timed(store)
                transaction.set_rollback(True)
            store_times.append(seconds)
            files = [path for path in root.rglob("*") if path.is_file()]
            stored_bytes = sum(path.stat().st_size for path in files)
            for path in files:
                path.unlink()
    prepared = None  # the closure above holds it; free it before measuring memory
    rss_peak, exact = measure_rss(prepare)
    traced_peak = measure_tracemalloc(prepare)
    return Result(
        label=f"{fmt.upper()} {width * height / 1_000_000:.3g} MP",
        width=width,
        height=height,
        input_bytes=len(data),
        prepare_seconds=statistics.median(prepare_times),
        store_seconds=statistics.median(store_times),
        tracemalloc_peak=traced_peak,
        rss_peak=rss_peak,
        rss_exact=exact,
        files=len(files),
        stored_bytes=stored_bytes,
    )


def run(
    *, formats=DEFAULT_FORMATS, megapixels=DEFAULT_MEGAPIXELS, repeat=DEFAULT_REPEAT, log=None
) -> list[Result]:
    results = []
    for size in sorted(megapixels):
        for fmt in formats:
            result = bench_one(fmt, size, repeat=repeat)
            if log:
                log(f"  {result.label}: done")
            results.append(result)
    return results


def _mb(value: int) -> str:
    return f"{value / 1_000_000:.1f}"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| input | pixels | file MB | prepare ms | store ms | tracemalloc peak MB "
        "| RSS peak MB | files stored | stored MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.width} × {r.height} | {_mb(r.input_bytes)} "
            f"| {r.prepare_seconds * 1000:.0f} | {r.store_seconds * 1000:.0f} "
            f"| {_mb(r.tracemalloc_peak)} | {'' if r.rss_exact else '≥ '}{_mb(r.rss_peak)} "
            f"| {r.files} | {_mb(r.stored_bytes)} |"
        )
    return lines
