"""The editorial front page (the admin's index): review queue, own drafts, recently published,
commitments not assessed for a while; each a link, with counts, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.domain.services import change_state
from commitments.models import PublicationState
from tests.admin.conftest import admin_url
from tests.factories import CommitmentFactory, StatementFactory, verdict

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED


def desk(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {section["key"]: section for section in response.context["desk"]}, response.content.decode()


def test_a_submitted_draft_waits_for_review_with_a_link(client, editor, publisher):
    commitment = CommitmentFactory(state=DRAFT, title="Fund cyber defence")
    change_state(obj=commitment, state=REVIEW, user=editor)
    client.force_login(publisher)
    sections, page = desk(client)
    assert sections["review"]["count"] == 1
    assert f'href="{admin_url(type(commitment), "change", commitment.pk)}">Fund cyber defence</a>' in page


def test_nothing_in_review_says_so(client, publisher):
    CommitmentFactory(state=DRAFT)
    client.force_login(publisher)
    sections, page = desk(client)
    assert sections["review"]["count"] == 0
    assert "Nothing waits for review." in page


def test_my_drafts_are_mine_only(client, editor, publisher):
    mine, theirs = CommitmentFactory(state=DRAFT, title="Mine"), CommitmentFactory(state=DRAFT, title="Theirs")
    mine.created_by, theirs.created_by = editor, publisher
    mine.save(), theirs.save()
    client.force_login(editor)
    sections, _ = desk(client)
    labels = [row["label"] for group in sections["drafts"]["groups"] for row in group["rows"]]
    assert labels == ["Mine"]


def test_commitments_not_assessed_within_the_set_time_are_listed(client, publisher, settings):
    settings.REASSESS_AFTER_MONTHS = 12
    today = timezone.localdate()
    old = StatementFactory(made_on=today - datetime.timedelta(days=800))
    stale = CommitmentFactory(statement=old, title="Stale")
    fresh = CommitmentFactory(statement=old, title="Assessed lately")
    verdict(commitment=fresh, status="in_progress", as_of=today - datetime.timedelta(days=30))
    verdict(commitment=stale, status="in_progress", as_of=today - datetime.timedelta(days=500))
    CommitmentFactory(statement=StatementFactory(made_on=today), title="Too new to reassess")
    client.force_login(publisher)
    sections, page = desk(client)
    labels = [row["label"] for row in sections["stale"]["groups"][0]["rows"]]
    assert labels == ["Stale"]
    assert "Not assessed for 12 months" in page
    settings.REASSESS_AFTER_MONTHS = 24
    sections, _ = desk(client)
    assert sections["stale"]["count"] == 0


def test_counts_go_beyond_the_rows_listed_with_a_link_to_all(client, publisher):
    statement = StatementFactory(state=PUBLISHED)
    for _ in range(10):
        CommitmentFactory(statement=statement, state=REVIEW)
    client.force_login(publisher)
    sections, page = desk(client)
    commitments = next(g for g in sections["review"]["groups"] if g["noun"] == "commitments")
    assert (commitments["count"], len(commitments["rows"])) == (10, 8)
    assert "All 10 commitments" in page


@pytest.mark.parametrize("n", [1, 12])
def test_the_front_page_costs_the_same_queries_for_few_or_many(client, publisher, django_assert_num_queries, n):
    statement = StatementFactory(state=REVIEW)
    for _ in range(n):
        commitment = CommitmentFactory(statement=statement, state=REVIEW)
        verdict(commitment=commitment, status="not_started", as_of=statement.made_on, state=REVIEW)
    client.force_login(publisher)
    client.get(reverse("admin:index"))  # the first request after signing in also renews the session
    # Session, user, the user's and the groups' permissions; one query a list (3 in review,
    # 3 drafts, 2 published, 1 not assessed); the admin's recent actions.
    with django_assert_num_queries(14):
        client.get(reverse("admin:index"))


def test_the_front_page_starts_a_statement_or_an_article_import(client, editor):
    client.force_login(editor)
    _sections, page = desk(client)
    assert f'href="{reverse("admin:commitments_statement_add")}">Add a statement with its commitments</a>' in page
    assert f'href="{reverse("admin:commitments_article_import_article")}">Import from an article</a>' in page
