"""The API's browsable docs page loads offline: Swagger UI's assets come from the portal's own
static files, no request leaves the server, and the page shows both operations."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_page_works_without_the_network(page, live_server):
    own_host = urlsplit(live_server.url).netloc
    elsewhere, failed, errors = [], [], []

    def only_the_portal(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_portal)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Endorsement verification API")
    expect(page.locator(".opblock-summary-path")).to_have_text(
        [
            "/api/v1/endorsements/lookup",
            "/api/v1/endorsements/{number}",
            "/api/v1/credentials/verify",
        ]
    )
    assert (elsewhere, failed, errors) == ([], [], [])
    assert "validator.swagger.io" not in page.content()
