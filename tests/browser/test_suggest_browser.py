"""The reader-submission form without JavaScript, its accessibility, and the lineage on a page."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from commitments.models import Commitment, ReaderSubmission
from tests.factories import CommitmentFactory, StatementFactory

from .conftest import serious_violations, snapshot

pytestmark = pytest.mark.browser

DATA_ACCESS = "lawful-access-data-access-agreement"
FORM = f"/commitments/{DATA_ACCESS}/suggest/"


@pytest.fixture
def no_script(browser: Browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    yield context.new_page()
    context.close()


def test_the_form_works_without_javascript(no_script: Page, site):
    page = no_script
    page.goto(site + f"/commitments/{DATA_ACCESS}/")
    page.get_by_role("link", name="Suggest new evidence or a correction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest evidence or a correction")

    # A bad address first: the page comes back with the message and what was typed.
    page.get_by_label("Address of the source").fill("ftp://files.example.org/report")
    page.get_by_label("Your note").fill("The agreement entered into force in October 2022.")
    page.get_by_role("button", name="Send to the analysts").click()
    expect(page.get_by_role("alert")).to_contain_text("Address of the source")
    expect(page.get_by_label("Your note")).to_have_value("The agreement entered into force in October 2022.")
    assert not ReaderSubmission.objects.exists()

    page.get_by_label("Address of the source").fill("https://www.justice.gov/opa/pr/data-access-agreement")
    page.get_by_label("A correction").check()
    page.get_by_label("Speaking for (optional)").select_option(label="United Kingdom")
    page.get_by_role("button", name="Send to the analysts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    submission = ReaderSubmission.objects.get()
    assert (submission.kind, submission.on_behalf_of.slug, submission.decision) == (
        "correction",
        "united-kingdom",
        "new",
    )


@pytest.mark.parametrize("with_errors", [False, True], ids=["empty", "with-errors"])
def test_axe_finds_no_serious_or_critical_violations_on_the_form(page: Page, site, axe_source, with_errors):
    page.goto(site + FORM)
    if with_errors:
        page.get_by_role("button", name="Send to the analysts").click()
        expect(page.get_by_role("alert")).to_be_visible()
    snapshot(page, "suggest-errors" if with_errors else "suggest")
    serious = serious_violations(page, axe_source)
    assert serious == [], serious


@pytest.fixture
def lineage(site):
    """The data-access pledge as restated from an earlier one and strengthened later."""
    current = Commitment.objects.get(slug=DATA_ACCESS)
    actors, themes = list(current.actors.all()), list(current.themes.all())
    earlier = CommitmentFactory(
        statement=StatementFactory(
            title="U.S.–U.K. joint statement on data access", made_on=datetime.date(2019, 10, 3)
        ),
        title="Negotiate an agreement on lawful access to electronic data",
        actors=actors,
        themes=themes,
    )
    current.predecessor, current.predecessor_relation = earlier, Commitment.Relation.RESTATES
    current.save()
    later = CommitmentFactory(
        statement=StatementFactory(title="Atlantic Declaration", made_on=datetime.date(2023, 6, 8)),
        title="Extend the data access agreement to more serious crimes",
        predecessor=current,
        predecessor_relation=Commitment.Relation.STRENGTHENS,
        actors=actors,
        themes=themes,
    )
    return earlier, current, later


@pytest.mark.parametrize("width", [1280, 375])
def test_the_lineage_reads_at_desktop_and_phone_widths(page: Page, site, lineage, axe_source, width):
    earlier, current, later = lineage
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + current.get_absolute_url())
    section = page.locator("section", has=page.locator("#lineage"))
    entries = section.locator(".lineage-entry")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text(earlier.title)
    expect(entries.nth(1)).to_contain_text("Restated on 10 June 2021 as")
    expect(entries.nth(2)).to_contain_text("Strengthened on 8 June 2023 as")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    directory = os.environ.get("SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        box = section.bounding_box()  # with a margin: the line's dots sit on its left edge
        clip = {"x": max(0, box["x"] - 16), "y": box["y"] - 8, "width": box["width"] + 24, "height": box["height"] + 16}
        page.screenshot(path=str(Path(directory) / f"lineage-{width}.png"), clip=clip, full_page=True)
    # Both ways: the later commitment's page links back.
    entries.nth(2).get_by_role("link", name=later.title).click()
    expect(page.locator(".lineage-entry.is-this")).to_contain_text(later.title)
    page.locator(".lineage-entry").nth(1).get_by_role("link", name=current.title).click()
    expect(page).to_have_url(site + current.get_absolute_url())
    assert serious_violations(page, axe_source) == []
