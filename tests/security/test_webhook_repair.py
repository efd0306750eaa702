"""The nightly repair against the local stack: Tripletex disabled one subscription and lost
another, Rackbeat lost one webhook and deactivated another; the schedule fires once and every
one is back, the tenant's run history says which, and a second night changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local.stack import LocalStack
from tests.security.test_webhook_isolation import _activate
from tests.support.live_stack import LiveStack, start_live_stack

SCHEDULE = "NightlyWebhookRepair"


@pytest.fixture
def https_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    # Tripletex accepts only https subscription URLs (nothing is delivered to them here); the
    # local stack points PUBLIC_BASE_URL at itself, so it is replaced after the start.
    stack = start_live_stack(start_local_stack)
    assert stack.local.runner is not None
    stack.local.runner.set_local_environment(PUBLIC_BASE_URL="https://rbtx.example.no")
    with stack.http:
        yield stack


def _ours(subscriptions: dict[int, dict[str, Any]], tenant_id: str) -> dict[str, dict[str, Any]]:
    return {s["event"]: s for s in subscriptions.values() if str(s["targetUrl"]).endswith(f"/{tenant_id}")}


def _rackbeat_hooks(stack: LiveStack, tenant_id: str) -> dict[str, dict[str, Any]]:
    return {h["event"]: h for h in stack.rackbeat.state.webhooks.values() if tenant_id in str(h["url"])}


def test_the_nightly_repair_recreates_disabled_and_missing_webhooks_and_says_so(
    https_stack: LiveStack,
) -> None:
    live_stack = https_stack
    tenant = live_stack.onboarded_tenant()
    _activate(live_stack, tenant)  # customers both ways
    other = live_stack.onboarded_tenant()
    _activate(live_stack, other)
    assert live_stack.local.runner is not None
    subscriptions = live_stack.tripletex.store["subscriptions"]
    before = _ours(subscriptions, tenant.tenant_id)
    assert set(before) == {"customer.create", "customer.update", "customer.delete"}
    hooks = _rackbeat_hooks(live_stack, tenant.tenant_id)
    assert {"customer.created", "customer.updated"} <= set(hooks)

    before["customer.update"]["status"] = "DISABLED_TOO_MANY_ERRORS"
    del subscriptions[before["customer.delete"]["id"]]
    del live_stack.rackbeat.state.webhooks[hooks["customer.created"]["id"]]
    hooks["customer.updated"]["is_active"] = False

    result = live_stack.local.runner.fire_schedule(SCHEDULE)
    assert result.ok, result.error
    assert result.payload == {
        "tenants": 2,
        "rackbeat_webhooks_recreated": 2,
        "tripletex_subscriptions_recreated": 2,
        "failed": 0,
        "not_reached": 0,
    }
    after = _ours(subscriptions, tenant.tenant_id)
    assert {event: s.get("status", "ACTIVE") for event, s in after.items()} == {
        "customer.create": "ACTIVE",
        "customer.update": "ACTIVE",
        "customer.delete": "ACTIVE",
    }
    restored = _rackbeat_hooks(live_stack, tenant.tenant_id)
    assert restored["customer.created"]["is_active"] is True
    assert restored["customer.updated"]["is_active"] is True
    # The other tenant had nothing to repair and nothing of it was touched.
    assert set(_ours(subscriptions, other.tenant_id)) == {
        "customer.create",
        "customer.update",
        "customer.delete",
    }

    runs = live_stack.request("GET", f"/tenants/{tenant.tenant_id}/sync-runs", token=tenant.management_token)
    assert runs.status_code == 200
    repairs = {r["stream"]: r for r in runs.json()["runs"] if r["trigger"] == "reconcile"}
    assert set(repairs) == {"customers_to_tripletex", "customers_to_rackbeat"}
    assert "customer.created" in repairs["customers_to_tripletex"]["detail"]
    assert "customer.updated" in repairs["customers_to_tripletex"]["detail"]
    assert "customer.update" in repairs["customers_to_rackbeat"]["detail"]
    assert "customer.delete" in repairs["customers_to_rackbeat"]["detail"]
    assert [r["written"] for r in repairs.values()] == [2, 2]
    others = live_stack.request("GET", f"/tenants/{other.tenant_id}/sync-runs", token=other.management_token)
    assert [r for r in others.json()["runs"] if r["trigger"] == "reconcile"] == []

    # The next night: nothing lost, nothing re-created, no new history.
    again = live_stack.local.runner.fire_schedule(SCHEDULE)
    assert (
        again.payload["rackbeat_webhooks_recreated"]
        == again.payload["tripletex_subscriptions_recreated"]
        == 0
    )
    runs_again = live_stack.request(
        "GET", f"/tenants/{tenant.tenant_id}/sync-runs", token=tenant.management_token
    )
    assert len([r for r in runs_again.json()["runs"] if r["trigger"] == "reconcile"]) == 2
