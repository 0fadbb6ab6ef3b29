"""The admin at any size: no sidebar listing every statement, no scans for search or dates,
change pages whose queries do not grow with the status updates on them."""

import datetime

import pytest

from commitments.models import Article, ArticleLink, Commitment, Status, StatusUpdate
from tests.admin.conftest import admin_url
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    StatementFactory,
    ThemeFactory,
    verdict,
)

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def test_the_commitment_changelist_does_not_list_every_statement(admin_client):
    statements = [StatementFactory(slug=f"summit-{n}", title=f"Summit number {n}") for n in range(12)]
    CommitmentFactory(statement=statements[0])

    page = admin_client.get(admin_url(Commitment, "changelist")).content.decode()

    assert "Summit number 7" not in page
    assert 'name="statement"' in page  # the box to type one in


def test_the_statement_filter_takes_a_slug(admin_client):
    wanted = CommitmentFactory(title="Wanted", statement=StatementFactory(slug="g7-cornwall"))
    CommitmentFactory(title="Other", statement=StatementFactory(slug="nato-madrid"))
    url = admin_url(Commitment, "changelist")

    assert listed(admin_client.get(url, {"statement": "g7-cornwall"})) == [str(wanted)]
    assert listed(admin_client.get(url, {"statement": "g7"})) == []  # a slug, not a fragment
    assert len(listed(admin_client.get(url))) == 2
    # The other filters are kept in the box's form.
    page = admin_client.get(url, {"statement": "g7-cornwall", "status__exact": "not_rated"}).content.decode()
    assert '<input type="hidden" name="status__exact" value="not_rated">' in page


def test_the_status_updates_filter_by_their_commitments_statement_slug(admin_client):
    commitment = CommitmentFactory(statement=StatementFactory(slug="g7-cornwall"))
    mine = verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1))
    verdict(commitment=CommitmentFactory(), status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1))
    url = admin_url(StatusUpdate, "changelist")

    assert listed(admin_client.get(url, {"statement": "g7-cornwall"})) == [str(mine)]
    assert len(listed(admin_client.get(url))) == 2


@pytest.mark.parametrize(
    ("model", "make", "hit", "miss"),
    [
        # Commitments (and status updates, by theirs) through the full-text index: words in any
        # order and stemmed, every word needed; or the exact slug.
        (
            Commitment,
            lambda: CommitmentFactory(title="Fund cyber defence", slug="fund-cyber"),
            "defence funding",
            "pensions",
        ),
        (
            Commitment,
            lambda: CommitmentFactory(title="Fund cyber defence", slug="fund-cyber"),
            "fund-cyber",
            "fund-navy",
        ),
        (Article, lambda: ArticleFactory(title="Allies agree", url="https://example.org/a"), "allies", "agree"),
        (
            Article,
            lambda: ArticleFactory(title="Allies agree", url="https://example.org/a"),
            "https://example.org/a",
            "example",
        ),
        (
            StatusUpdate,
            lambda: verdict(
                commitment=CommitmentFactory(title="Fund cyber defence"),
                status=Status.IN_PROGRESS,
                as_of=datetime.date(2022, 1, 1),
            ),
            "cyber fund",
            "fund pensions",
        ),
        (
            ArticleLink,
            lambda: ArticleLinkFactory(article=ArticleFactory(title="Allies agree on cyber")),
            "allies",
            "cyber",
        ),
    ],
)
def test_admin_search_goes_through_an_index(admin_client, model, make, hit, miss):
    make()
    url = admin_url(model, "changelist")

    assert len(listed(admin_client.get(url, {"q": hit}))) == 1
    assert listed(admin_client.get(url, {"q": miss})) == []


