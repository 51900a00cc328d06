"""No lost saves: editors saving at the same moment through a real server (4 gunicorn
workers) all get their edit saved or their form back saying why, on SQLite as on
PostgreSQL; never an error page."""

import sqlite3
import threading
from html import unescape
from types import SimpleNamespace

import pytest
from django.db import connection

from entries.admin.busy import BUSY_MESSAGE
from entries.models import Series
from tests.helpers import admin_url, form_data

from .conftest import PASSWORD, Browser

pytestmark = pytest.mark.django_db(transaction=True)

SAVES = 20
CONFLICT = "Someone else saved this page while you were editing it"

SETUP = f"""
import json
from tests import factories
editor = factories.make_editor(password={PASSWORD!r})
print(json.dumps([factories.make_series(title=f"Series {{n}}").pk for n in range(%d)]))
"""

HISTORY = """
import json
from reversion.models import Version
from entries.models import Series
pks = %r
print(json.dumps({
    pk: {
        "summary": Series.objects.get(pk=pk).summary,
        "comments": [
            v.revision.comment for v in Version.objects.get_for_object_reference(Series, pk)
        ],
    }
    for pk in pks
}))
"""


def change_url(pk: int) -> str:
    return admin_url(Series, "change", pk)


def save_all(browser: Browser, forms: list[tuple[int, dict]]) -> list:
    """POST every form at once, each from a thread of its own; the answers in order."""
    answers: list = [None] * len(forms)
    start = threading.Barrier(len(forms))

    def save(index: int, pk: int, data: dict) -> None:
        own = browser.copy()
        start.wait()
        answers[index] = own.open(change_url(pk), data)

    threads = [
        threading.Thread(target=save, args=(index, pk, data))
        for index, (pk, data) in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return answers


def edit(data: dict, n: int, label: str) -> dict:
    return {**data, "summary": f"Summary of {label} save {n}.", "edit_summary": f"{label}-{n}"}


def test_concurrent_saves_of_different_entries_and_of_one_entry_are_never_lost(start_site):
    site = start_site()
    pks = site.manage(SETUP % (SAVES + 1))
    browser = Browser(site).log_in("editor")

    # 20 editors save 20 different series at the same moment: every save goes in.
    forms = [
        (pk, edit(browser.form(change_url(pk), "series_form"), n, "many"))
        for n, pk in enumerate(pks[:SAVES])
    ]
    answers = save_all(browser, forms)
    assert [a.status for a in answers if a.status >= 500] == [], site.stderr()[-3000:]
    assert [a.status for a in answers] == [302] * SAVES, [
        a.body[:300] for a in answers if a.status != 302
    ]
    history = site.manage(HISTORY % pks[:SAVES])
    for n, pk in enumerate(pks[:SAVES]):
        assert history[str(pk)]["summary"] == f"Summary of many save {n}."
        assert history[str(pk)]["comments"].count(f"many-{n}") == 1

    # 20 editors opened the same series and save different summaries at once: one
    # save goes in, and every other editor is shown the conflict on their form.
    one = pks[SAVES]
    opened = browser.form(change_url(one), "series_form")
    answers = save_all(browser, [(one, edit(opened, n, "same")) for n in range(SAVES)])
    assert [a.status for a in answers if a.status >= 500] == [], site.stderr()[-3000:]
    saved = [n for n, a in enumerate(answers) if a.status == 302]
    refused = [n for n, a in enumerate(answers) if a.status != 302]
    assert len(saved) == 1, f"{len(saved)} saves of one field from one base went in"
    for n in refused:
        assert answers[n].status == 200
        assert CONFLICT in answers[n].body or str(BUSY_MESSAGE) in unescape(answers[n].body)
        # The editor's input is still on the form.
        assert f"Summary of same save {n}." in answers[n].body
    history = site.manage(HISTORY % [one])[str(one)]
    assert history["summary"] == f"Summary of same save {saved[0]}."
    assert [c for c in history["comments"] if c.startswith("same-")] == [f"same-{saved[0]}"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_a_save_that_cannot_get_the_database_gets_its_form_back(start_site):
    site = start_site(WORKERS="1", DJANGO_SQLITE_TIMEOUT="1")
    [pk] = site.manage(SETUP % 1)
    browser = Browser(site).log_in("editor")
    data = edit(browser.form(change_url(pk), "series_form"), 1, "busy")

    # Someone else holds the write lock for longer than the server waits.
    holder = sqlite3.connect(site.database, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Reading the form still works...
        again = browser.open(change_url(pk))
        assert again.status == 200
        # ...and the save comes back as the form, with the editor's input, unsaved.
        answer = browser.open(change_url(pk), data)
    finally:
        holder.rollback()
        holder.close()
    assert answer.status == 200, answer.body[:2000]
    assert str(BUSY_MESSAGE) in unescape(answer.body)
    assert "Summary of busy save 1." in answer.body
    history = site.manage(HISTORY % [pk])[str(pk)]
    assert history["comments"] == []

    # Submitting the returned form again saves it, once.
    resubmitted = form_data(SimpleNamespace(content=answer.body.encode()), "series_form")
    assert browser.open(change_url(pk), resubmitted).status == 302
    history = site.manage(HISTORY % [pk])[str(pk)]
    assert history["summary"] == "Summary of busy save 1."
    assert history["comments"] == ["busy-1"]
