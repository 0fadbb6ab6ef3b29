"""The API's Swagger docs in a real browser: served offline, accessible, public reads without a lock."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import serious_violations, snapshot

pytestmark = pytest.mark.browser


@pytest.fixture
def docs(page: Page, live_server, transactional_db) -> Page:
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    return page


def test_the_docs_page_names_its_language(docs: Page):
    assert docs.locator("html").get_attribute("lang") == "en"
    assert docs.title() == "Commitment Tracker API"


def test_axe_finds_no_serious_or_critical_violations_on_the_docs(docs: Page, axe_source):
    snapshot(docs, "api-docs")
    assert serious_violations(docs, axe_source) == []


def test_axe_finds_none_with_operations_open(docs: Page, axe_source):
    # Open, their parameters, examples and highlighted responses are on the page too.
    for method in ("get", "post"):
        docs.locator(f".opblock-{method} .opblock-summary-control").first.click()
        expect(docs.locator(f".opblock-{method} .opblock-body").first).to_be_visible()
    expect(docs.locator(".opblock-body .microlight").first).to_be_visible()
    snapshot(docs, "api-docs-operation")
    assert serious_violations(docs, axe_source) == []


def test_public_reads_have_no_lock_and_writes_do(docs: Page):
    assert docs.locator(".opblock-get").count() > 10
    expect(docs.locator(".opblock-get .authorization__btn")).to_have_count(0)
    assert docs.locator(".opblock-post .authorization__btn").count() > 0
