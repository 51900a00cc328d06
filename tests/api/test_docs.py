"""The OpenAPI schema and the browsable docs: served from this site only."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_names_every_endpoint(api):
    response = api.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in [
        "/api/v1/series/",
        "/api/v1/series/{slug}/",
        "/api/v1/series/{slug}/episodes/{number}/",
        "/api/v1/series/{slug}/revisions/",
        "/api/v1/characters/{slug}/",
        "/api/v1/staff/",
        "/api/v1/studios/{slug}/",
        "/api/v1/episodes/",
        "/api/v1/tags/{slug}/",
        "/api/v1/recent/",
    ]:
        assert path in paths
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    year = next(
        parameter
        for parameter in schema["paths"]["/api/v1/series/"]["get"]["parameters"]
        if parameter["name"] == "year"
    )
    assert year["schema"]["minimum"] == 1900


def test_the_docs_load_nothing_from_another_site_and_keep_the_csp(api):
    response = api.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # No inline script or style for the policy to refuse, and no CDN.
    assert "<style" not in page
    assert not re.search(r"<script>(?!\s*</script>)", page)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources)
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    script = next(source for source in sources if "script=" in source)
    init = api.get(script.replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in init.content.decode()
