"""The article import in a real browser: paste, preview, "Import these drafts"; and axe-core on its pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Article, Commitment, PublicationState

from ..factories import StaffFactory
from .conftest import serious_violations, snapshot

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # the factories' password
IMPORT_PATH = "/admin/commitments/article/import-article/"
NEWS = (
    "Allies agree joint cyber defence fund\n\n"
    "LONDON, March 6, 2025 — The United Kingdom and the United States agreed on Thursday to create a joint cyber "
    "defence fund by the end of 2025, officials said.\n\n"
    "The two countries will also train 500 cyber specialists within two years, the Home Office said.\n\n"
    "“We will double our support for NATO's cyber defence centre by March 2027,” said Home Secretary Priti Patel.\n"
)

# With a sentence on a published seed commitment, so the review page also shows a related match and its form.
NEWS_WITH_PROGRESS = NEWS + (
    "\nSeparately, the bilateral Data Access Agreement between the United States and the United Kingdom entered "
    "into force, giving law enforcement lawful access to communications content for the investigation and "
    "prosecution of serious crime.\n"
)


def sign_in(page: Page, site: str, next_path: str) -> None:
    # A superuser: the live server's tests flush the tables, and with them the editors' group permissions.
    StaffFactory(username="analyst", is_superuser=True)
    page.goto(f"{site}/admin/login/?next={next_path}")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(site + next_path)


def test_the_preview_imports_its_drafts_in_one_step(page: Page, site):
    sign_in(page, site, "/admin/commitments/article/")
    snapshot(page, "articles-list-with-import-link")
    page.get_by_role("link", name="Import from an article").click()
    expect(page).to_have_url(site + IMPORT_PATH)
    page.fill("#id_text", NEWS)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h1")).to_have_text("Import preview: nothing was written yet")
    expect(page.locator("body")).to_contain_text("Create a joint cyber defence fund by the end of 2025")
    assert not Article.objects.filter(title="Allies agree joint cyber defence fund").exists()

    page.get_by_role("button", name="Import these drafts").first.click()
    article = Article.objects.get(title="Allies agree joint cyber defence fund")
    expect(page).to_have_url(f"{site}/admin/commitments/article/{article.pk}/imported/")
    expect(page.locator(".messagelist")).to_contain_text("3 draft commitments")
    drafts = Commitment.objects.filter(links__article=article)
    assert drafts.count() == 3 and set(drafts.values_list("state", flat=True)) == {PublicationState.DRAFT}
    expect(page.get_by_role("button", name="Submit all for review")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_issue_on_the_import_pages(page: Page, site, axe_source, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site, IMPORT_PATH)
    snapshot(page, f"import-form-{width}")
    assert serious_violations(page, axe_source) == []

    page.fill("#id_text", NEWS_WITH_PROGRESS)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Import these drafts").first).to_be_visible()
    snapshot(page, f"import-preview-{width}")
    assert serious_violations(page, axe_source) == []

    page.get_by_role("button", name="Import these drafts").first.click()
    expect(page.get_by_role("button", name="Discard all")).to_be_visible()
    expect(page.locator(".match").first).to_have_text(re.compile(r"^(Strong|Possible) match$"))
    snapshot(page, f"import-review-{width}")
    assert serious_violations(page, axe_source) == []
