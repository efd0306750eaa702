"""Ongoing sync through the local stack: onboarding registers the Rackbeat webhooks, the
simulator delivers them over HTTP to the webhooks function, SyncQueue runs ongoing_sync; and the
schedule path with webhooks off. Checked in the Tripletex simulator's state and request log."""

from __future__ import annotations

import copy

from rackbeat_tripletex.sync.history import list_sync_runs
from tests.support.sync_stack import World
from tests.support.sync_world import business_calls, tripletex_rows


def test_webhook_path_then_schedule_path_then_idle(world: World) -> None:
    tenant_id = world.onboard()
    hooks = world.rackbeat.webhooks()
    assert {w["event"] for w in hooks} >= {"customer.created", "product.created", "customer_invoice.booked"}
    assert all(tenant_id in w["url"] for w in hooks)

    # --- webhook path; every delivery arrives twice ---
    world.user.create_customer(7001, "Webhook Kunde AS")
    world.user.create_product("W-1", "Skrutrekker", 150.0)
    world.user.book_invoice(7001, [("W-1", 2, 150.0)], "2025-03-03")
    world.rackbeat.queue_deliveries(copy.deepcopy(world.rackbeat.pending_deliveries()))
    assert world.rackbeat.deliver_pending() >= 6
    assert all(entry["status"] == 202 for entry in world.rackbeat.delivery_log())
    world.wait_for("the webhook invoice", lambda: len(tripletex_rows(world.tripletex, "invoices")) == 1)
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    assert [c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")] == [7001]
    assert [p["number"] for p in tripletex_rows(world.tripletex, "products")] == ["W-1"]
    (invoice,) = tripletex_rows(world.tripletex, "invoices")
    assert invoice["amount"] == 375.0

    # --- updates follow through the webhook too ---
    world.user.update_product("W-1", sales_price=175.0)
    world.rackbeat.deliver_pending()
    world.wait_for(
        "the product update",
        lambda: tripletex_rows(world.tripletex, "products")[0]["priceExcludingVatCurrency"] == 175.0,
    )

    # --- schedule path, webhooks switched off ---
    for webhook in list(world.rackbeat.webhooks()):
        webhook["is_active"] = False
    world.user.create_customer(7002, "Skjema Kunde AS")
    world.user.create_product("S-1", "Tang", 90.0)
    world.user.book_invoice(7002, [("S-1", 1, 90.0)], "2025-03-04")
    world.user.update_customer(7001, company_name="Webhook Kunde Endret AS")
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before + 3)
    customers = {c["customerNumber"]: c["name"] for c in tripletex_rows(world.tripletex, "customers")}
    assert customers == {7001: "Webhook Kunde Endret AS", 7002: "Skjema Kunde AS"}
    assert sorted(p["number"] for p in tripletex_rows(world.tripletex, "products")) == ["S-1", "W-1"]
    assert len(tripletex_rows(world.tripletex, "invoices")) == 2
    # Nothing echoed: our writes to Tripletex never wrote back to Rackbeat (the integration's calls
    # carry its Consumer-Name, the user's do not; registering webhooks at onboarding is no echo).
    ours = [e for e in business_calls(world.rackbeat.request_log) if e["consumer"]]
    assert ours, "the integration's Rackbeat reads carry its Consumer-Name"
    writes = [e for e in ours if e["method"] in ("POST", "PUT", "DELETE")]
    assert [e for e in writes if not e["path"].startswith("/api/webhooks")] == []

    # --- an idle tenant: one Rackbeat read per enabled stream, nothing at Tripletex ---
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    world.tripletex.request_log.clear()
    world.rackbeat.request_log.clear()
    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the idle run", lambda: world.runs(tenant_id) >= before + 3)
    world.wait_for("the queue to drain", lambda: world.queue_empty())
    calls = business_calls(world.rackbeat.request_log)
    assert len(calls) == 3, [
        (r.run_id, r.stream.value, r.started_at.isoformat())
        for r in list_sync_runs(tenant_id, limit=12, table=world.table).runs
    ]
    assert business_calls(world.tripletex.request_log) == []


def test_unverified_deliveries_are_refused(world: World) -> None:
    tenant = "0" * 32
    answer = world.http.post(
        f"/webhooks/rackbeat/{tenant}",
        json={"key_name": "number", "key": "1"},
        headers={"Rackbeat-Webhook-Event": "customer.created", "Rackbeat-Webhook-Token": "x" * 32},
    )
    assert answer.status_code == 401
    answer = world.http.post(f"/webhooks/tripletex/{tenant}", json={"event": "customer.update", "id": 1})
    assert answer.status_code == 401
