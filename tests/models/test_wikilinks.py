"""Wiki links as readers and editors meet them: parsing, colours, what links here,
wanted pages, and link colours that follow the pages they point at."""

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.templatetags.static import static
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from reversion.models import Revision

from entries import views
from entries.markup import render
from entries.models import Change, Entry, WikiLink
from entries.services import note, recorded
from entries.views import details, wiki
from entries.wikilinks import LinkStatus, mark_links
from tests import factories as f

pytestmark = pytest.mark.django_db


class Anchors(HTMLParser):
    """Every ``<a>`` of a page: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.anchors: list[dict] = []
        self.elements: list[tuple[str, dict]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self._open["text"] = " ".join(self._open["text"].split())
            self.anchors.append(self._open)
            self._open = None


def parse_html(content: str) -> Anchors:
    parser = Anchors()
    parser.feed(content)
    return parser


def wikilinks(response) -> list[dict]:
    """The page body's wiki links (the prose only, not the page around it)."""
    content = response.content.decode()
    return [a for a in parse_html(content).anchors if "data-wikilink" in a]


def link(response, text: str) -> dict:
    """The one wiki link of the page with that text."""
    found = [a for a in wikilinks(response) if a["text"] == text]
    assert len(found) == 1, f"{text!r}: {found}"
    return found[0]


def is_red(anchor: dict) -> bool:
    return anchor["class"].split() == ["wikilink", "new"]


def is_blue(anchor: dict) -> bool:
    return anchor["class"].split() == ["wikilink"] and "title" not in anchor


_INLINE_TAG = re.compile(r"</?(?:a|b|i|em|strong|span|time)\b[^>]*>")


def text_of(response) -> str:
    """The page's visible text: inline tags dropped, others as spaces, spaces collapsed."""
    content = _INLINE_TAG.sub("", response.content.decode())
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return " ".join(text.split())


def page(client, entry):
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    return response


def linking(client, entry) -> list[str]:
    """The titles under "What links here" on ``entry``'s page."""
    return [source.title for source in page(client, entry).context["links_here"].entries]


def admin_add(model_name: str, title: str) -> str:
    return reverse(f"admin:entries_{model_name}_add") + "?" + f"title={title}"


@pytest.fixture
def rouge():
    """Metallic Rouge (series, with a native title and an alias), its heroine and studio."""
    series = f.make_series(title="Metallic Rouge", native_title="メタリックルージュ")
    f.alias(series, "Metaric Rūju", "ja-Latn")
    heroine = f.make_character(title="Rouge Redstar", series=series)
    bones = f.make_studio(title="Bones")
    return {"series": series, "heroine": heroine, "bones": bones}


# --- Parsing ------------------------------------------------------------------------------


def test_plain_link_goes_through_the_wiki_resolver():
    rendered = render("Meet [[Rouge Redstar]].")
    anchor = parse_html(rendered.html).anchors[0]
    assert anchor["href"] == "/wiki/Rouge_Redstar"
    assert anchor["text"] == "Rouge Redstar"
    assert anchor["data-wikilink"] == ":rouge redstar"
    assert [(t.kind, t.key) for t in rendered.links] == [("", "rouge redstar")]


def test_label_is_shown_and_the_target_is_linked():
    anchor = parse_html(render("By [[Bones|the studio]].").html).anchors[0]
    assert (anchor["href"], anchor["text"]) == ("/wiki/Bones", "the studio")


@pytest.mark.parametrize("prefix", ["studio", "Studio", "studios", "STUDIOS"])
def test_kind_prefix_singular_or_plural(prefix):
    rendered = render(f"[[{prefix}:Bones]]")
    anchor = parse_html(rendered.html).anchors[0]
    assert anchor["href"] == "/wiki/studio:Bones"
    assert anchor["text"] == "Bones"
    assert [(t.kind, t.name) for t in rendered.links] == [("studio", "Bones")]


