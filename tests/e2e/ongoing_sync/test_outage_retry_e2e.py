"""A Tripletex outage through the local stack: the webhook's turn stops on the 503s, the tenant
stays held and its turn comes back by a *delayed* SyncQueue message (sync/work.py), which moto
honours; once Tripletex answers again the change lands from that message, with no schedule tick,
and once."""

from __future__ import annotations

from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.sync.history import list_sync_runs
from rackbeat_tripletex.sync.work import RETRY_FIRST_SECONDS
from tests.support.sync_stack import World
from tests.support.sync_world import tripletex_rows


def test_a_change_made_during_an_outage_lands_once_by_the_delayed_retry(world: World) -> None:
    tenant_id = world.onboard()
    world.tripletex.set_faults({"error_rates": {"503": 1.0}, "only_paths": "^/v2/customer"})
    world.user.create_customer(8101, "Driftsavbrudd AS")
    assert world.rackbeat.deliver_pending() >= 1
    # The turn stopped on the outage and sent its retry, delayed: on the queue, not yet work.
    world.wait_for("the delayed retry", lambda: world.queue_counts() == (0, 0, 1))
    runs = list_sync_runs(tenant_id, limit=50, table=world.table).runs
    customers = [r for r in runs if r.stream == StreamName.CUSTOMERS_TO_TRIPLETEX]
    assert [r.outcome for r in customers] == [RunOutcome.FAILED]
    assert tripletex_rows(world.tripletex, "customers") == []

    world.tripletex.set_faults({})
    # Generous: the retry waits RETRY_FIRST_SECONDS, and the machine may be busy.
    world.wait_for(
        "the change from the retry",
        lambda: bool(tripletex_rows(world.tripletex, "customers")),
        within=RETRY_FIRST_SECONDS + 150,
    )
    world.wait_for("the queue to drain", lambda: world.queue_counts() == (0, 0, 0))
    assert [c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")] == [8101]
    created = [
        e
        for e in world.tripletex.request_log
        if e["method"] == "POST" and e["path"] == "/v2/customer" and e["status"] in (200, 201)
    ]
    assert len(created) == 1
    runs = list_sync_runs(tenant_id, limit=50, table=world.table).runs
    customers = [r for r in runs if r.stream == StreamName.CUSTOMERS_TO_TRIPLETEX]
    assert sorted(r.outcome for r in customers) == sorted([RunOutcome.FAILED, RunOutcome.OK])
    assert {r.trigger for r in runs} == {"webhook"}, "no schedule tick ran"
