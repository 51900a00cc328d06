"""What an import did and why: the reasons items were skipped or values left out,
the problems found, the report, and the error a strict import ends with.

At the bottom of the package (it imports nothing of it): every stage adds to the
same ``ImportReport``.
"""

from collections import Counter
from dataclasses import dataclass, field

from entries.services import WriteReport


class Reason:
    """Why an item was skipped, or a value left out: the summary counts per reason."""

    # Items skipped
    NOT_AN_OBJECT = "not a JSON object"
    MALFORMED = "malformed item"
    NO_TITLE = "missing title"
    UNKNOWN_TYPE = "unknown type"
    BAD_DATE = "bad date"
    ENDS_BEFORE_START = "begins after it ends"
    ID_CONFLICT = "ids belong to another series"
    DUPLICATE = "same series as an earlier item"
    INVALID = "invalid value"
    # Values left out
    BAD_ID = "external id is not a number"
    SHARED_ID = "external id already claimed by an earlier item"
    BAD_OFFICIAL_SITE = "invalid official site"
    BAD_STREAMING_URL = "invalid streaming URL"
    LONG_ALIAS = "alias too long"


@dataclass(frozen=True)
class Problem:
    """An item skipped, or a value left out of an imported series."""

    item: int  # position in ``items``, counting from 1
    title: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"item {self.item}"
        if self.title:
            text += f" ({self.title})"
        text += f": {self.reason}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass
class ImportReport(WriteReport):
    """What an import did. ``created`` and ``updated`` hold the series' primary keys."""

    source: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    revision_id: int | None = None
    # Seconds spent per stage ("matching", "writing", "history").
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{super().summary()}, skipped {len(self.skipped)}"

    def skipped_by_reason(self) -> Counter:
        return Counter(problem.reason for problem in self.skipped)

    def notes_by_reason(self) -> Counter:
        return Counter(problem.reason for problem in self.notes)


class ImportAborted(Exception):
    """``strict`` import with bad items: nothing was written. ``report`` says which."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(f"{len(report.skipped)} item(s) cannot be imported; nothing was written.")