def test_a_colon_that_names_no_kind_is_part_of_the_name():
    rendered = render("[[Re:Zero]]")
    assert [(t.kind, t.name) for t in rendered.links] == [("", "Re:Zero")]


@pytest.mark.parametrize(
    "source", ["[[a", "a]]", "[[]]", "[[ ]]", "[[|label]]", "[[a\nb]]", "[[studio:]]"]
)
def test_what_is_not_a_link_stays_text(source):
    rendered = render(source)
    assert rendered.links == []
    assert "<a" not in rendered.html


def test_nested_brackets_link_only_the_inner_pair(client):
    series = f.make_series(title="Nest", body="[[a [[b]] c]]")
    response = page(client, series)
    assert [a["text"] for a in wikilinks(response)] == ["b"]
    assert "[[a" in text_of(response) and "c]]" in text_of(response)
    assert list(series.outgoing_links.values_list("target_key", flat=True)) == ["b"]


def test_html_in_a_link_is_neither_a_link_nor_markup(client):
    series = f.make_series(title="Markup", body="[[<b>x</b>]] and [[y|<i>label</i>]]")
    response = page(client, series)
    elements = parse_html(response.content.decode()).elements
    assert not [tag for tag, _ in elements if tag in {"b", "i"}]
    scripts = [(attrs.get("src"), attrs.get("type")) for tag, attrs in elements if tag == "script"]
    # The site's own scripts (search box and its list, spoiler hiding) and the
    # schema.org data.
    assert scripts == [
        (static("js/listbox.js"), None),
        (static("js/search.js"), None),
        (None, "application/ld+json"),
        (static("js/spoilers.js"), None),
    ]
    assert "[[<b>x</b>]]" in text_of(response)
    assert link(response, "<i>label</i>")["href"] == "/wiki/y"


def test_javascript_target_stays_a_relative_wiki_link(client):
    series = f.make_series(title="Scheme", body="[[javascript:alert(1)]]")
    response = page(client, series)
    anchor = link(response, "javascript:alert(1)")
    assert anchor["href"] == "/wiki/javascript:alert(1)"
    assert is_red(anchor)
    assert client.get(anchor["href"]).status_code == 404


@pytest.mark.parametrize("logged_in", [False, True])
def test_quotes_cannot_inject_attributes(client, editor, logged_in):
    if logged_in:
        client.force_login(editor)
    series = f.make_series(
        title="Quotes", body='[[x" onclick="y]] [[studio:x" onclick="y]] [[z|" onmouseover="w]]'
    )
    response = page(client, series)
    elements = parse_html(response.content.decode()).elements
    assert not [(tag, name) for tag, attrs in elements for name in attrs if name.startswith("on")]
    anchors = wikilinks(response)
    assert [a["text"] for a in anchors] == ['x" onclick="y', 'x" onclick="y', '" onmouseover="w']
    assert all(is_red(a) for a in anchors)
    assert anchors[0]["title"] == 'x" onclick="y (page does not exist)'
    if logged_in:
        # The kinded one opens the add form, the name safely in its query string.
        assert anchors[1]["href"] == admin_add("studio", "x%22+onclick%3D%22y")
    # The resolver gets the name back intact.
    assert client.get(anchors[0]["href"]).status_code == 404


def test_slashes_in_a_name(client):
    source = f.make_series(title="Slashes", body="[[a/b]] and [[AC/DC]]")
    band = f.make_staff(title="AC/DC")
    response = page(client, source)
    missing, found = link(response, "a/b"), link(response, "AC/DC")
    assert (missing["href"], is_red(missing)) == ("/wiki/a/b", True)
    assert is_blue(found)
    assert client.get("/wiki/a/b").status_code == 404
    assert client.get(found["href"])["Location"] == band.get_absolute_url()


