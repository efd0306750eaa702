"""Issue 13, "an email relay": the anonymous POST /tenants and the routes that email a tenant's
contact cannot make our SES identity send what or as much as a caller wants.

Against the local stack: the emails are what moto's SES recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from local.stack import LocalStack
from tests.security.identity_support import (
    VERIFICATION_SUBJECT,
    mails_to,
    unconfirmed_tenant,
)
from tests.support.live_stack import LiveStack, start_live_stack

VICTIM = "victim@example.org"
# What the attacker of the issue typed: an advert with a link (line breaks in it are the unit
# tests' matter: tests/unit/onboarding/test_identity_units.py).
HOSTILE_COMPANY = "Cheap pills: visit https://spam.example/buy now"
RELAY_ATTEMPTS = 30
RECIPIENT_HOURLY_LIMIT = 10
# POST /tenants has its own method throttle (tests/security/test_budgets_and_replays.py), which
# answers 429 before any email is counted; lifted here so the email limits are what is judged.
SIGNUP_UNTHROTTLED = {f"SignupThrottling{limit}Limit": 100_000 for limit in ("Rate", "Burst")}


@pytest.fixture
def live_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    stack = start_live_stack(start_local_stack, parameters=SIGNUP_UNTHROTTLED)
    with stack.http:
        yield stack


def test_thirty_tenants_for_one_victim_send_a_bounded_number_of_plain_emails(live_stack: LiveStack) -> None:
    answers = [
        unconfirmed_tenant(live_stack, VICTIM, company=HOSTILE_COMPANY).status_code
        for _ in range(RELAY_ATTEMPTS)
    ]

    mails = mails_to(VICTIM)
    assert len(mails) == RECIPIENT_HOURLY_LIMIT, "the victim's mailbox is bounded by the per-recipient limit"
    assert answers.count(201) == RECIPIENT_HOURLY_LIMIT
    assert answers.count(429) == RELAY_ATTEMPTS - RECIPIENT_HOURLY_LIMIT
    refused = unconfirmed_tenant(live_stack, VICTIM)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many emails" in refused.json()["message"]
    for mail in mails:
        # The only email an unconfirmed address gets carries nothing the caller typed.
        assert mail.subject == VERIFICATION_SUBJECT
        assert "pills" not in (mail.text or "")
        assert "spam.example" not in (mail.text or "")


def test_an_unconfirmed_contact_gets_nothing_but_the_verification_link(live_stack: LiveStack) -> None:
    created = unconfirmed_tenant(live_stack, VICTIM)
    assert created.status_code == 201
    tenant_id, token = created.json()["tenant_id"], created.json()["management_token"]
    base = f"/tenants/{tenant_id}"

    stored = live_stack.request("PUT", f"{base}/credentials", token=token, json=live_stack.credentials())
    assert stored.status_code == 200, stored.text
    settings = {"notification_email": VICTIM, "send_settings_link": True}
    saved = live_stack.request("PUT", f"{base}/settings", token=token, json=settings)
    assert saved.status_code == 409
    assert "Confirm your email address first" in saved.json()["message"]
    rotated = live_stack.request("POST", f"{base}/management-token", token=token)
    assert rotated.status_code == 409
    imported = live_stack.request(
        "POST",
        f"{base}/initial-sync",
        token=token,
        json={
            "customer_group": 1,
            "supplier_group": 1,
            "product_group": 1,
            "service_group": 2,
            "payment_terms": {"default": 1},
        },
    )
    assert imported.status_code == 409, imported.text
    # A sign-in request for the address sends nothing either, and says the same as for anyone.
    asked = live_stack.request("POST", "/sign-in", json={"email": VICTIM})
    unknown = live_stack.request("POST", "/sign-in", json={"email": "nobody@example.org"})
    assert asked.status_code == unknown.status_code == 202
    assert asked.json() == unknown.json()

    assert [mail.subject for mail in mails_to(VICTIM)] == [VERIFICATION_SUBJECT]
    assert live_stack.request("GET", base, token=token).json()["email_verified"] is False


def test_management_token_rotation_is_bounded_per_tenant(live_stack: LiveStack) -> None:
    tenant = live_stack.new_tenant()
    token = tenant.management_token
    statuses = []
    for _ in range(15):
        answer = live_stack.request("POST", f"/tenants/{tenant.tenant_id}/management-token", token=token)
        statuses.append(answer.status_code)
        if answer.status_code != 200:
            continue
        # Whoever keeps rotating must read each new link from the mailbox.
        latest = mails_to(tenant.contact_email)[-1].text or ""
        token = latest.split("token=")[1].split()[0]
    # Ten emails per tenant and hour: the verification took one, nine rotations fit.
    assert statuses.count(200) == 9
    assert statuses[9:] == [429] * 6
    assert len(mails_to(tenant.contact_email)) == 10
    # A refused rotation changed nothing: the last emailed link still opens the tenant.
    assert live_stack.request("GET", f"/tenants/{tenant.tenant_id}", token=token).status_code == 200
