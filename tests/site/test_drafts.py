"""Nothing unpublished reaches a public page, count, chart, feed, sitemap or download."""

import datetime
import json

import pytest

from commitments.models import PublicationState
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar"  # appears only in unpublished records


@pytest.fixture
def hidden():
    theme, actor = ThemeFactory(slug="t"), ActorFactory(slug="a")
    live = StatementFactory(slug="live")
    review_statement = StatementFactory(slug="in-review", title=f"{SECRET} summit", state=PublicationState.REVIEW)
    visible = CommitmentFactory(slug="visible", statement=live, themes=[theme], actors=[actor])
    drafts = [
        CommitmentFactory(slug="draft", title=f"{SECRET} draft", statement=live, state=PublicationState.DRAFT),
        CommitmentFactory(slug="review", title=f"{SECRET} review", statement=live, state=PublicationState.REVIEW),
        # Published itself, but its statement is not.
        CommitmentFactory(slug="orphan", title=f"{SECRET} orphan", statement=review_statement),
    ]
    for commitment in [visible, *drafts]:
        commitment.themes.add(theme)
        commitment.actors.add(actor)
        verdict(
            commitment=commitment,
            status="met",
            as_of=datetime.date(2022, 5, 1),
            rationale=f"Verdict on {commitment.title}.",
            articles=[ArticleFactory(title=f"Evidence for {commitment.title}")],
        )
    return {"visible": visible, "drafts": drafts, "review_statement": review_statement}


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/commitments/",
        "/commitments/visible/",
        "/statements/",
        "/statements/live/",
        "/themes/",
        "/themes/t/",
        "/actors/",
        "/actors/a/",
        "/feeds/updates/",
        "/feeds/themes/t/",
        "/feeds/actors/a/",
        "/export/commitments.csv",
        "/export/commitments.json",
        "/sitemap.xml",
        "/sitemap-commitments.xml",
        "/sitemap-statements.xml",
    ],
)
def test_unpublished_records_appear_nowhere(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    text = body(response)
    assert SECRET not in text
    for slug in ("draft", "review", "orphan"):
        assert f"/commitments/{slug}/" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/commitments/draft/",
        "/commitments/review/",
        "/commitments/orphan/",
        "/statements/in-review/",
        "/feeds/commitments/draft/",
        "/feeds/commitments/orphan/",
    ],
)
def test_unpublished_addresses_answer_404(client, hidden, url):
    assert client.get(url).status_code == 404


def test_counts_and_charts_count_only_published(client, hidden):
    html = client.get("/").content.decode()
    assert "1 published commitment " in html
    assert 'aria-label="Met: 1 of 1"' in html
    themes = client.get("/themes/").content.decode()
    assert "1 commitment ·" in themes and "4 commitments" not in themes
    theme_page = client.get("/themes/t/").content.decode()
    assert "<strong>1</strong> commitment" in theme_page


def test_downloads_hold_only_published_rows(client, hidden):
    rows = json.loads(body(client.get("/export/commitments.json")))
    assert [row["slug"] for row in rows] == ["visible"]
    lines = body(client.get("/export/commitments.csv")).strip().splitlines()
    assert len(lines) == 2 and lines[1].split(",")[1] == "visible"


def test_search_finds_nothing_unpublished(client, hidden):
    html = client.get(f"/commitments/?search={SECRET}").content.decode()  # the query itself is echoed
    assert "0 commitments" in html
    assert 'class="item-title"' not in html


def test_the_statement_filter_refuses_an_unpublished_statement(client, hidden):
    html = client.get("/commitments/?statement=in-review").content.decode()
    assert "There is no published statement" in html
    assert client.get("/export/commitments.csv?statement=in-review").status_code == 400
