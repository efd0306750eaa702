"""The worst plausible Rackbeat (RACKBEAT-EVIDENCE.md mismatches 2 and 7): only the confirmed
webhook events exist and deliveries carry no ``Rackbeat-Webhook-Token``. Product changes still
arrive by webhook (verified by the URL secret), and a customer change, which has no webhook,
reaches Tripletex by the next scheduled run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_stack import World, running_world
from tests.support.sync_world import tripletex_rows


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    seed = {**rackbeat_seed(), "options": {"webhook_events": "confirmed", "webhook_token_header": False}}
    with running_world(tripletex_seed(), seed) as started:
        yield started


def test_confirmed_events_only_and_no_token_header(world: World) -> None:
    tenant_id = world.onboard()
    confirmed = {"product.created", "product.updated", "product.deleted", "lot.created"}
    assert {w["event"] for w in world.rackbeat.webhooks()} == confirmed
    status = world.http.get(f"/tenants/{tenant_id}/webhooks", headers=world.auth(tenant_id)).json()
    assert status["registered"] == len(confirmed)
    assert "customers" in status["message"]

    world.user.create_product("V-1", "Vinkel", 80.0)
    world.user.create_customer(7101, "Skjema Kunde AS")
    # Only the product has a subscription; its delivery has no token header and is accepted.
    assert world.rackbeat.deliver_pending() == 1
    assert [e["status"] for e in world.rackbeat.delivery_log()] == [202]
    world.wait_for("the webhook product", lambda: len(tripletex_rows(world.tripletex, "products")) == 1)
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    assert tripletex_rows(world.tripletex, "customers") == []

    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before + 3)
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    assert [c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")] == [7101]
