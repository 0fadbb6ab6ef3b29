"""The admin in a real browser, under the site's Content-Security-Policy (not bypassed)."""

import pytest
from playwright.sync_api import Browser, expect

from commitments.domain.roles import PUBLISHERS

from ..factories import StaffFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # the factories' password


def test_the_export_forms_select_all_box_works_under_the_policy(browser: Browser, site):
    StaffFactory(username="publisher", groups=[PUBLISHERS])
    context = browser.new_context()  # the policy enforced, unlike the axe-core tests' pages
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )

    page.goto(site + "/admin/login/?next=/admin/commitments/commitment/export/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(site + "/admin/commitments/commitment/export/")

    toggle = page.locator("input.select-toggle")
    expect(toggle).to_be_checked()
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 3
    toggle.uncheck()
    assert all(not box.is_checked() for box in fields.all())
    toggle.check()
    assert all(box.is_checked() for box in fields.all())
    assert refused == []
    context.close()
