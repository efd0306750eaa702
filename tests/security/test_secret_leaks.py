"""No token value anywhere the service writes: a full onboarding through the local stack (and
the initial sync, once its route exists), then the leak scanner over every log record, the
captured output, every response body, email, queue message and table item.

Vendor tokens (and the Tripletex session tokens minted from them) may appear nowhere. A
management token is shown once by design, in the ``POST /tenants`` answer, and travels in the
settings-link email; it may appear nowhere else.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from local.stack import LocalStack
from tests.support import leaks
from tests.support.live_stack import LiveStack, documented_operations, start_live_stack

# Settings choose at least one stream (a save with none is refused, issue 16).
A_STREAM = {"streams": {"customers_to_tripletex": True}}

LEAK_RECORDS = 40
WRONG_EMPLOYEE_TOKEN = "employee-wrong-0d9e8f7a6b5c4d3e"
LINK_TOKEN = re.compile(r"[?&#]token=([\w\-]+)")


def _initial_sync(stack: LiveStack, tenant_id: str, token: str) -> None:
    """Run the initial import through its route and queue, if this tree has them yet."""
    if ("POST", "/tenants/{tenant_id}/initial-sync") not in documented_operations(stack.openapi()):
        return
    body = {
        "entities": ["customers", "suppliers", "products"],
        "customer_group": 1,
        "supplier_group": 1,
        "product_group": 1,
        "service_group": 2,
        "payment_terms": {"default": 1, "by_days": {"14": 1, "30": 2}},
    }
    started = stack.request("POST", f"/tenants/{tenant_id}/initial-sync", token=token, json=body)
    assert started.status_code == 202, started.text
    # Bounded wait for the queue to drain; how long it takes is not asserted.
    for _ in range(600):
        progress = stack.request("GET", f"/tenants/{tenant_id}/initial-sync", token=token)
        if progress.status_code == 200 and progress.json().get("state") in (
            "completed",
            "completed_with_failures",
        ):
            return
        time.sleep(0.1)
    pytest.fail(f"the initial sync did not finish: {progress.text[:300]}")


@pytest.fixture
def live_stack_with_queues(
    start_local_stack: Callable[..., LocalStack], monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveStack]:
    # A slice of the demo data at limits raised for simulators and budget alike: the subject is
    # where secrets go, not how long the vendors make an import wait. The speed-up shortens a
    # redelivery's visibility timeout should a page message fail once.
    budget: ModuleType | None
    try:
        budget = importlib.import_module("rackbeat_tripletex.initial_sync.budget")
    except ModuleNotFoundError:
        budget = None
    if budget is not None:
        for limit in ("TRIPLETEX_REQUESTS_PER_SECOND", "RACKBEAT_REQUESTS_PER_MINUTE"):
            monkeypatch.setattr(budget, limit, getattr(budget, limit) * 100)
    stack = start_live_stack(start_local_stack, records=LEAK_RECORDS, poll_queues=True, speedup=60.0)
    for simulator in (stack.tripletex, stack.rackbeat):
        simulator.set_faults({"rate_limit_scale": 100})
    with stack.http:
        yield stack


def test_no_token_leaks_from_a_full_onboarding_and_sync(
    live_stack_with_queues: LiveStack, capfd: pytest.CaptureFixture[str]
) -> None:
    stack = live_stack_with_queues
    assert stack.local.runner is not None
    errors = stack.local.runner.load_all()
    assert not errors, errors
    capture = leaks.LogCapture().attach()
    try:
        tenant = stack.new_tenant()
        tid, token = tenant.tenant_id, tenant.management_token
        wrong = {**stack.credentials(), "tripletex_employee_token": WRONG_EMPLOYEE_TOKEN}
        assert stack.request("PUT", f"/tenants/{tid}/credentials", token=token, json=wrong).status_code == 422
        assert (
            stack.request(
                "PUT", f"/tenants/{tid}/credentials", token=token, json=stack.credentials()
            ).status_code
            == 200
        )
        assert stack.request("GET", f"/tenants/{tid}", token=token).status_code == 200
        assert stack.request("GET", f"/tenants/{tid}/prerequisites", token=token).status_code == 200
        saved = stack.request(
            "PUT",
            f"/tenants/{tid}/settings",
            token=token,
            json={**A_STREAM, "notification_email": tenant.contact_email},
        )
        assert saved.status_code == 200, saved.text
        _initial_sync(stack, tid, token)
        # A revoked Rackbeat token: the daily check marks the tenant and emails the contact.
        stack.rackbeat.revoke_token(stack.seed["rackbeat"]["api_token"])
        assert stack.local.runner.fire_schedule("DailyTokenCheck").ok
        assert stack.request("POST", f"/tenants/{tid}/management-token", token=token).status_code == 200
    finally:
        capture.detach()

    emails = leaks.outbox()
    rotated = {m for _, text in emails for m in LINK_TOKEN.findall(text)}
    assert token in rotated, (
        "the settings link was not found in the emails: the management-token check is blind"
    )
    management_tokens = rotated | {token}
    vendor_tokens = set(stack.credentials().values()) | {WRONG_EMPLOYEE_TOKEN} | set(stack.tripletex.sessions)
    assert capture.lines, "no log record was captured: the log scan would prove nothing"

    places = leaks.service_places(
        logs=capture.lines, responses=stack.responses, output="".join(capfd.readouterr())
    )
    found = leaks.scan(vendor_tokens, places)
    not_by_design = {
        **places,
        "email": [],
        "response": [(w, t) for w, t in places["response"] if not t.startswith("POST /tenants -> 201")],
    }
    found += leaks.scan(management_tokens, not_by_design)
    assert not found, "secrets found:\n" + "\n".join(str(leak) for leak in found)

    prefix = str(stack.local.aws.outputs["TenantSecretPrefix"]) if stack.local.aws else ""
    names = leaks.secret_names()
    assert names, "no tenant secret was stored"
    assert all(name.startswith(prefix) for name in names), f"secrets outside {prefix}: {names}"


def test_the_scanner_finds_a_planted_token_in_every_encoding() -> None:
    secret = "employee-planted-5a4b3c2d1e"
    places = {
        "log": [
            (f"line {name}", f"Authorization: Basic {form} sent")
            for name, form in leaks.encodings(secret).items()
        ]
    }
    found = leaks.scan([secret], places)
    assert {leak.encoding for leak in found} == set(leaks.encodings(secret))
    assert {"plain", "base64", "basic-auth"} <= set(leaks.encodings(secret))
    assert all(secret not in leak.excerpt for leak in found), "a finding must not print the secret"
