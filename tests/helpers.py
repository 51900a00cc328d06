"""Helpers shared by the tests: submitting admin forms as a browser would, looking
at the files a test left behind, and running the bangumi-data importer."""

import io
import json
from html import escape
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision, Version

from entries.benchmarks.forms import submitted
from entries.models import Alias, Change, Entry, Series, Streaming, StreamingPlatform

# --- Submitting admin forms as a browser would ----------------------------------------


def form_data(response, form_id: str) -> dict:
    """What submitting the page's form unchanged would send, management forms included
    (``entries.benchmarks.forms.submitted``)."""
    return submitted(response.content.decode(), form_id)


def add_rows(data: dict, prefix: str, *rows: dict) -> None:
    """Fill in new inline rows, as "Add another" does."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index, row in enumerate(rows, start=total):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def open_form(client, model, obj=None):
    """GET the add (or change) form; returns the response and its submittable data."""
    url = admin_url(model, "change", obj.pk) if obj else admin_url(model, "add")
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, f"{model._meta.model_name}_form")


def form_errors(response) -> list[str]:
    """Every error message of the main form and of the inlines, as shown on the page."""
    assert response.status_code == 200, "the form was accepted"
    messages = []
    for field_errors in response.context["adminform"].form.errors.values():
        messages.extend(field_errors)
    for inline in response.context["inline_admin_formsets"]:
        messages.extend(inline.formset.non_form_errors())
        for form_errors_ in inline.formset.errors:
            for field_errors in form_errors_.values():
                messages.extend(field_errors)
    assert messages, "the page shows no error"
    content = response.content.decode()
    for message in messages:
        assert escape(message) in content
    return messages


def files_under(root: Path) -> list[str]:
    """Every file under ``root``, as paths relative to it."""
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


# --- Reading a command's output -------------------------------------------------------


def table_rows(output: str, *, columns: int) -> dict[str, list[str]]:
    """The body rows of the Markdown table (``columns`` wide) in ``output``, by first cell."""
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == columns:
            rows.append(cells)
    return {cells[0]: cells for cells in rows[1:] if cells[0] != "---"}


# --- Running the bangumi-data importer ------------------------------------------------

# Small hand-made bangumi-data files (see tests/importers/test_bangumi.py).
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "bangumi-sample.json"
SAMPLE_GZ = DATA / "bangumi-sample.json.gz"
BAD_RECORDS = DATA / "bangumi-bad-records.json"
# ../shared/data next to the repository, where the real data set lives.
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bangumi-data-0.3.222.json.gz"
TODAY = "2025-01-01"
SAMPLE_ITEMS = 6


def run_import(path, *args: str) -> str:
    """Run the command with a fixed "today"; its stdout."""
    out = io.StringIO()
    call_command(
        "import_bangumi", str(path), "--today", TODAY, *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def write_json(path: Path, document) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def sample_document() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def snapshot() -> dict:
    """Everything an import may write, to show that nothing changed."""
    return {
        "entries": list(Entry.objects.order_by("pk").values()),
        "series": list(Series.objects.order_by("pk").values()),
        "aliases": list(Alias.objects.order_by("pk").values()),
        "streaming": list(Streaming.objects.order_by("pk").values()),
        "platforms": list(StreamingPlatform.objects.order_by("pk").values()),
        "revisions": Revision.objects.count(),
        "versions": Version.objects.count(),
        "changes": Change.objects.count(),
    }


def rouge() -> Series:
    return Series.objects.get(mal_id=54794)
