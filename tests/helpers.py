"""Helpers shared by the tests: submitting admin forms as a browser would, looking
at the files a test left behind, and running the bangumi-data importer."""

import io
import json
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision, Version

from entries.models import Alias, Change, Entry, Series, Streaming, StreamingPlatform

# --- Submitting admin forms as a browser would ----------------------------------------


class _FormFields(HTMLParser):
    """The name/value pairs a browser would submit from the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.pairs: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            text = self._textarea["text"].removeprefix("\n")
            self.pairs.append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.pairs.append((self._select["name"], value))
            self._select = None


def form_data(response, form_id: str) -> dict:
    """What submitting the page's form unchanged would send, management forms included.

    Rows of the inlines' empty-form templates (``__prefix__``) are left out; Django
    ignores them anyway.
    """
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    data: dict = {}
    for name, value in parser.pairs:
        if "__prefix__" in name:
            continue
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data


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
