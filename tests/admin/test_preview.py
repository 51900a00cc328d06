"""The body's preview on every kind's form: rendered as the page will show it, with
the syntax help beside it, and nothing saved, with JavaScript (the live endpoint)
or without (the "Preview" button)."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from reversion.models import Revision, Version

from entries import selectors
from entries.models import (
    Change,
    Character,
    Entry,
    Episode,
    SearchDocument,
    Series,
    Staff,
    Studio,
    WikiLink,
)
from tests import factories
from tests.helpers import admin_url, open_form

pytestmark = pytest.mark.django_db

KINDS = [Series, Character, Staff, Studio, Episode]
BODY = (
    "## Story\n\n**Rouge** meets [[Naomi Orthmann|Naomi]] at [[studio:Bones]], "
    "not [[Nobody Yet]].\n\n<script>alert(1)</script>"
)


def make(model):
    if model is Episode:
        return factories.make_episode(title="Stray Dog", body="Before.")
    return factories.make_entry(model, title=f"A {model.__name__}", body="Before.")


def written() -> dict:
    """What a save would have changed: rows, revisions, changes, links, search."""
    return {
        "entries": list(Entry.objects.order_by("pk").values_list("pk", "version", "body")),
        "revisions": Revision.objects.count(),
        "changes": Change.objects.count(),
        "links": WikiLink.objects.count(),
        "search": list(SearchDocument.objects.order_by("pk").values_list()),
    }


@pytest.fixture
def linked(db):
    factories.make_character(title="Naomi Orthmann")
    factories.make_studio(title="Bones")


def preview_section(content: str) -> str:
    match = re.search(
        r'<section class="body-preview[^"]*" id="id_body_preview".*?</section>', content, re.S
    )
    assert match, "the form shows no preview"
    return match.group(0)


@pytest.mark.parametrize("model", KINDS, ids=lambda model: model.__name__)
def test_the_preview_button_shows_the_form_again_with_the_body_rendered(
    editor_client, linked, model
):
    entry = make(model)
    url, data = open_form(editor_client, model, entry)
    before = written()
    data.update(title="Renamed, not saved", body=BODY, edit_summary="A trial", _preview="Preview")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    preview = preview_section(content)
    assert "<h3>Story</h3>" in preview and "<strong>Rouge</strong>" in preview
    # Blue where a page answers, red where none does, as the page colours them.
    assert re.search(r'<a href="[^"]*" class="wikilink" [^>]*>Naomi</a>', preview)
    assert re.search(r'<a href="[^"]*" class="wikilink" [^>]*>Bones</a>', preview)
    assert re.search(r'class="wikilink new"[^>]*>Nobody Yet</a>', preview)
    # Sanitized: the script is text.
    assert "<script>" not in preview and "&lt;script&gt;" in preview
    # Everything typed is still in the form, and nothing was written.
    assert 'value="Renamed, not saved"' in content
    assert "[[studio:Bones]]" in content
    assert 'value="A trial"' in content
    assert written() == before
    entry.refresh_from_db()
    assert entry.title != "Renamed, not saved"


def test_a_preview_of_a_new_page_adds_nothing(editor_client, linked):
    url, data = open_form(editor_client, Studio)
    before = written()
    data.update(title="Studio Trigger", body="Founded by [[Nobody Yet]].", _preview="Preview")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Nobody Yet</a>" in preview_section(response.content.decode())
    assert written() == before
    assert not Studio.objects.filter(title="Studio Trigger").exists()


def test_a_preview_of_a_form_with_errors_shows_them_and_the_preview(editor_client):
    studio = factories.make_studio(title="Bones")
    url, data = open_form(editor_client, Studio, studio)
    data.update(title="", body="Still *shown*.", _preview="Preview")

    response = editor_client.post(url, data)

    content = response.content.decode()
    assert "This field is required." in content
    assert "<em>shown</em>" in preview_section(content)
    studio.refresh_from_db()
    assert studio.title == "Bones"


def test_the_preview_is_what_saving_makes_of_the_body(editor_client, linked):
    studio = factories.make_studio(title="Sunrise")
    url, data = open_form(editor_client, Studio, studio)
    data.update(body=BODY, _preview="Preview")
    preview = preview_section(editor_client.post(url, data).content.decode())

    del data["_preview"]
    assert editor_client.post(url, data).status_code == 302
    studio.refresh_from_db()
    saved = selectors.body_html(studio, create_url=None)

    assert str(saved) in preview


def test_the_form_has_a_preview_button_and_the_syntax_help_beside_the_body(editor_client):
    studio = factories.make_studio()

    content = editor_client.get(admin_url(Studio, "change", studio.pk)).content.decode()

    assert re.search(r'<input type="submit" value="Preview" name="_preview"', content)
    body = content.index('name="body"')
    help_at = content.index('class="syntax-help"')
    assert body < content.index('id="id_body_preview"') < help_at < content.index('name="tags"')
    help_text = content[help_at : content.index("</details>", help_at)]
    for form in ("[[Rouge Redstar]]", "[[Rouge Redstar|Rouge]]", "[[studio:Bones]]"):
        assert form in help_text
    for prefix in ("series:", "character:", "characters:", "staff:", "person:", "episode:"):
        assert f"<code>{prefix}</code>" in help_text
    assert "**bold**" in help_text and "## Plot" in help_text


def test_the_revert_form_has_no_preview_button(editor_client):
    studio = factories.make_studio(title="Bones")
    url, data = open_form(editor_client, Studio, studio)
    data["summary"] = "Changed."
    editor_client.post(url, data)
    version = Version.objects.get_for_object(studio).first()

    response = editor_client.get(admin_url(Studio, "revision", studio.pk, version.pk))

    assert response.status_code == 200
    assert 'name="_preview"' not in response.content.decode()


# --- The live preview (static/js/admin-editing.js) ---------------------------------------


def test_the_live_preview_renders_the_body_and_writes_nothing(editor_client, linked):
    before = written()

    response = editor_client.post(admin_url(Series, "preview"), {"body": BODY})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h3>Story</h3>" in html
    assert re.search(r'class="wikilink"[^>]*>Naomi</a>', html)
    assert re.search(r'class="wikilink new"[^>]*>Nobody Yet</a>', html)
    assert "<script>" not in html
    assert written() == before


def test_the_live_preview_of_an_empty_body_is_empty(editor_client):
    response = editor_client.post(admin_url(Studio, "preview"), {"body": "  \n"})

    assert response.status_code == 200
    assert response.content == b""


def test_the_live_preview_needs_a_post_with_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = admin_url(Studio, "preview")

    assert client.post(url, {"body": "Hi"}).status_code == 403
    assert client.get(url, {"body": "Hi"}).status_code == 405
    client.get(admin_url(Studio, "add"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"body": "*Hi*"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert b"<em>Hi</em>" in response.content


def test_the_live_preview_needs_the_change_permission(client):
    staff = User.objects.create_user(username="visitor", password="x", is_staff=True)
    client.force_login(staff)

    assert client.post(admin_url(Studio, "preview"), {"body": "Hi"}).status_code == 403


def test_readers_are_sent_to_the_login_page(client):
    response = client.post(admin_url(Studio, "preview"), {"body": "Hi"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_in_an_episodes_preview_a_bare_red_link_creates_a_character(editor_client):
    episode = factories.make_episode(title="Stray Dog")

    response = editor_client.post(
        admin_url(Episode, "preview"),
        {"body": "[[Jean Jaques]] and [[studio:New Studio]]", "object_id": episode.pk},
    )

    html = response.content.decode()
    assert admin_url(Character, "add") + "?title=Jean+Jaques" in html
    assert admin_url(Studio, "add") + "?title=New+Studio" in html


def test_a_bad_object_id_is_no_page_at_all(editor_client):
    response = editor_client.post(
        admin_url(Series, "preview"), {"body": "[[Nobody]]", "object_id": "not-a-number"}
    )

    assert response.status_code == 200
    assert b'class="wikilink new"' in response.content


@pytest.mark.parametrize("links", [1, 30])
def test_a_preview_costs_two_queries_whatever_the_number_of_links(
    django_assert_num_queries, linked, links
):
    source = " ".join(f"[[Name {n}]] [[studio:Bones]] [[Naomi Orthmann]]" for n in range(links))

    with django_assert_num_queries(2):
        html = selectors.preview_html(source)

    assert html.count('class="wikilink new"') == links


def test_a_preview_without_links_costs_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert selectors.preview_html("*Hi*") == "<p><em>Hi</em></p>\n"


def test_the_preview_and_the_help_cover_spoiler_passages(editor_client):
    series = factories.make_series(title="Metallic Rouge")
    url, data = open_form(editor_client, Series, series)
    help_text = editor_client.get(url).content.decode()
    assert "<code>:::spoiler 9</code>" in help_text

    data.update(body="Out in the open.\n\n:::spoiler 9\nThe twist.\n:::\n", _preview="Preview")
    preview = preview_section(editor_client.post(url, data).content.decode())

    # Closed, as a reader without JavaScript gets it, and marked with its episode.
    assert re.search(r'<details class="spoiler"[^>]* data-revealed-in="9"', preview)
    assert " open" not in preview.split('class="spoiler"', 1)[1].split(">", 1)[0]
    assert "The twist." in preview
    series.refresh_from_db()
    assert "twist" not in series.body