@pytest.mark.parametrize("model", [Article, Commitment, StatusUpdate])
def test_changelists_draw_no_date_hierarchy(admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.context["cl"].date_hierarchy is None
    assert 'class="xfull"' not in response.content.decode()  # Django's date drill-down bar


def commitment_with_updates(n: int) -> Commitment:
    party = ActorFactory()
    commitment = CommitmentFactory(actors=[party], themes=[ThemeFactory()])
    updates = []
    for day in range(n):
        # Every other one on the party alone; every third corrects the one two before (same party).
        updates.append(
            verdict(
                commitment=commitment,
                status=Status.IN_PROGRESS,
                as_of=datetime.date(2022, 1, 1) + datetime.timedelta(days=day),
                party=party if day % 2 else None,
                corrects=updates[day - 2] if day % 3 == 2 else None,
            )
        )
    ArticleLinkFactory(commitment=commitment)
    return commitment


@pytest.mark.parametrize("updates", [1, 20])
def test_the_commitment_change_page_runs_the_same_queries_for_one_update_as_for_twenty(
    admin_client, django_assert_num_queries, updates
):
    commitment = commitment_with_updates(updates)
    url = admin_url(Commitment, "change", commitment.pk)
    admin_client.get(url)  # the session and the user's permissions, once per client

    # Pinned for 1 and for 20 updates: nothing per update.
    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == updates + 1  # and a blank one


# session; user; the commitment, its actors and themes; its latest history record; the
# updates (with commitment, party, author, corrected update); their evidence; the article links
# (with article and author); the statement, actors and themes chosen in the form; for the blank
# update form and its template: the party choices and the updates it may correct (twice each);
# the link rows' articles (one link)
CHANGE_PAGE_QUERIES = 17


def test_the_statement_changelist_counts_each_statements_commitments(admin_client):
    busy = StatementFactory(title="Busy")
    StatementFactory(title="Quiet")
    for _ in range(3):
        CommitmentFactory(statement=busy)

    response = admin_client.get(admin_url(busy, "changelist"), {"o": "6"})  # by the count column

    counts = {s.title: s.n_commitments for s in response.context["cl"].result_list}
    assert counts == {"Busy": 3, "Quiet": 0}
    assert [s.title for s in response.context["cl"].result_list] == ["Quiet", "Busy"]


@pytest.mark.parametrize("common_above", [1000, 0])
def test_a_common_word_finds_the_same_status_updates_as_a_rare_one(admin_client, monkeypatch, common_above):
    """Above COMMON_TERM_MATCHES matched commitments the search is written another way (a test
    per record in the list's order); it finds the same records either way, newest first."""
    from commitments.admin import registrations

    monkeypatch.setattr(registrations, "COMMON_TERM_MATCHES", common_above)
    cyber = CommitmentFactory(title="Fund cyber defence", slug="fund-cyber")
    other = CommitmentFactory(title="Build bridges", slug="bridges")
    for day in (1, 2, 3):
        verdict(commitment=cyber, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, day))
    verdict(commitment=other, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 4))
    response = admin_client.get(admin_url(StatusUpdate, "changelist"), {"q": "cyber"})
    found = response.context["cl"].result_list
    assert [u.as_of.day for u in found] == [3, 2, 1] and {u.commitment_id for u in found} == {cyber.pk}
    assert response.context["cl"].result_count == 3
    by_slug = admin_client.get(admin_url(StatusUpdate, "changelist"), {"q": "bridges"})
    assert [u.commitment_id for u in by_slug.context["cl"].result_list] == [other.pk]


@pytest.mark.parametrize("relation", ["themes", "actors"])
def test_the_theme_and_actor_filters_select_by_link_without_distinct(admin_client, relation):
    """One row per commitment, however many of its links there are, without DISTINCT (which
    sorted every matching row at 100,000 commitments); a value that is not an id is refused."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make = ThemeFactory if relation == "themes" else ActorFactory
    wanted, other = make(), make()
    both = CommitmentFactory(**{relation: [wanted, other]})
    only = CommitmentFactory(**{relation: [wanted]})
    CommitmentFactory(**{relation: [other]})
    url = admin_url(Commitment, "changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, {f"{relation}__id__exact": wanted.pk})
    assert sorted(c.pk for c in response.context["cl"].result_list) == sorted([both.pk, only.pk])
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    assert admin_client.get(url, {f"{relation}__id__exact": "x"}).status_code == 302  # ?e=1, as Django does


def test_status_updates_filter_by_their_commitments_theme_without_distinct(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wanted, other = ThemeFactory(), ThemeFactory()
    both = CommitmentFactory(themes=[wanted, other])
    elsewhere = CommitmentFactory(themes=[other])
    kept = verdict(commitment=both, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1))
    verdict(commitment=elsewhere, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1))
    url = admin_url(StatusUpdate, "changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, {"commitment__themes__id__exact": wanted.pk})
    assert response.status_code == 200, response.get("Location")
    assert [u.pk for u in response.context["cl"].result_list] == [kept.pk]
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
