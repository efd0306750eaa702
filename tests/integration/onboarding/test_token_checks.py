"""The token check against both simulators in-process: each problem is one cause, named under
the input it is about, in the reader's language; swapped Tripletex tokens are recognised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from local.simulators.rackbeat import create_app as create_rackbeat
from local.simulators.tripletex import create_app as create_tripletex
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials, clear_session_cache
from rackbeat_tripletex.i18n import Language, use_language
from rackbeat_tripletex.models.domain import CheckId, Credentials, ValidationReport
from rackbeat_tripletex.onboarding.schemas import ValidationOutcome
from rackbeat_tripletex.onboarding.token_checks import TokenChecks
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed

NO_WAIT = RetryPolicy(max_attempts=1)


@pytest.fixture
def checks() -> Iterator[TokenChecks]:
    clear_session_cache()
    tripletex = create_tripletex(tripletex_seed())
    rackbeat = create_rackbeat(rackbeat_seed())

    def tripletex_client(credentials: Credentials) -> TripletexClient:
        return TripletexClient(
            "http://tripletex.test/v2",
            TripletexCredentials(
                consumer_token=credentials.tripletex_consumer_token,
                employee_token=credentials.tripletex_employee_token,
            ),
            transport=httpx.WSGITransport(app=tripletex),
            retry=NO_WAIT,
        )

    def rackbeat_client(credentials: Credentials) -> RackbeatClient:
        return RackbeatClient(
            "http://rackbeat.test/api",
            SecretStr(credentials.rackbeat_api_token.get_secret_value()),
            transport=httpx.WSGITransport(app=rackbeat),
            retry=NO_WAIT,
        )

    yield TokenChecks(rackbeat_client, tripletex_client, "http://tripletex.test/v2")
    clear_session_cache()


def tokens(**changes: str) -> Credentials:
    values: dict[str, Any] = {
        "rackbeat_api_token": RACKBEAT_TOKEN,
        "tripletex_consumer_token": CONSUMER_TOKEN,
        "tripletex_employee_token": EMPLOYEE_TOKEN,
        **changes,
    }
    return Credentials.model_validate(values)


def check(checks: TokenChecks, credentials: Credentials, language: Language) -> ValidationReport:
    with use_language(language):
        return checks.validate(credentials)


def causes(report: ValidationReport) -> list[tuple[CheckId, str | None]]:
    """The failed checks that carry a fix: what the page shows next to an input."""
    return [(c.id, c.field) for c in report.checks if not c.ok and c.fix and not c.advisory]


def test_good_tokens_pass_and_are_described_in_norwegian(checks: TokenChecks) -> None:
    report = check(checks, tokens(), Language.NB)
    assert report.ok
    labels = {c.id: c.label for c in report.checks}
    assert labels[CheckId.TRIPLETEX_ACCESS_CUSTOMER] == "Tripletex-tilgang til kunder"
    assert labels[CheckId.RACKBEAT_TOKEN] == "Rackbeat API-nøkkel"


def test_swapped_tripletex_tokens_are_one_cause_under_the_consumer_token(checks: TokenChecks) -> None:
    swapped = tokens(tripletex_consumer_token=EMPLOYEE_TOKEN, tripletex_employee_token=CONSUMER_TOKEN)
    report = check(checks, swapped, Language.NB)

    assert causes(report) == [(CheckId.TRIPLETEX_SESSION, "tripletex_consumer_token")]
    with use_language(Language.NB):
        outcome = ValidationOutcome.of(report)
    assert outcome.message == "Ingenting ble lagret. Consumer token og employee token er byttet om."
    english = check(checks, swapped, Language.EN)
    with use_language(Language.EN):
        assert ValidationOutcome.of(english).message == (
            "Nothing was saved. The consumer token and the employee token are swapped."
        )


def test_a_dead_employee_token_is_named_under_its_own_field(checks: TokenChecks) -> None:
    report = check(checks, tokens(tripletex_employee_token="employee-dead-0000000"), Language.NB)
    assert causes(report) == [(CheckId.TRIPLETEX_SESSION, "tripletex_employee_token")]
    (session,) = [c for c in report.checks if c.id == CheckId.TRIPLETEX_SESSION]
    assert session.detail == "Tripletex godtok ikke employee token."
    skipped = [c for c in report.checks if c.detail == "Ikke sjekket: ingen pålogging i Tripletex."]
    assert len(skipped) == 5
    assert all(c.fix is None for c in skipped), "a check not run has no fix of its own"


def test_a_dead_rackbeat_token_and_a_test_token_are_two_causes_each_under_its_input(
    checks: TokenChecks,
) -> None:
    report = check(
        checks,
        tokens(rackbeat_api_token="rackbeat-dead-token", tripletex_employee_token="test-employee-1"),
        Language.EN,
    )
    assert causes(report) == [
        (CheckId.RACKBEAT_TOKEN, "rackbeat_api_token"),
        (CheckId.TRIPLETEX_ENVIRONMENT, "tripletex_employee_token"),
    ]
    with use_language(Language.EN):
        message = ValidationOutcome.of(report).message
    assert message == (
        "Nothing was saved. Rackbeat did not accept the API token. A token from Tripletex's test "
        "environment was entered (it starts with \u201ctest-\u201d)."
    )
