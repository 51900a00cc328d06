"""/api/v1/docs/: Swagger UI from this site's own files works in Chromium, within
the Content-Security-Policy, and can call the API."""

from playwright.sync_api import expect

from .test_csp import violations  # noqa: F401 - the fixture


def test_the_api_docs_render_and_try_a_call_within_the_csp(page, demo, violations, screenshot):  # noqa: F811
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Fandex API")).to_be_visible()
    operation = page.locator("#operations-series-series_list")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    expect(page.locator(".live-responses-table")).to_contain_text("metallic-rouge")
    screenshot("swagger")
    assert violations() == []
    host = page.url.split("/api/")[0]
    assert all(url.startswith(host) or url.startswith("data:") for url in requests), requests
