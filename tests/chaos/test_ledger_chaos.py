"""Chaos for issue 15's ledger streams: purchase orders, stock value and payment status.

The same tenant world as the ongoing-sync chaos (``test_ongoing_sync_chaos.World``: the real
ongoing_sync handler works the SyncQueue, the 10 % fault mix on both APIs, the worker killed at
random points, kills right after Tripletex carried out a write whose answer was lost). None of
these streams has webhooks, so the schedule drives them: months of stock value to catch up,
booked purchase orders (their supplier and products synced on the way), and an invoice paid in
part and then in full in Tripletex between the drains.

Invariant: the chaotic run ends equal to the fault-free run, and nothing is in Tripletex twice
(one voucher per period, one purchase order per Rackbeat order).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from local.simulators.rackbeat import purchasing, reports
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.models.domain import StockValueSettings
from rackbeat_tripletex.models.sync import StreamName, TenantSyncTask
from rackbeat_tripletex.store.payments import PaymentStore
from rackbeat_tripletex.store.tenants import TenantStore
from tests.support.sync_world import tripletex_user

from .chaos import DrainStats, QueueDriver
from .test_ongoing_sync_chaos import World

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

TICKS = 8
LEDGER_STREAMS = (
    StreamName.PURCHASE_ORDERS_TO_TRIPLETEX,
    StreamName.STOCK_VALUE_TO_TRIPLETEX,
    StreamName.PAYMENTS_TO_RACKBEAT,
)


def switch_on(world: World) -> None:
    tenants = TenantStore(world.ctx.table)
    settings = tenants.get_settings(world.tenant.tenant_id)
    assert settings is not None
    first = (world.clock.now() - dt.timedelta(days=120)).date()
    streams = settings.streams.model_copy(update={s.value: True for s in LEDGER_STREAMS})
    stock = StockValueSettings(
        schedule="monthly", inventory_account=1460, offset_account=4090, first_period_from=first
    )
    tenants.put_settings(
        world.tenant.tenant_id, settings.model_copy(update={"streams": streams, "stock_value": stock})
    )


def script(world: World) -> None:
    """What the people do in Rackbeat before the first drain (the same in both runs)."""
    today = world.clock.now().date()
    for months_back, value in ((4, 1000), (3, 250.25), (2, -120), (1, 75)):
        day = today - dt.timedelta(days=30 * months_back)
        reports.books(world.rackbeat).stock_movements.append((day, Decimal(str(value))))
    world.user._send("POST", "/suppliers", {"number": 3001, "company_name": "Lev AS", "payment_terms_id": 1})
    for i in range(4):
        world.user.create_product(f"V-{i}", f"Vare {i}", 50.0 + i)
    for i in range(5):
        lines = [(f"V-{(i + j) % 4}", 1 + j, 30 + i) for j in range(1 + i % 3)]
        purchasing.create_order(
            world.rackbeat, 3001, lines, delivery=(today + dt.timedelta(days=10)).isoformat()
        )
    world.user.create_customer(5001, "Kunde AS")
    world.user.book_invoice(5001, [("V-1", 2, 51.0)], today.isoformat())


def pay(world: World, amount: float) -> None:
    (invoice,) = world.tripletex.records("invoices").values()
    tripletex_user(world.tripletex).request(
        "PUT",
        f"/invoice/{invoice['id']}/:payment",
        params={
            "paymentDate": world.clock.now().date().isoformat(),
            "paymentTypeId": 1,
            "paidAmount": amount,
        },
    )


def run_ledger(moto_endpoint: str, *, chaotic: bool) -> dict[str, Any]:
    world = World(moto_endpoint, chaotic=chaotic, kill_rate=0.05)
    switch_on(world)
    script(world)

    from functions.ongoing_sync import app

    original = app.context
    app.context = lambda: world.ctx  # type: ignore[assignment]
    driver = QueueDriver(
        world.sqs, world.queue_url, app.lambda_handler, app_context(), world.clock, world.chaos, batch_size=5
    )
    stats = DrainStats()
    try:
        for tick in range(TICKS):
            if tick == 3:
                pay(world, 40)  # in part, between two drains
            if tick == 5:
                pay(world, 2 * 51.0 * 1.25 - 40)  # the rest
            world.clock.sleep(300.0)
            world.sqs.send_message(
                QueueUrl=world.queue_url,
                MessageBody=TenantSyncTask(tenant_id=world.tenant.tenant_id).model_dump_json(),
            )
            world.drain(driver, stats)
    finally:
        app.context = original
    return {
        "vouchers": vouchers(world.tripletex),
        "orders": purchase_orders(world.tripletex),
        "payments": {
            n: (s.status, s.outstanding)
            for n, s in PaymentStore(world.ctx.table).statuses(world.tenant.tenant_id).items()
        },
        "dead_letters": len(driver.dead_letters()),
        "kills": world.chaos.stats.kills,
        "kill_sites": world.chaos.stats.kill_sites,
    }


def app_context() -> Any:
    from tests.support.lambda_context import FakeLambdaContext

    return FakeLambdaContext()


def vouchers(simulator: TripletexSimulator) -> dict[str, Any]:
    by_external = Counter(v["externalVoucherNumber"] for v in simulator.records("vouchers").values())
    assert all(n == 1 for n in by_external.values()), by_external
    return {
        v["externalVoucherNumber"].rsplit("-", 2)[-2] + "-" + v["externalVoucherNumber"].rsplit("-", 1)[-1]: (
            v["date"],
            v["postings"][0]["amountGross"],
        )
        for v in simulator.records("vouchers").values()
    }


def purchase_orders(simulator: TripletexSimulator) -> dict[str, Any]:
    orders = simulator.records("purchaseOrders").values()
    markers = Counter(o["internalComment"] for o in orders)
    assert all(n == 1 for n in markers.values()), markers
    lines = simulator.records("purchaseOrderLines").values()
    return {
        o["internalComment"]: sorted(
            (line["product"]["id"], line["count"], line["unitCostCurrency"])
            for line in lines
            if line["purchaseOrder"]["id"] == o["id"]
        )
        for o in orders
    }


def test_ledger_streams_under_faults_and_kills_end_as_the_fault_free_run(moto_endpoint: str) -> None:
    calm = run_ledger(moto_endpoint, chaotic=False)
    assert len(calm["vouchers"]) == 4  # four closed months with movements
    assert len(calm["orders"]) == 5
    assert calm["payments"] == {"1001": ("paid", Decimal(0))}
    assert calm["dead_letters"] == 0

    chaotic = run_ledger(moto_endpoint, chaotic=True)
    assert chaotic["dead_letters"] == 0
    assert (chaotic["vouchers"], chaotic["orders"], chaotic["payments"]) == (
        calm["vouchers"],
        calm["orders"],
        calm["payments"],
    )
    assert chaotic["kills"] >= 5, chaotic["kills"]
