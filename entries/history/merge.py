"""Three-way merges of text fields (a body, a summary) edited by two editors at once.

Both started from the revision recorded at the version the form was opened at
(the *base*). Lines changed on only one side merge by themselves (merge3,
Breezy's diff3). Lines both changed differently are a conflict: the text comes
back with conflict markers around the two versions, for the editor to resolve
in the form, and a text that still holds markers is refused. Nothing of either
edit is lost.
"""

from dataclasses import dataclass

import merge3
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from ..models import Change, Entry

# Fields merged line by line rather than compared whole.
MERGED_FIELDS = frozenset({"body", "summary"})
MINE = "your version"
THEIRS = "the saved version"
START, MIDDLE, END = "<<<<<<< ", "=======", ">>>>>>> "


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # how many places both editors changed differently


def base_text(entry_pk: int, version: int, name: str) -> str | None:
    """The field ``name`` of the entry as recorded at ``version``, if that was recorded."""
    change = Change.objects.filter(entry_pk=entry_pk, version=version).order_by("-pk").first()
    if change is None:
        return None
    stored = Version.objects.filter(
        revision_id=change.revision_id,
        object_id=str(entry_pk),
        content_type=ContentType.objects.get_for_model(Entry),
    ).first()
    if stored is None:
        return None
    value = stored._local_field_dict.get(name)
    return value if isinstance(value, str) else None


def _lines(text: str) -> list[str]:
    # Browsers send textareas with CRLF; the last line gets its newline so that an
    # addition after it is a change of its own, not an edit of that line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (text if text.endswith("\n") or not text else text + "\n").splitlines(True)


def merge(*, base: str, mine: str, theirs: str) -> Merged:
    """``mine`` and ``theirs`` merged against ``base``."""
    merger = merge3.Merge3(_lines(base), _lines(mine), _lines(theirs))
    conflicts = sum(1 for region in merger.merge_regions() if region[0] == "conflict")
    text = "".join(
        merger.merge_lines(
            name_a=MINE, name_b=THEIRS, start_marker=START.strip(), end_marker=END.strip()
        )
    )
    return Merged(text=text.rstrip("\n"), conflicts=conflicts)


def has_markers(text: str) -> bool:
    """Whether ``text`` still holds the markers of a conflict nobody resolved."""
    lines = _lines(text or "")
    starts = any(line.startswith(START + MINE) for line in lines)
    return starts and any(line.rstrip("\n") == MIDDLE for line in lines)
