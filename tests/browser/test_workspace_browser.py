"""The analysts' workspace in a real browser: the ordinary task end to end, counted, and the
behaviours an analyst relies on (edits kept across a workflow button, the autocomplete, the
preview, the review queue, errors at their fields), with axe-core on the admin's main pages.

Counting (test_the_ordinary_task_takes_few_clicks_and_page_loads): a click is every press of a
link, button, summary, select or autocomplete box; typing into a field is not counted (an
analyst reaches it with a click or Tab either way). A page load is every document the browser
loads, redirects after a POST included. Both people's steps count: the analyst's and the second
person's review; signing in, done once a day, is not counted for either.
"""

import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from playwright.sync_api import Page, expect

from commitments.domain.roles import EDITORS, PUBLISHERS
from commitments.models import Actor, Commitment, PublicationState, Statement, Theme

from ..factories import CommitmentFactory, StaffFactory, StatementFactory
from .conftest import serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # the factories' password
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots-workspace"))


class Tally:
    """Clicks made through it and documents loaded by its page."""

    def __init__(self, page: Page):
        self.page, self.clicks, self.loads, self.urls = page, 0, 0, []
        page.on("load", self._loaded)

    def _loaded(self, page) -> None:
        self.loads += 1
        self.urls.append(page.url)

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def choose(self, select, value: str) -> None:
        self.clicks += 1  # opening the list and picking one is one click with a mouse
        select.select_option(value)

    def pick(self, box, typed: str, expected: str) -> None:
        """An autocomplete: click the box, type, Enter takes the first result."""
        self.clicks += 1
        box.click()
        self.page.keyboard.type(typed)
        first = self.page.locator(".select2-results__option--highlighted")
        expect(first).to_have_text(expected)
        self.page.keyboard.press("Enter")


