"""The time budget of an import from the admin page: what would take longer is refused, and why."""

import pytest
from django.test import override_settings
from django.urls import reverse

from commitments.ingest import ImportRefused, import_article
from commitments.ingest.reading import Budget, OverBudget
from commitments.models import Article, Commitment

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:commitments_article_import_article")
ARTICLE = (
    "Coastal states agree on fish\n\n"
    "BERGEN, May 4, 2031 — Norway and Iceland will fund a joint research vessel for the northern waters, "
    "officials said on Tuesday.\n"
)
# Many short pledges: quick to read, slow to write one draft each.
MANY_PLEDGES = "Coastal states agree\n\n" + "\n\n".join(
    f"Norway and Iceland will open research station {n} in the north by {2032 + n % 5}." for n in range(300)
)


def test_an_article_within_the_budget_is_imported():
    result = import_article(data=ARTICLE, time_budget=10)
    assert result.article["id"] and len(result.candidates) == 1


def test_an_article_too_large_for_the_budget_is_refused_before_any_work():
    with pytest.raises(OverBudget, match="python manage.py import_article"):
        import_article(data=ARTICLE * 200, time_budget=0.001)
    assert Article.objects.count() == 0


def test_an_article_with_too_many_drafts_to_write_in_time_is_refused_and_writes_nothing():
    with pytest.raises(ImportRefused, match="more than the 2 s allowed"):
        import_article(data=MANY_PLEDGES, time_budget=2)
    assert Article.objects.count() == Commitment.objects.count() == 0


def test_without_a_budget_the_same_article_is_imported():
    assert len(import_article(data=MANY_PLEDGES, dry_run=True).candidates) == 300


def test_a_budget_checks_the_time_spent_and_the_time_still_to_come():
    budget = Budget(5, started=0)
    with pytest.raises(OverBudget):
        budget.check()  # started long ago
    Budget(5).check(still_to_come=4)
    with pytest.raises(OverBudget):
        Budget(5).check(still_to_come=6)


@override_settings(IMPORT_WEB_SECONDS=2)
def test_the_admin_page_refuses_what_would_take_longer_and_points_to_the_command(admin_client):
    response = admin_client.post(IMPORT_URL, {"text": MANY_PLEDGES})
    assert response.status_code == 200
    page = response.content.decode()
    assert "more than the 2 s allowed" in page and "manage.py import_article" in page
    assert Article.objects.count() == 0


def test_the_admin_page_imports_an_article_within_the_budget(admin_client):
    response = admin_client.post(IMPORT_URL, {"text": ARTICLE})
    assert response.status_code == 302
    assert Article.objects.count() == 1
