"""Every domain error the onboarding routes can raise, answered by the one mapping module.

The errors carry no HTTP; these pin the status and body each one answers, through a real
resolver with the mapping registered as the function registers it.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    RateLimited,
    ServerError,
    TransportError,
)
from rackbeat_tripletex.i18n import use_language
from rackbeat_tripletex.initial_sync.service import AlreadyRan, InvalidRequest, NotReady, TenantNotFound
from rackbeat_tripletex.models.sync import RunState
from rackbeat_tripletex.onboarding.api.errors import map_errors, stranger_reply
from rackbeat_tripletex.onboarding.failures import (
    CONFIRM_EMAIL_FIRST,
    ConcurrentChangeError,
    ConfirmationError,
    OnboardingError,
    StepOrderError,
    StepUpRequired,
    TenantNotFoundError,
)
from rackbeat_tripletex.onboarding.identity import StepUpAction


def answer_to(error: Exception, language: str = "en") -> tuple[int, dict[str, Any], dict[str, Any]]:
    app = APIGatewayRestResolver(enable_validation=True)
    map_errors(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    event = {
        "resource": "/boom",
        "path": "/boom",
        "httpMethod": "GET",
        "headers": {"Accept-Language": language},
        "multiValueHeaders": {"Accept-Language": [language]},
        "queryStringParameters": None,
        "pathParameters": None,
        "requestContext": {"stage": "test", "path": "/boom", "httpMethod": "GET"},
        "body": None,
        "isBase64Encoded": False,
    }
    reply = app.resolve(event, None)  # type: ignore[arg-type]
    return reply["statusCode"], json.loads(reply["body"]), reply.get("multiValueHeaders") or {}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (TenantNotFoundError(), 404),
        (StepOrderError("Enter the tokens first."), 409),
        (ConcurrentChangeError("Try again."), 409),
        (ConfirmationError("Type the company name."), 422),
        (OnboardingError("Something the user can fix."), 400),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_onboarding_errors_answer_their_status_with_the_message(error: OnboardingError, status: int) -> None:
    assert not hasattr(error, "status"), "a domain error carries no HTTP status"
    with use_language("en"):  # a message is worded in the language of whoever reads it
        worded = error.message
    assert answer_to(error)[:2] == (status, {"message": worded})


def test_a_stranger_gets_the_same_404_before_the_routers_as_after() -> None:
    before = stranger_reply(TenantNotFoundError(), {"headers": {"accept-language": "en-GB,en;q=0.9"}})
    status, body, _ = answer_to(TenantNotFoundError())
    assert (
        (before["statusCode"], json.loads(before["body"]))
        == (status, body)
        == (404, {"message": "Tenant not found"})
    )
    norwegian = stranger_reply(TenantNotFoundError(), {"headers": {}})
    assert (norwegian["statusCode"], json.loads(norwegian["body"])) == answer_to(TenantNotFoundError(), "nb")[
        :2
    ]
    assert json.loads(norwegian["body"]) == {"message": "Fant ikke integrasjonen."}


def test_initial_import_errors_are_mapped_without_rewrapping() -> None:
    assert answer_to(TenantNotFound())[:2] == (404, {"message": "Tenant not found"})
    assert answer_to(NotReady("Check the tokens first."))[:2] == (422, {"message": "Check the tokens first."})

    status, body, _ = answer_to(
        InvalidRequest({"customer_group": "No such group 7.", "payment_terms": "Pick one."})
    )
    assert status == 422
    assert body["message"] == "Fix the chosen groups or payment terms: No such group 7.; Pick one."
    assert body["detail"] == [
        {"field": "customer_group", "type": "value_error", "message": "No such group 7."},
        {"field": "payment_terms", "type": "value_error", "message": "Pick one."},
    ]

    started = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    # AlreadyRan reads only these three of the run record.
    run = SimpleNamespace(
        state=RunState.COMPLETED, started_at=started, finished_at=started + dt.timedelta(minutes=3)
    )
    status, body, _ = answer_to(AlreadyRan(run))  # type: ignore[arg-type]
    assert status == 409
    assert body["state"] == "completed"
    assert body["message"].startswith("The initial import already ran")
    assert dt.datetime.fromisoformat(body["started_at"]) == started


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (RateLimited("429", api="Tripletex", retry_after=2.2), 503, "Tripletex is busy"),
        (ServerError("500", api="Rackbeat"), 503, "Rackbeat has a problem right now"),
        (TransportError("timeout", api="Rackbeat"), 503, "Rackbeat could not be reached"),
        (AuthError("401", api="Tripletex"), 409, "the employee token"),
        (AuthError("401", api="Rackbeat"), 409, "enter only that one"),
        (AccessDenied("403", api="Tripletex"), 409, "Grant the token that access in Tripletex"),
        (ApiError("400", api="Rackbeat"), 502, "Rackbeat refused the request: 400"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_vendor_failures_say_which_system_and_what_next(error: ApiError, status: int, words: str) -> None:
    answered, body, headers = answer_to(error)
    assert answered == status
    assert words in body["message"]
    if isinstance(error, RateLimited):
        assert (body["retry_after_seconds"], headers.get("Retry-After")) == (3, ["3"])


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (RateLimited("429", api="Tripletex"), "Tripletex har mye å gjøre"),
        (AuthError("401", api="Rackbeat"), "Rackbeat godtar ikke lenger API-nøkkelen"),
        (StepOrderError(CONFIRM_EMAIL_FIRST.format(address="a@b.no")), "Bekreft e-postadressen din først"),
        (StepUpRequired(StepUpAction.DELETE, "a@b.no"), "For å slette integrasjonen"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_a_request_without_a_language_is_answered_in_norwegian(error: Exception, words: str) -> None:
    _, body, _ = answer_to(error, "")
    assert words in body["message"], body
    assert answer_to(error, "nb-NO,nb;q=0.9,en;q=0.8")[1] == body
    assert answer_to(error, "en")[1] != body
