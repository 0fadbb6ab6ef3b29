"""Staff preview drafts on the public pages, under a banner, never cached; readers still get 404."""

import pytest
from django.contrib.contenttypes.models import ContentType

from commitments.domain.roles import EDITORS
from commitments.models import PublicationState
from tests.factories import CommitmentFactory, StaffFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Draft: not public."


@pytest.fixture
def draft():
    statement = StatementFactory(slug="draft-summit", title="Draft summit", state=PublicationState.DRAFT)
    return CommitmentFactory(slug="draft-pledge", title="Draft pledge", statement=statement)


@pytest.fixture
def editor():
    return StaffFactory(username="ed", groups=[EDITORS])


@pytest.mark.parametrize("url", ["/commitments/draft-pledge/", "/statements/draft-summit/"])
def test_staff_see_a_draft_page_with_the_banner_and_it_is_private(client, editor, draft, url):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert BANNER in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


@pytest.mark.parametrize("url", ["/commitments/draft-pledge/", "/statements/draft-summit/"])
def test_readers_and_signed_in_non_staff_still_get_not_found(client, draft, url):
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="reader"))
    assert client.get(url).status_code == 404


def test_a_published_page_has_no_banner_for_staff(client, editor):
    CommitmentFactory(slug="live")
    client.force_login(editor)
    response = client.get("/commitments/live/")
    assert response.status_code == 200
    assert BANNER not in response.content.decode()
    assert "private" not in response.get("Cache-Control", "")


def test_the_statement_preview_lists_its_draft_commitments(client, editor, draft):
    client.force_login(editor)
    assert "Draft pledge" in client.get("/statements/draft-summit/").content.decode()


def test_view_on_site_of_a_draft_leads_to_its_preview(client, editor, draft):
    client.force_login(editor)
    content_type = ContentType.objects.get_for_model(draft)
    response = client.get(f"/admin/r/{content_type.pk}/{draft.pk}/", follow=True)
    assert response.status_code == 200
    assert BANNER in response.content.decode()