def test_japanese_link_resolves_by_native_title(client, rouge):
    source = f.make_character(title="Fan", body="Watches [[メタリックルージュ]].")
    anchor = link(page(client, source), "メタリックルージュ")
    assert is_blue(anchor)
    assert client.get(anchor["href"])["Location"] == rouge["series"].get_absolute_url()
    assert linking(client, rouge["series"]) == ["Fan"]


@pytest.mark.parametrize("written", ["rouge REDSTAR", "Rouge_Redstar", "ROUGE   redstar"])
def test_letter_case_spaces_and_underscores_do_not_matter(client, rouge, written):
    source = f.make_series(title="Fanfic", body=f"[[{written}]]")
    anchor = wikilinks(page(client, source))[0]
    assert is_blue(anchor)
    assert client.get(anchor["href"])["Location"] == rouge["heroine"].get_absolute_url()


def test_a_megabyte_body_renders(client, rouge):
    paragraph = " ".join(
        f"Text [[Page {i}]] and [[Rouge Redstar|her]], **bold** and more words." for i in range(10)
    )
    body = "\n\n".join(f"{paragraph} [[Other {n}]]" for n in range(1_000_000 // len(paragraph)))
    assert len(body) > 1_000_000
    series = f.make_series(title="Huge", body=body)
    response = page(client, series)
    content = response.content.decode()
    paragraphs = body.count("\n\n") + 1
    assert content.count('class="wikilink new"') == 11 * paragraphs
    assert content.count('class="wikilink"') == paragraphs * 10
    assert series.outgoing_links.count() == 10 + 1 + paragraphs


# --- Colours ------------------------------------------------------------------------------


def test_links_are_blue_or_red_as_their_pages_exist(client, rouge):
    source = f.make_series(
        title="Guide",
        body=(
            "[[Rouge Redstar]], [[Metaric Rūju|by alias]], [[studio:Bones]], "
            "[[Nobody]], [[staff:Bones]], [[studio:Sunrise]]"
        ),
    )
    response = page(client, source)
    assert is_blue(link(response, "Rouge Redstar"))
    assert is_blue(link(response, "by alias"))
    bones = [a for a in wikilinks(response) if a["href"] == "/wiki/studio:Bones"]
    assert len(bones) == 1 and is_blue(bones[0])
    nobody = link(response, "Nobody")
    assert is_red(nobody) and nobody["title"] == "Nobody (page does not exist)"
    # A name that exists, but not as the kind the link asks for.
    wrong_kind = [a for a in wikilinks(response) if a["href"] == "/wiki/staff:Bones"]
    assert len(wrong_kind) == 1 and is_red(wrong_kind[0])
    assert is_red(link(response, "Sunrise"))


def test_a_reader_follows_a_red_link_to_no_such_page(client):
    source = f.make_series(title="Guide", body="[[Nobody]] [[studio:Nowhere]]")
    response = page(client, source)
    assert link(response, "Nobody")["href"] == "/wiki/Nobody"
    assert link(response, "Nowhere")["href"] == "/wiki/studio:Nowhere"
    missing = client.get("/wiki/Nobody")
    assert missing.status_code == 404
    assert "Create" not in text_of(missing)
    assert "/admin/" not in missing.content.decode()


def test_an_editor_follows_a_kinded_red_link_to_the_add_form(editor_client):
    source = f.make_series(title="Guide", body="[[studio:New Studio]] and [[series:Sequel II]]")
    response = page(editor_client, source)
    assert link(response, "New Studio")["href"] == admin_add("studio", "New+Studio")
    assert link(response, "Sequel II")["href"] == admin_add("series", "Sequel+II")


@pytest.mark.parametrize("model_name", ["series", "character", "staff", "studio", "episode"])
def test_the_admin_add_form_takes_the_title_from_the_address(editor_client, model_name):
    response = editor_client.get(admin_add(model_name, "New+Page"))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["title"] == "New Page"
    assert 'value="New Page"' in response.content.decode()


def test_an_editor_follows_an_unkinded_red_link_to_a_choice_of_kinds(editor_client):
    source = f.make_series(title="Guide", body="[[Foo Bar]]")
    anchor = link(page(editor_client, source), "Foo Bar")
    assert is_red(anchor) and anchor["href"] == "/wiki/Foo_Bar"
    response = editor_client.get(anchor["href"])
    assert response.status_code == 404
    assert "Create “Foo Bar” as: series · character · staff member · studio" in text_of(response)
    hrefs = {a["href"] for a in parse_html(response.content.decode()).anchors}
    for model_name in ("series", "character", "staff", "studio"):
        assert admin_add(model_name, "Foo+Bar") in hrefs


def test_a_kinded_missing_name_offers_only_its_kind(editor_client):
    response = editor_client.get("/wiki/episode:Finale")
    assert "Create “Finale” as: episode" in text_of(response)


def test_staff_without_permissions_get_no_create_links(client):
    user = User.objects.create_user("intern", password="x-long-password", is_staff=True)
    client.force_login(user)
    source = f.make_series(title="Guide", body="[[studio:Nowhere]]")
    response = page(client, source)
    assert link(response, "Nowhere")["href"] == "/wiki/studio:Nowhere"
    assert response.context["edit_url"] == ""
    assert "Create" not in text_of(client.get("/wiki/Nowhere"))


def test_mark_links_touches_only_wiki_links():
    source = (
        '<p><a href="https://example.com/" title="a>b">x</a> '
        '<a href="/wiki/Foo" class="wikilink" data-wikilink=":foo" rel="nofollow">Foo</a> '
        '<a href="/wiki/studio:Bar" class="wikilink" data-wikilink="studio:bar">Bar</a> '
        '<abbr title="data-wikilink">y</abbr></p>'
    )
    statuses = {
        ("", "foo"): LinkStatus(name="Foo", exists=False),
        ("studio", "bar"): LinkStatus(name="Bar & <Co>", exists=False),
    }
    marked = mark_links(
        source, statuses, create_url=lambda kind, name: f"/new?{kind}" if kind else ""
    )
    assert marked.startswith('<p><a href="https://example.com/" title="a>b">x</a> ')
    assert (
        '<a href="/wiki/Foo" class="wikilink new" data-wikilink=":foo" rel="nofollow" '
        'title="Foo (page does not exist)">Foo</a>'
    ) in marked  # no create address: the /wiki/ one stays
    anchors = parse_html(marked).anchors
    assert anchors[2]["href"] == "/new?studio"
    assert anchors[2]["title"] == "Bar & <Co> (page does not exist)"
    assert "&lt;Co&gt;" in marked
    assert marked.endswith('<abbr title="data-wikilink">y</abbr></p>')
    # A link with no recorded status is left as it was.
    assert mark_links(source, {}) == source


# --- Live colours: the target changes, the linking page is not saved again ---------------


@pytest.fixture
def guide():
    return f.make_series(title="Guide", body="About [[Naomi Orthmann]] and [[studio:Bones]].")


def test_creating_the_target_turns_the_link_blue(client, guide):
    assert is_red(link(page(client, guide), "Naomi Orthmann"))
    naomi = f.make_character(title="Naomi Orthmann")
    assert is_blue(link(page(client, guide), "Naomi Orthmann"))
    assert linking(client, naomi) == ["Guide"]


def test_renaming_the_target_turns_the_link_red(client, guide):
    naomi = f.make_character(title="Naomi Orthmann")
    naomi.title = "Naomi O."
    naomi.save()
    assert is_red(link(page(client, guide), "Naomi Orthmann"))
    assert linking(client, naomi) == []


def test_deleting_the_target_turns_the_link_red(client, guide):
    bones = f.make_studio(title="Bones")
    assert is_blue(link(page(client, guide), "Bones"))
    bones.delete()
    assert is_red(link(page(client, guide), "Bones"))


def test_adding_an_alias_turns_the_link_blue(client, guide):
    naomi = f.make_character(title="Naomi")
    assert is_red(link(page(client, guide), "Naomi Orthmann"))
    alias = f.alias(naomi, "Naomi Orthmann")
    assert is_blue(link(page(client, guide), "Naomi Orthmann"))
    assert linking(client, naomi) == ["Guide"]
    alias.delete()
    assert is_red(link(page(client, guide), "Naomi Orthmann"))


def test_a_target_of_another_kind_does_not_turn_a_kinded_link_blue(client, guide):
    f.make_character(title="Bones")
    assert is_red(link(page(client, guide), "Bones"))
    f.make_studio(title="BONES")
    assert is_blue(link(page(client, guide), "Bones"))


# --- Disambiguation -------------------------------------------------------------------------


def test_a_name_of_two_kinds_leads_to_the_disambiguation_page(client):
    series = f.make_series(title="Foo")
    character = f.make_character(title="Foo")
    source = f.make_staff(title="Writer", body="[[Foo]] and [[character:Foo|the character]]")
    response = page(client, source)
    anchor = link(response, "Foo")
    assert is_blue(anchor) and anchor["href"] == "/wiki/Foo"
    disambiguation = client.get(anchor["href"])
    assert disambiguation.status_code == 200
    assert "may refer to" in text_of(disambiguation)
    hrefs = {a["href"] for a in parse_html(disambiguation.content.decode()).anchors}
    assert {series.get_absolute_url(), character.get_absolute_url()} <= hrefs
    kinded = link(response, "the character")
    assert client.get(kinded["href"])["Location"] == character.get_absolute_url()
    # Both pages list the writer: one through the plain link, one through both.
    assert linking(client, series) == ["Writer"]
    assert linking(client, character) == ["Writer"]


# --- What links here ------------------------------------------------------------------------


def test_what_links_here_by_every_name_and_the_right_kind(client, rouge):
    series = rouge["series"]
    by_title = f.make_character(title="A by title", body="[[Metallic Rouge]]")
    by_native = f.make_staff(title="B by native title", body="[[メタリックルージュ|the show]]")
    by_alias = f.make_studio(title="C by alias", body="[[metaric_rūju]]")
    by_kind = f.make_series(title="D by kind", body="[[series:Metallic Rouge]]")
    episode = f.make_episode(series=series, number=1, title="E pilot", body="[[Metallic Rouge]]")
    f.make_series(title="Wrong kind", body="[[character:Metallic Rouge]]")
    f.make_series(title="Elsewhere", body="[[Bones]]")
    series.body = "Itself: [[Metallic Rouge]]"
    series.save()

    response = page(client, series)
    assert [source.pk for source in response.context["links_here"].entries] == [
        by_title.pk,
        by_native.pk,
        by_alias.pk,
        by_kind.pk,
        episode.pk,
    ]
    section = response.content.decode().split('id="links-here"')[1].split("</section>")[0]
    hrefs = [a["href"] for a in parse_html(section).anchors]
    assert hrefs == [
        by_title.get_absolute_url(),
        by_native.get_absolute_url(),
        by_alias.get_absolute_url(),
        by_kind.get_absolute_url(),
        "/series/metallic-rouge/episodes/1/",
    ]
    assert "What links here" in text_of(response)
    assert "Metallic Rouge, episode 1" in text_of(response)


def test_a_page_nothing_links_to_has_no_section(client, rouge):
    response = page(client, rouge["bones"])
    assert response.context["links_here"].entries == []
    assert "What links here" not in text_of(response)


def test_what_links_here_lists_a_page_once_and_stops_at_a_limit(client, rouge, monkeypatch):
    monkeypatch.setattr(details, "LINKS_HERE_SHOWN", 2)
    for name in ("One", "Two", "Three"):
        f.make_series(title=name, body="[[Bones]] [[studio:bones]] [[BONES|again]]")
    response = page(client, rouge["bones"])
    assert [e.title for e in response.context["links_here"].entries] == ["One", "Three"]
    assert response.context["links_here"].truncated
    assert "Only the first 2 pages are listed." in text_of(response)


# --- Wanted pages ---------------------------------------------------------------------------


@pytest.fixture
def wanted_world(rouge):
    f.make_series(title="Alpha", body="[[Nobody]] [[studio:Nowhere]] [[Rouge Redstar]]")
    f.make_series(title="Beta", body="[[nobody|him]] [[Zed]]")
    f.make_staff(title="Gamma", body="[[NOBODY]] [[Zed]] [[staff:Bones]] [[Bones]]")
    f.make_character(title="Delta", body="[[Nobody]] [[Nobody|twice]]")


def test_wanted_pages_lists_red_targets_by_linking_pages(client, wanted_world):
    url = reverse("entries:wanted-pages")
    assert url == "/wanted/" and resolve(url).func.view_class is views.WantedPagesView
    response = client.get(url)
    assert response.status_code == 200
    items = response.context["items"]
    assert [(item.kind, item.name, item.pages) for item in items] == [
        ("", "NOBODY", 4),
        ("", "Zed", 2),
        ("staff", "Bones", 1),
        ("studio", "Nowhere", 1),
    ]
    assert [source.title for source in items[0].sources] == ["Alpha", "Beta", "Delta", "Gamma"]
    anchors = parse_html(response.content.decode()).anchors
    hrefs = [a["href"] for a in anchors]
    for target in ("/wiki/NOBODY", "/wiki/Zed", "/wiki/staff:Bones", "/wiki/studio:Nowhere"):
        assert target in hrefs
    assert "/admin/" not in response.content.decode()
    text = text_of(response)
    assert "4 missing pages, the most linked first." in text
    assert "Rouge Redstar" not in text
    assert "4 linking pages Linked from Alpha, Beta, Delta, Gamma" in text


def test_wanted_pages_offer_editors_the_add_forms(editor_client, wanted_world):
    response = editor_client.get(reverse("entries:wanted-pages"))
    hrefs = [a["href"] for a in parse_html(response.content.decode()).anchors]
    assert admin_add("studio", "Nowhere") in hrefs
    assert admin_add("staff", "Bones") in hrefs
    for model_name in ("series", "character", "staff", "studio"):
        assert admin_add(model_name, "Zed") in hrefs
    assert admin_add("studio", "Zed") in hrefs


def test_wanted_pages_follow_the_targets(client, wanted_world):
    f.make_staff(title="Zed")
    f.alias(f.make_character(title="Nobody at all"), "nobody")
    names = [item.name for item in client.get("/wanted/").context["items"]]
    assert names == ["Bones", "Nowhere"]


@override_settings(FANDEX_PAGE_SIZE=2)
def test_wanted_pages_are_paginated(client, wanted_world):
    first = client.get("/wanted/")
    assert [item.name for item in first.context["items"]] == ["NOBODY", "Zed"]
    second = client.get("/wanted/", {"page": 2})
    assert [item.name for item in second.context["items"]] == ["Bones", "Nowhere"]
    assert '<ol class="wanted" start="3">' in second.content.decode()
    assert client.get("/wanted/", {"page": 3}).status_code == 404
    assert client.get("/wanted/", {"page": "abc"}).status_code == 404


def test_wanted_pages_shows_only_the_first_linking_pages(client, monkeypatch):
    monkeypatch.setattr(wiki, "WANTED_SOURCES_SHOWN", 2)
    for name in ("D", "B", "C", "A"):
        f.make_series(title=name, body="[[Nobody]]")
    response = client.get("/wanted/")
    (item,) = response.context["items"]
    assert [source.title for source in item.sources] == ["A", "B"]
    assert item.more == 2
    assert "Linked from A, B and 2 more" in text_of(response)


def test_no_wanted_pages(client, rouge):
    response = client.get("/wanted/")
    assert response.status_code == 200
    assert "No wanted pages" in text_of(response)


def test_the_footer_links_the_wanted_pages(client):
    response = client.get(reverse("entries:home"))
    assert "/wanted/" in [a["href"] for a in parse_html(response.content.decode()).anchors]


def test_wanted_queryset_counts_distinct_pages():
    f.make_series(title="A", body="[[X]] [[x]] [[X|again]]")
    assert list(WikiLink.objects.wanted().values_list("target_key", "pages")) == [("x", 1)]


# --- Last edit, edit and history links -------------------------------------------------------


def edit(entry, *, user=None, ago: dt.timedelta = dt.timedelta(0)):
    with recorded(user=user, summary="An edit"):
        entry.save()
        note(entry, Change.Action.CHANGE)
    change = Change.objects.filter(entry_pk=entry.pk).latest("pk")
    Revision.objects.filter(pk=change.revision_id).update(date_created=timezone.now() - ago)


def test_last_edited_hours_ago_by_an_editor(client, rouge):
    hana = User.objects.create_user("hana", password="x-long-password")
    edit(rouge["heroine"], user=f.make_editor("someone"), ago=dt.timedelta(days=2))
    edit(rouge["heroine"], user=hana, ago=dt.timedelta(hours=3, minutes=5))
    response = page(client, rouge["heroine"])
    assert "Last edited 3 hours ago by hana." in text_of(response)


def test_last_edited_long_ago_gives_the_date(client, rouge):
    edit(rouge["bones"], user=f.make_editor("hana"), ago=dt.timedelta(days=400))
    when = timezone.now() - dt.timedelta(days=400)
    response = page(client, rouge["bones"])
    assert f"Last edited on {when.day} {when:%B %Y} by hana." in text_of(response)


def test_last_edited_by_a_maintenance_script(client, rouge):
    edit(rouge["bones"], user=None, ago=dt.timedelta(minutes=10))
    assert "Last edited 10 minutes ago by a maintenance script." in text_of(
        page(client, rouge["bones"])
    )


def test_a_page_with_no_recorded_edit_gives_only_the_time(client, rouge):
    text = text_of(page(client, rouge["bones"]))
    assert "Last edited just now." in text
    assert "by a maintenance script" not in text


@pytest.mark.parametrize("key", ["series", "heroine", "bones"])
def test_edit_this_page_for_editors_only(client, editor, rouge, key):
    entry = rouge[key]
    change = reverse(f"admin:entries_{entry._meta.model_name}_change", args=[entry.pk])
    assert "Edit this page" not in text_of(page(client, entry))
    client.force_login(editor)
    anchors = parse_html(page(client, entry).content.decode()).anchors
    assert [a["href"] for a in anchors if a["text"] == "Edit this page"] == [change]
    assert client.get(change).status_code == 200


def test_edit_this_page_for_an_episode(editor_client, rouge):
    episode = f.make_episode(series=rouge["series"], number=1)
    response = page(editor_client, episode)
    assert response.context["edit_url"] == reverse(
        "admin:entries_episode_change", args=[episode.pk]
    )


def test_every_page_links_its_history(client, rouge):
    episode = f.make_episode(series=rouge["series"], number=2)
    person = f.make_staff(title="Yutaka Izubuchi")
    for entry in (rouge["series"], rouge["heroine"], rouge["bones"], person, episode):
        history = entry.get_absolute_url() + "history/"
        assert entry.get_history_url() == history
        assert Entry.objects.with_urls().get(pk=entry.pk).get_history_url() == history
        anchors = parse_html(page(client, entry).content.decode()).anchors
        assert [a["href"] for a in anchors if a["text"] == "History"] == [history]
