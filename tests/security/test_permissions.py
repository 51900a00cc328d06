"""Deleting is for senior editors, and a senior editor can protect a page so that
only senior editors change it; readers see that it is protected."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from entries.editors import EDITORS_GROUP, SENIOR_EDITORS_GROUP
from entries.models import Series, Studio
from tests import factories
from tests.helpers import admin_url, open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior():
    senior = Client()
    senior.force_login(factories.make_editor("senior", senior=True))
    return senior


def test_editors_may_not_delete_pages_or_tags_and_senior_editors_may():
    editors = set(
        Group.objects.get(name=EDITORS_GROUP).permissions.values_list("codename", flat=True)
    )
    seniors = set(
        Group.objects.get(name=SENIOR_EDITORS_GROUP).permissions.values_list("codename", flat=True)
    )

    assert {"change_series", "delete_alias", "delete_staffcredit"} <= editors
    assert not {"delete_series", "delete_episode", "delete_tag", "protect_entry"} & editors
    assert {"delete_series", "delete_tag", "protect_entry"} <= seniors


def test_bulk_delete_is_offered_to_senior_editors_only(editor_client, senior):
    factories.make_studio(title="Bones")

    assert (
        "delete_selected" not in editor_client.get(admin_url(Studio, "changelist")).content.decode()
    )
    assert "delete_selected" in senior.get(admin_url(Studio, "changelist")).content.decode()


def test_an_editor_cannot_delete_a_series(editor_client):
    series = factories.make_series()

    response = editor_client.post(admin_url(Series, "delete", series.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Series.objects.filter(pk=series.pk).exists()


def test_a_senior_editor_protects_a_page_and_editors_can_no_longer_change_it(
    editor_client, senior, client
):
    series = factories.make_series(title="Metallic Rouge", summary="Androids on Mars.")
    assert "protected" not in open_form(editor_client, Series, series)[1]

    url, data = open_form(senior, Series, series)
    data["protected"] = "on"
    assert senior.post(url, data).status_code == 302
    series.refresh_from_db()
    assert series.protected

    # The editor sees the page read-only and cannot save it.
    change = editor_client.get(admin_url(Series, "change", series.pk)).content.decode()
    assert 'name="_save"' not in change
    data = {"title": "Vandalised", "summary": "x"}
    assert editor_client.post(url, data).status_code == 403
    series.refresh_from_db()
    assert series.title == "Metallic Rouge"
    # Readers are told.
    page = Client().get(series.get_absolute_url()).content.decode()
    assert "Protected page: only senior editors can change it." in page

    # A senior editor still can.
    url, data = open_form(senior, Series, series)
    data["summary"] = "Rouge hunts the Immortal Nine."
    assert senior.post(url, data).status_code == 302
