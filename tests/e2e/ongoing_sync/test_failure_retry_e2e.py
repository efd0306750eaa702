"""The failures' retry through the local stack: a customer Tripletex refused is listed as a
failure; ``POST /tenants/{id}/failures/retry`` puts it on SyncQueue, and the ongoing_sync worker
runs it as the tenant's turn (sync/work.py ``run_record``), not beside it: it lands once and
its failure is gone."""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.sync.history import list_sync_runs
from tests.support.sync_stack import World
from tests.support.sync_world import tripletex_rows

STREAM = StreamName.CUSTOMERS_TO_TRIPLETEX.value


def _failures(world: World, tenant_id: str) -> list[dict[str, Any]]:
    answer = world.http.get(f"/tenants/{tenant_id}/failures", headers=world.auth(tenant_id))
    assert answer.status_code == 200, answer.text
    return [f for f in answer.json()["failures"] if f["source"] == STREAM]


def test_a_refused_customer_retried_from_the_failures_lands_once_through_the_turn(world: World) -> None:
    tenant_id = world.onboard()
    world.tripletex.set_faults({"error_rates": {"422": 1.0}, "only_paths": "^/v2/customer$"})
    world.user.create_customer(8201, "Avvist Først AS")
    assert world.rackbeat.deliver_pending() >= 1
    world.wait_for("the refusal listed", lambda: [f["key"] for f in _failures(world, tenant_id)] == ["8201"])
    world.wait_for("the queue to drain", world.queue_empty)
    assert tripletex_rows(world.tripletex, "customers") == []

    world.tripletex.set_faults({})
    world.tripletex.request_log.clear()
    retried = world.http.post(
        f"/tenants/{tenant_id}/failures/retry", json={"all": True}, headers=world.auth(tenant_id)
    )
    assert retried.status_code == 202, retried.text
    assert retried.json()["ongoing_sync"] == 1
    world.wait_for("the retried customer", lambda: bool(tripletex_rows(world.tripletex, "customers")))
    world.wait_for("the queue to drain", world.queue_empty)
    assert [c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")] == [8201]
    created = [
        e
        for e in world.tripletex.request_log
        if e["method"] == "POST" and e["path"] == "/v2/customer" and e["status"] in (200, 201)
    ]
    assert len(created) == 1
    assert _failures(world, tenant_id) == []
    runs = list_sync_runs(tenant_id, limit=50, table=world.table).runs
    assert [r.written for r in runs if r.stream.value == STREAM and r.written] == [1]
