"""What an idle scheduled cycle asks of DynamoDB, counted on the engine's own table client.

Every cycle re-reads the cursor overlaps (Rackbeat's last two hours, Tripletex's last minutes),
so an idle tenant's records come back every five minutes. The bound: a fixed number of calls per
enabled stream and per page of records, none per record: no GetItem, no lease, no failure row
rewritten for a record whose content did not change, whether it synced or failed last time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.models.tripletex import Customer
from rackbeat_tripletex.sync.history import list_sync_failures, list_sync_runs
from tests.support.sync_world import Env, tripletex_rows, tripletex_user

CUSTOMERS = 12


@contextmanager
def dynamodb_calls(env: Env) -> Iterator[Counter[str]]:
    """Operations the engine sends DynamoDB while the block runs (botocore's before-call event)."""
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.split(".")[2]] += 1

    events = env.ctx.table.meta.client.meta.events
    events.register("before-call.dynamodb.*", count)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb.*", count)


def busy_tenant(env: Env) -> None:
    """Customers and a product that sync, one product that cannot be mapped, a booked invoice,
    and a Tripletex customer that cannot reach Rackbeat (no initial import): every kind of record
    an idle cycle meets again in its overlap."""
    env.enable("customers_to_rackbeat")
    for number in range(6001, 6001 + CUSTOMERS):
        env.user.create_customer(number, f"Kunde {number} AS")
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.create_product("P-BAD", "Ugyldig", 10.0)
    env.user.update_product("P-BAD", sales_price=-5.0)
    env.user.book_invoice(6001, [("P-1", 2, 100.0)], "2025-02-03")
    tripletex_user(env.tripletex).create_customer(
        Customer(name="Bare i Tripletex AS", customer_number=7001, is_private_individual=True, email="k@b.no")
    )


def test_an_idle_cycle_costs_dynamodb_a_fixed_number_of_calls_per_stream(env: Env) -> None:
    busy_tenant(env)
    first = env.run()
    assert first[StreamName.CUSTOMERS_TO_TRIPLETEX].written == CUSTOMERS
    assert first[StreamName.PRODUCTS_TO_TRIPLETEX].failed == 1
    assert first[StreamName.CUSTOMERS_TO_RACKBEAT].failed == 1
    streams = len(first)

    with dynamodb_calls(env) as calls:
        idle = env.run()

    # Everything re-read, nothing written, nothing tried again.
    assert sum(r.read for r in idle.values()) > 3 * streams
    assert all(r.written == 0 and r.failed == 0 and r.outcome == RunOutcome.OK for r in idle.values())
    # Per tenant: its profile and settings, all cursors in one batch, the history in one batch.
    assert calls["GetItem"] == 2
    assert calls["BatchWriteItem"] == 1
    # Per stream and page of records: one batch read (two for Tripletex: the way back first);
    # at most one cursor write per stream; no lease, no link or failure row touched.
    pages = streams  # every stream's overlap fits in one page here
    assert calls["BatchGetItem"] <= 1 + 2 * pages
    assert calls["PutItem"] <= streams
    assert calls["UpdateItem"] == calls["DeleteItem"] == 0
    assert sum(calls.values()) <= 3 + 3 * streams
    # Fewer calls than records read: no approach that asks per record can get here.
    assert sum(calls.values()) < sum(r.read for r in idle.values())

    # The failures stay listed for the user, once each; the history has a row per stream and run.
    failures = {
        (f.stream, f.key): f.attempts for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)
    }
    assert failures == {
        (StreamName.PRODUCTS_TO_TRIPLETEX, "P-BAD"): 1,
        (StreamName.CUSTOMERS_TO_RACKBEAT, "7001"): 1,
    }
    assert len(list_sync_runs(env.tenant.tenant_id, table=env.ctx.table).runs) == 2 * streams


def test_records_changed_while_idle_are_still_written_once(env: Env) -> None:
    busy_tenant(env)
    env.run()
    env.run()
    env.user.update_customer(6003, company_name="Kunde Ny AS")
    env.user.update_product("P-BAD", sales_price=15.0)  # the user fixed the price

    with dynamodb_calls(env) as calls:
        runs = env.run()

    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    assert runs[StreamName.PRODUCTS_TO_TRIPLETEX].written == 1
    # Leases only for the two records written (take and release each).
    assert calls["UpdateItem"] >= 4
    names = {row["customerNumber"]: row["name"] for row in tripletex_rows(env.tripletex, "customers")}
    assert names[6003] == "Kunde Ny AS"
    assert len([n for n in names if n == 6003]) == 1
    assert [row["number"] for row in tripletex_rows(env.tripletex, "products")].count("P-BAD") == 1
    remaining = [(f.stream, f.key) for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)]
    assert remaining == [(StreamName.CUSTOMERS_TO_RACKBEAT, "7001")]


def test_a_failed_record_is_tried_again_by_a_webhook_and_the_nightly_reconcile(env: Env) -> None:
    busy_tenant(env)
    env.run()
    env.run()  # the scheduled run leaves the unchanged failure alone

    def attempts() -> int:
        (bad,) = [
            f
            for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)
            if f.stream == StreamName.PRODUCTS_TO_TRIPLETEX
        ]
        return bad.attempts

    assert attempts() == 1
    assert env.webhook("product", "P-BAD") == "failed"  # the retry endpoint's path
    assert attempts() == 2
    reconcile = env.run(full=True)
    assert reconcile[StreamName.PRODUCTS_TO_TRIPLETEX].failed == 1
    assert attempts() == 3
