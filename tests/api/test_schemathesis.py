"""Schemathesis drives every GET operation of the published OpenAPI schema against the app.

Valid and invalid parameters (NUL bytes included) must never crash the API, every answer must
be one the schema documents, with the documented content type and body, and invalid input must
be refused with a 4xx. Generation is derandomised and bounded, so the run is repeatable.
"""

import datetime

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from commitments.models import PublicationState, Statement, Theme
from tests.factories import (
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
    verdict,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 50, "deterministic": True, "allow-x00": True, "mode": "all"},
        # Each example is a real request through Django; slow generation is expected, not a smell.
        "suppress-health-check": ["too_slow", "filter_too_much"],
    }
)
RESULTS = {"operations": set(), "examples": 0}


@pytest.fixture
def fuzzed_data(seeded):
    """The seed, plus the empty and optional values responses must describe, and hidden drafts."""
    statement = Statement.objects.published().get()
    child = ThemeFactory(parent=Theme.objects.first(), description="")
    priced = CommitmentFactory(
        statement=statement,
        themes=[child],
        amount=24_000_000_000,
        currency="GBP",
        target_date=datetime.date(2020, 1, 1),
    )
    ArticleLinkFactory(commitment=priced, article=ArticleFactory(url="", published_on=None))
    quote = QuoteFactory(statement=statement, article=None)
    quote.commitments.set([priced])
    hidden = StatementFactory(state=PublicationState.DRAFT)
    draft = CommitmentFactory(statement=hidden)
    verdict(commitment=draft, status="met", as_of=datetime.date(2023, 1, 1), rationale="Hidden.")
    ArticleLinkFactory(commitment=draft)
    QuoteFactory(statement=hidden)
    return seeded


@pytest.fixture
def in_process_app():
    """Keep the test's database connection open across requests, as Django's test client does.

    A WSGI request ends by closing connections that are inside a transaction; here that
    transaction is the test's own.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    # Thousands of requests from one address: throttling would only hide the answers under test.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "editor": None}}


# The schema is fetched from the app itself, as a consumer would; producing it touches no table.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG).include(
    method="GET"
)


@schema.parametrize()
# The data is only read, so sharing the function-scoped fixtures between examples is safe.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture], deadline=None)
def test_every_get_operation_conforms_to_the_schema(case, fuzzed_data, unthrottled, in_process_app):
    RESULTS["operations"].add(case.operation.label)
    RESULTS["examples"] += 1
    case.call_and_validate(checks=CHECKS)


def test_the_fuzzer_covers_every_get_operation():
    operations = [result.ok().label for result in schema.get_all_operations()]
    assert len(operations) == 18, operations  # the index, 8 lists, 8 details, stats
    if RESULTS["examples"]:  # the fuzzing ran first in this session: print its figures (-rP or -s)
        print(f"schemathesis: {len(RESULTS['operations'])} GET operations, {RESULTS['examples']} examples")
