"""Text from articles and every field editors type is escaped on every public page."""

import datetime

import pytest

from commitments.models import ArticleLink
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
    verdict,
)

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def evil():
    theme = ThemeFactory(slug="evil-theme", name=f"Theme {EVIL}", description=EVIL)
    actor = ActorFactory(slug="evil-actor", name=f"Actor {EVIL}", role=EVIL)
    article = ArticleFactory(title=f"Article {EVIL}", publisher=EVIL, url="javascript:alert(1)")
    statement = StatementFactory(slug="evil-statement", title=f"Statement {EVIL}", place=EVIL, event=EVIL, summary=EVIL)
    statement.parties.add(actor)
    statement.articles.add(
        ArticleFactory(body=f"Opening {EVIL}.\n\nThey will build the bridge over the river {EVIL} soon.")
    )
    commitment = CommitmentFactory(
        slug="evil",
        statement=statement,
        title=f"Commitment {EVIL}",
        wording=f"build the bridge over the river {EVIL}",
        summary=EVIL,
        target_wording=EVIL,
        themes=[theme],
        actors=[actor],
    )
    verdict(commitment=commitment, status="met", as_of=datetime.date(2023, 1, 1), rationale=EVIL, articles=[article])
    ArticleLink.objects.create(commitment=commitment, article=article, excerpt=EVIL, note=EVIL)
    QuoteFactory(statement=statement, text=EVIL, speaker=actor, article=article).commitments.add(commitment)
    return commitment


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/commitments/",
        "/commitments/evil/",
        "/statements/",
        "/statements/evil-statement/",
        "/themes/",
        "/themes/evil-theme/",
        "/actors/",
        "/actors/evil-actor/",
        "/feeds/updates/",
        "/feeds/commitments/evil/",
    ],
)
def test_user_text_is_escaped(client, evil, url):
    html = client.get(url).content.decode()
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&amp;lt;script&amp;gt;" in html


def test_a_non_web_address_never_becomes_a_link(client, evil):
    html = client.get("/commitments/evil/").content.decode()
    assert "javascript:" not in html


def test_marked_passages_are_escaped_inside_the_mark(client, evil):
    html = client.get("/statements/evil-statement/").content.decode()
    assert '<mark id="passage-evil"><a href="/commitments/evil/"' in html
    mark = html.split('<mark id="passage-evil">')[1].split("</mark>")[0]
    assert "river &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in mark
