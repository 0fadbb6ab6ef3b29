"""The public site in a real browser: charts, keyboard filtering, timeline, accessibility, phones."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import serious_violations, snapshot

pytestmark = pytest.mark.browser

DATA_ACCESS = "/commitments/lawful-access-data-access-agreement/"


def tab_to(page: Page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies `predicate` (JS, given `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!(el && ({predicate})); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_the_dashboard_renders_its_charts(page: Page, site):
    page.goto(site + "/")
    snapshot(page, "dashboard-desktop")
    met_bar = page.get_by_role("img", name="Met: 1 of 13")
    expect(met_bar).to_be_visible()
    assert met_bar.bounding_box()["width"] > 100
    theme_bar = page.get_by_role("img", name="Lawful access to data: 1 met")
    expect(theme_bar).to_be_visible()
    # The green segment really is drawn, and in the status colour.
    segment = theme_bar.locator("rect.fill-met")
    assert segment.bounding_box()["width"] > 50
    assert segment.evaluate("el => getComputedStyle(el).fill") == "rgb(21, 128, 61)"
    assert page.locator(".scorecards svg[role=img]").count() == 10


def test_filtering_and_clearing_filters_by_keyboard(page: Page, site):
    page.goto(site + "/commitments/")
    expect(page.get_by_role("heading", name="13 commitments")).to_be_visible()

    tab_to(page, "el.id === 'id_search'")
    page.keyboard.type("NATO")
    tab_to(page, "el.name === 'status' && el.value === 'not_rated'")
    page.keyboard.press("Space")
    tab_to(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    # Empty fields and the default sort are dropped from the address, so it stays short to share.
    page.wait_for_url(re.compile(r"/commitments/\?search=NATO&status=not_rated$"))
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ commitments? matching$"))).to_be_visible()
    filtered = page.locator(".item-title").count()
    assert 0 < filtered < 13
    expect(page.get_by_role("link", name="Remove filter Search: NATO")).to_be_visible()

    # Remove one filter with its chip: the other stays.
    tab_to(page, "el.classList.contains('chip') && el.textContent.includes('Search: NATO')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/commitments/\?status=not_rated$"))
    expect(page.get_by_role("heading", name="12 commitments matching")).to_be_visible()

    tab_to(page, "el.textContent.trim() === 'Clear all filters'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/commitments/$"))
    expect(page.get_by_role("heading", name="13 commitments")).to_be_visible()


def test_a_commitment_page_shows_its_timeline(page: Page, site):
    page.goto(site + DATA_ACCESS)
    snapshot(page, "commitment-page")
    events = page.locator("ol.timeline > li")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("10 June 2021")
    expect(events.nth(0)).to_contain_text("Commitment made")
    expect(events.nth(1)).to_contain_text("3 October 2022")
    expect(events.nth(1).locator(".badge")).to_have_text("Met")
    expect(
        events.nth(1).get_by_role("link", name="Landmark U.S.-UK Data Access Agreement Enters into Force")
    ).to_be_visible()


def test_a_reader_answers_the_data_access_question_in_two_clicks(page: Page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="Lawful access to data", exact=True).click()  # click one
    page.get_by_role("link", name=re.compile("^Ensure lawful access to communications content")).click()  # two
    expect(page).to_have_url(site + DATA_ACCESS)
    expect(page.locator(".verdict .badge")).to_have_text("Met")
    expect(page.locator(".verdict")).to_contain_text("Delivered as committed.")
    expect(page.locator("blockquote.wording")).to_contain_text("lawfully access communications content")
    expect(page.locator(".evidence a")).to_have_attribute(
        "href", "https://www.justice.gov/opa/pr/landmark-us-uk-data-access-agreement-enters-force"
    )


@pytest.mark.parametrize("path", ["/", "/commitments/", DATA_ACCESS])
def test_axe_finds_no_serious_or_critical_violations(page: Page, site, axe_source, path):
    page.goto(site + path)
    serious = serious_violations(page, axe_source)
    assert serious == [], serious


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/commitments/",
        "/commitments/?theme=nato&status=not_rated",
        DATA_ACCESS,
        "/statements/us-uk-security-cooperation-2021/",
        "/themes/",
        "/actors/united-kingdom/",
        "/methodology/",
    ],
)
def test_a_phone_width_needs_no_horizontal_scrolling(page: Page, site, path):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(site + path)
    if path == "/commitments/":
        snapshot(page, "commitments-375")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"{path} is {scroll_width}px wide"
