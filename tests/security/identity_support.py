"""What the identity suites share: a clock the tests move (never wall time), the emailed links as
the contact would open them, and tenants created as an anonymous caller would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx

from local.outbox import emailed_link, sent_emails
from rackbeat_tripletex.i18n import text
from tests.support.live_stack import LiveStack

# The suites read English answers: their tenants are created with language en.
VERIFICATION_SUBJECT = text("email.verify_email.subject", "en")


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


def use_clock(stack: LiveStack, clock: Clock) -> None:
    """Both functions that judge expiry read `clock` from now on (the API's email counters too),
    in every container the runner has started or will start."""
    runner = stack.local.runner
    assert runner is not None

    def onboarding_api(api: ModuleType) -> None:
        onboarding = api.services.onboarding
        onboarding.clock = clock
        limits = onboarding.mailer._limits
        if limits is not None:
            limits.clock = clock

    def token_validation(module: ModuleType) -> None:
        module.onboarding().clock = clock

    runner.on_container("OnboardingApiFunction", onboarding_api)
    runner.on_container("TokenValidationFunction", token_validation)


def unconfirmed_tenant(stack: LiveStack, email: str | None = None, company: str = "Fjord Lager AS") -> Any:
    """POST /tenants as anyone can; the answer (the contact has not opened the link)."""
    address = email or f"owner-{uuid.uuid4().hex[:10]}@fjordlager.no"
    return stack.request(
        "POST",
        "/tenants",
        json={
            "company_name": company,
            "contact_name": "Ingrid Fjord",
            "contact_email": address,
            "language": "en",
        },
    )


def open_link(stack: LiveStack, address: str, page: str, route: str) -> httpx.Response:
    """Post the latest `page` link emailed to `address` to `route`, as the wizard does."""
    link = emailed_link(address, page)
    assert link is not None, f"no {page} link was emailed to {address}"
    return stack.request("POST", route, json=link)


def mails_to(address: str) -> list[Any]:
    return [mail for mail in sent_emails() if address in mail.to]


def sign_in(stack: LiveStack, address: str) -> str:
    assert stack.request("POST", "/sign-in", json={"email": address}).status_code == 202
    session = open_link(stack, address, "sign-in", "/sessions")
    assert session.status_code == 201, session.text
    return str(session.json()["session_token"])
