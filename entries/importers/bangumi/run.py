"""The import from start to end, ``import_bangumi``: records, plan, writes,
history and the announcement of what changed, in one transaction, each stage timed."""

import datetime
import time
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.utils import timezone

from entries import services
from entries.history.bulk import record_bulk_history
from entries.search import indexing as search_indexing

from ..progress import Progress, no_progress
from .planning import _plan
from .reading import BangumiData
from .records import JAPAN, _parse_items
from .report import ImportAborted, ImportReport
from .writing import _write


def import_bangumi(
    data: BangumiData,
    *,
    today: datetime.date | None = None,
    strict: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update a series for each item of ``data``; see the package docstring.

    ``today`` (a date in Japan) decides which series are announced, airing or
    finished. ``progress(stage, done, total)`` is called as the work goes on.
    Raises ``ImportAborted`` when ``strict`` and an item cannot be imported.
    """
    today = today or timezone.localdate(timezone=JAPAN)
    progress = progress or no_progress
    report = ImportReport(source=data.label)
    clock = _Clock(report.timings)

    with transaction.atomic():
        with clock("matching"):
            records = _parse_items(data, today=today, report=report, progress=progress)
            writes = _plan(records, today=today, report=report, progress=progress)
        if strict and report.skipped:
            raise ImportAborted(report)
        # Search documents are written once, in bulk, at the end of the block: the
        # bulk inserts send no signals, and the saves' signals wait for it.
        with clock("writing"), search_indexing.deferred():
            # The pages showing the series it updates, as they were (their old names).
            before = services.pages_showing(
                [write.series.pk for write in writes if not write.created]
            )
            _write(writes, progress=progress)
            report.created = [write.series.pk for write in writes if write.created]
            report.updated = [write.series.pk for write in writes if not write.created]
            search_indexing.entries_changed(report.created + report.updated)
        if history and writes:
            with clock("history"):
                revision = record_bulk_history(
                    [write.series for write in writes],
                    comment=data.comment,
                    created={write.series.pk: write.written for write in writes if write.created},
                    automated=True,
                    progress=partial(progress, "History"),
                )
            report.revision_id = revision.pk
        # The bulk writes bypass ``services.recorded``: announce them the same way.
        services.announce_bulk(report.created + report.updated, before=before)
    return report


class _Clock:
    """``with clock("stage"):`` adds the seconds the block took to ``timings["stage"]``."""

    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started