def sign_in(page: Page, site: str, username: str, to: str = "/admin/") -> None:
    page.goto(f"{site}/admin/login/?next={to}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(site + to)
    page.wait_for_load_state("load")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def people(seeded):
    # The live server's tests flush every table after each test, the groups made by migration
    # 0002 included: make them again, as that migration does.
    editor = SimpleNamespace(connection=connection)
    importlib.import_module("commitments.migrations.0002_editorial_groups").create_groups(django_apps, editor)
    verdicts = importlib.import_module("commitments.migrations.0008_verdicts_reviewed_per_party_corrected")
    verdicts.let_publishers_publish_updates(django_apps, editor)
    return StaffFactory(username="ed", groups=[EDITORS]), StaffFactory(username="pub", groups=[PUBLISHERS])


def fill_commitment_row(tally: Tally, page: Page, n: int, title: str, actor: tuple, theme: tuple) -> None:
    row = page.locator(f"#commitments-{n}")
    row.locator(f"#id_commitments-{n}-title").fill(title)
    row.locator(f"#id_commitments-{n}-wording").fill(f"We will {title.lower()}.")
    tally.pick(row.locator(".field-actors .select2-selection"), *actor)
    tally.pick(row.locator(".field-themes .select2-selection"), *theme)


def test_the_ordinary_task_takes_few_clicks_and_page_loads(browser, site, people):
    """A statement with two tagged commitments, one status update with a new evidence article,
    then the second person's review and publication."""
    analyst = browser.new_context(viewport={"width": 1280, "height": 900})
    page = analyst.new_page()
    sign_in(page, site, "ed")
    tally = Tally(page)

    page.goto(site + "/admin/")  # the analyst's front page
    tally.click(page.locator("tr.model-statement a.addlink"))
    page.fill("#id_title", "Leaders' statement on cyber defence")
    page.fill("#id_made_on", "2021-06-10")
    tally.pick(page.locator(".field-parties .select2-selection"), "United Kingdom", "United Kingdom — country")
    fill_commitment_row(
        tally,
        page,
        0,
        "Create a joint cyber defence fund",
        ("United Kingdom", "United Kingdom — country"),
        ("Cyber", "Cyber"),
    )
    row = page.locator("#commitments-0")
    tally.click(row.locator("summary", has_text="New status update"))
    tally.choose(row.locator("#id_commitments-0-new_status"), "in_progress")
    row.locator("#id_commitments-0-new_rationale").fill("The fund opened its first call.")
    row.locator("#id_commitments-0-new_evidence_url").fill("https://news.example.org/cyber-fund-opens")
    row.locator("#id_commitments-0-new_evidence_title").fill("Joint cyber defence fund opens")
    tally.click(page.locator("#commitments-group .add-row a"))
    fill_commitment_row(
        tally, page, 1, "Share threat intelligence", ("United States", "United States — country"), ("NATO", "NATO")
    )
    shoot(page, "statement-add-form")
    tally.click(page.get_by_role("button", name="Submit for review with its commitments and their status updates"))
    expect(page.locator(".messagelist .success")).to_contain_text("with 2 commitments and 1 status update")
    page.wait_for_load_state("load")
    analyst_clicks, analyst_loads = tally.clicks, tally.loads

    reviewer = browser.new_context(viewport={"width": 1280, "height": 900})
    page = reviewer.new_page()
    sign_in(page, site, "pub")
    tally.page = page
    page.on("load", tally._loaded)
    page.goto(site + "/admin/")  # the reviewer's front page: the statement waits for review
    queue = page.locator("#desk-review")
    expect(queue).to_contain_text("Leaders' statement on cyber defence")
    shoot(page, "front-page")
    tally.click(queue.get_by_role("link", name="Leaders' statement on cyber defence"))
    tally.click(page.get_by_role("button", name="Publish with its commitments and their status updates"))
    expect(page.locator(".messagelist .success")).to_contain_text("is now published")
    page.wait_for_load_state("load")  # the last page counted before the figures are read

    statement = Statement.objects.get(title="Leaders' statement on cyber defence")
    commitments = list(statement.commitments.order_by("pk"))
    assert statement.state == PublicationState.PUBLISHED
    assert [c.state for c in commitments] == [PublicationState.PUBLISHED] * 2
    assert [a.name for a in commitments[0].actors.all()] == ["United Kingdom"]
    assert commitments[0].status == "in_progress"  # the published update decides
    assert [a.title for a in commitments[0].updates.get().evidence.all()] == ["Joint cyber defence fund opens"]
    print(
        f"\nordinary task: analyst {analyst_clicks} clicks / {analyst_loads} page loads; "
        f"with the review {tally.clicks} clicks / {tally.loads} page loads: {', '.join(tally.urls)}"
    )
    assert tally.clicks <= 15
    assert tally.loads <= 6
    analyst.close()
    reviewer.close()


def test_an_edit_is_kept_across_a_workflow_button(page: Page, site, people):
    commitment = CommitmentFactory(
        statement=Statement.objects.first(),
        state=PublicationState.DRAFT,
        actors=[Actor.objects.get(slug="united-kingdom")],
        themes=[Theme.objects.get(slug="cyber")],
    )
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{commitment.pk}/change/")
    page.fill("#id_summary", "Typed just before pressing Submit for review.")
    page.get_by_role("button", name="Submit for review", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("saved and is now in review")
    expect(page.locator("#id_summary")).to_have_value("Typed just before pressing Submit for review.")
    shoot(page, "commitment-change-form")
    commitment.refresh_from_db()
    assert (commitment.summary, commitment.state) == (
        "Typed just before pressing Submit for review.",
        PublicationState.REVIEW,
    )


def test_leaving_a_form_with_unsaved_changes_asks_first(page: Page, site, people):
    commitment = Commitment.objects.first()
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{commitment.pk}/change/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.fill("#id_summary", "Not saved yet.")
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert "/change/" in page.url  # stayed on the form


def test_the_autocomplete_picks_the_country_not_a_person_whose_role_names_it(page: Page, site, people):
    commitment = CommitmentFactory(statement=Statement.objects.first(), state=PublicationState.DRAFT)
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{commitment.pk}/change/")
    page.locator(".field-actors .select2-selection").click()
    page.keyboard.type("United Kingdom")
    expect(page.locator(".select2-results__option--highlighted")).to_have_text("United Kingdom — country")
    expect(page.locator(".select2-results__option", has_text="Boris Johnson — person")).to_be_visible()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Save", exact=True).click()
    assert [a.slug for a in Commitment.objects.get(pk=commitment.pk).actors.all()] == ["united-kingdom"]


def test_staff_preview_a_draft_under_the_banner(page: Page, site, people):
    draft = CommitmentFactory(
        statement=StatementFactory(state=PublicationState.DRAFT), state=PublicationState.DRAFT, slug="draft-pledge"
    )
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{draft.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(site + "/commitments/draft-pledge/")
    expect(page.locator(".preview-banner")).to_contain_text("Draft: not public.")
    expect(page.locator("h1")).to_contain_text(draft.title)


def test_the_review_queue_shows_a_draft_once_submitted(page: Page, site, people):
    commitment = CommitmentFactory(
        statement=Statement.objects.first(), state=PublicationState.DRAFT, title="A pledge to review"
    )
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{commitment.pk}/change/")
    page.goto(site + "/admin/")
    expect(page.locator("#desk-review")).not_to_contain_text("A pledge to review")
    expect(page.locator("#desk-drafts")).not_to_contain_text("A pledge to review")  # not written by ed
    page.goto(site + f"/admin/commitments/commitment/{commitment.pk}/change/")
    page.get_by_role("button", name="Submit for review", exact=True).click()
    page.goto(site + "/admin/")
    expect(page.locator("#desk-review")).to_contain_text("A pledge to review")


def test_an_amount_without_currency_is_shown_at_the_currency_field(page: Page, site, people):
    commitment = CommitmentFactory(statement=Statement.objects.first(), state=PublicationState.DRAFT)
    sign_in(page, site, "ed", to=f"/admin/commitments/commitment/{commitment.pk}/change/")
    page.fill("#id_amount", "24000000000")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-currency .errorlist")).to_contain_text("An amount needs its currency")
    expect(page.locator("#id_amount")).to_have_value("24000000000")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/commitments/commitment/",
        "/admin/commitments/statement/",
        "/admin/commitments/commitment/{pk}/change/",
        "/admin/commitments/statement/add/",
    ],
)
def test_axe_finds_no_serious_or_critical_issue_in_the_workspace(page: Page, site, people, axe_source, path):
    pk = Commitment.objects.first().pk
    sign_in(page, site, "pub", to=path.format(pk=pk))
    if path.endswith("commitment/"):
        shoot(page, "commitment-list")
    serious = serious_violations(page, axe_source)
    assert serious == [], "\n".join(map(str, serious))
