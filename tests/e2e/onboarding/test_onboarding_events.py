"""Each sample event in events/ fed to its handler, in the function's own environment (runner)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.support.stack import Stack

EVENTS = Path(__file__).resolve().parents[3] / "events"


def test_api_gateway_event_creates_a_tenant(stack: Stack) -> None:
    event = json.loads((EVENTS / "onboarding_api" / "create_tenant.json").read_text())
    assert stack.local.runner is not None
    result = stack.local.runner.invoke("OnboardingApiFunction", event)
    assert result.ok, result.error
    assert result.payload["statusCode"] == 201
    body = result.payload["body"]
    if result.payload.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    created = json.loads(body)
    assert created["status"] == "onboarding"


def test_schedule_event_runs_the_daily_check(stack: Stack) -> None:
    event = json.loads((EVENTS / "token_validation" / "daily_schedule.json").read_text())
    assert stack.local.runner is not None
    result = stack.local.runner.invoke("TokenValidationFunction", event)
    assert result.ok, result.error
    assert set(result.payload) == {"checked", "ok", "needs_relink", "resumed", "inconclusive"}


def test_cleanup_schedule_event_removes_only_stale_unconfirmed_tenants(stack: Stack) -> None:
    # The template's constant input for the UnconfirmedTenantCleanup schedule.
    event = json.loads((EVENTS / "token_validation" / "remove_unverified.json").read_text())
    tenant_id, token, _ = stack.new_tenant(confirmed=False)
    assert stack.local.runner is not None
    result = stack.local.runner.invoke("TokenValidationFunction", event)
    assert result.ok, result.error
    assert result.payload == {"removed": 0}, "a tenant created just now has a day to confirm"
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).status_code == 200


def test_sync_route_events_reach_their_routes(stack: Stack) -> None:
    """The sample events of the sync routes, pointed at a real tenant: each reaches its route."""
    tenant_id, token, _ = stack.onboarded_tenant()
    assert stack.local.runner is not None
    answers = {}
    for name in (
        "get_initial_sync",
        "preview_initial_sync",
        "start_initial_sync",
        "list_failures",
        "retry_failures",
        "list_sync_runs",
    ):
        event = json.loads((EVENTS / "onboarding_api" / f"{name}.json").read_text())
        sample_id = event["pathParameters"]["tenant_id"]
        event["path"] = event["path"].replace(sample_id, tenant_id)
        event["pathParameters"]["tenant_id"] = tenant_id
        event["headers"]["Authorization"] = f"Bearer {token}"
        event["multiValueHeaders"]["Authorization"] = [f"Bearer {token}"]
        result = stack.local.runner.invoke("OnboardingApiFunction", event)
        assert result.ok, result.error
        body = result.payload["body"]
        if result.payload.get("isBase64Encoded"):
            body = base64.b64decode(body).decode()
        answers[name] = (result.payload["statusCode"], json.loads(body))
    assert answers["get_initial_sync"] == (200, answers["get_initial_sync"][1])
    assert answers["get_initial_sync"][1]["state"] == "not_started"
    # The sample maps 30 days to payment term 2, which this Rackbeat account does not have.
    for name in ("preview_initial_sync", "start_initial_sync"):
        status, body = answers[name]
        assert status == 422, body
        assert [d["field"] for d in body["detail"]] == ["payment_terms.by_days.30"]
    assert answers["list_failures"] == (200, {"tenant_id": tenant_id, "failures": []})
    status, queued = answers["retry_failures"]
    assert (status, queued["enqueued"], len(queued["not_found"])) == (202, 0, 1)
    assert answers["list_sync_runs"] == (200, {"tenant_id": tenant_id, "runs": []})
