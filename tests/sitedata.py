"""Builders for the public-site tests: rows with every relation a page shows."""

import datetime

from commitments.models import ArticleLink
from tests.factories import verdict

from .factories import (
    ActorFactory,
    ArticleFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
)


def full_commitment(statement=None, *, n_updates=1, n_links=1, n_quotes=1, themes=None, actors=None, **kwargs):
    """A published commitment with themes, actors, dated updates with evidence, links and quotes."""
    statement = statement or StatementFactory()
    commitment = CommitmentFactory(
        statement=statement,
        themes=themes or [ThemeFactory()],
        actors=actors or [ActorFactory()],
        **kwargs,
    )
    for i in range(n_updates):
        verdict(
            commitment=commitment,
            status="in_progress" if i < n_updates - 1 else "met",
            as_of=datetime.date(2022, 1, 1) + datetime.timedelta(days=i),
            rationale=f"Step {i} taken.",
            articles=[ArticleFactory()],
        )
    for _ in range(n_links):
        ArticleLink.objects.create(commitment=commitment, article=ArticleFactory(), excerpt="An excerpt.")
    for _ in range(n_quotes):
        QuoteFactory(statement=statement).commitments.add(commitment)
    return commitment


def many_commitments(n, **kwargs):
    statement = StatementFactory()
    return [full_commitment(statement, themes=[ThemeFactory()], actors=[ActorFactory()], **kwargs) for _ in range(n)]
