"""Purchase orders -> Tripletex, end to end through the engine against both simulators: the
supplier and products first, one Tripletex order per booked Rackbeat order with its lines, kept
in step, goods receipts per the tenant's setting, and each Tripletex variant the evidence leaves
open (Logistics missing, required fields, goods receipts)."""

from __future__ import annotations

from typing import Any

import pytest

from local.simulators.rackbeat import purchasing
from rackbeat_tripletex.models.domain import PurchaseOrderSettings
from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.support.sync_world import Env, tripletex_rows

STREAM = StreamName.PURCHASE_ORDERS_TO_TRIPLETEX


@pytest.fixture
def ordering(env: Env) -> Env:
    """Supplier 3001 and two products in Rackbeat; the purchase-order stream on (its
    dependencies' streams off: the order syncs them itself)."""
    env.user._send("POST", "/suppliers", {"number": 3001, "company_name": "Lev AS", "payment_terms_id": 1})
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.create_product("P-2", "Sag", 80.0)
    settings = env.ctx.tenants.get_settings(env.tenant.tenant_id)
    assert settings is not None
    streams = settings.streams.model_copy(
        update={STREAM.value: True, "products_to_tripletex": False, "invoices_to_tripletex": False}
    )
    env.ctx.tenants.put_settings(env.tenant.tenant_id, settings.model_copy(update={"streams": streams}))
    return env


def goods(env: Env, mode: str) -> None:
    settings = env.ctx.tenants.get_settings(env.tenant.tenant_id)
    assert settings is not None
    chosen = PurchaseOrderSettings(goods_receipts=mode)  # type: ignore[arg-type]
    env.ctx.tenants.put_settings(
        env.tenant.tenant_id, settings.model_copy(update={"purchase_orders": chosen})
    )


def orders(env: Env) -> list[dict[str, Any]]:
    return tripletex_rows(env.tripletex, "purchaseOrders")


def lines(env: Env) -> list[tuple[int, float, float]]:
    return sorted(
        (r["product"]["id"], r["count"], r["unitCostCurrency"])
        for r in tripletex_rows(env.tripletex, "purchaseOrderLines")
    )


def product_id(env: Env, number: str) -> int:
    (found,) = [p["id"] for p in tripletex_rows(env.tripletex, "products") if p["number"] == number]
    return int(found)


def test_a_booked_order_arrives_once_with_supplier_products_and_lines(ordering: Env) -> None:
    env = ordering
    purchasing.create_order(
        env.rackbeat, 3001, [("P-1", 5, 60), ("P-2", 2, 40), ("P-1", 1, 60)], delivery="2026-12-20"
    )
    purchasing.create_order(env.rackbeat, 3001, [("P-2", 1, 40)], booked=False)  # a draft

    run = env.run()[STREAM]
    assert (run.read, run.written, run.failed, run.outcome) == (1, 1, 0, RunOutcome.OK)
    (order,) = orders(env)
    (supplier,) = tripletex_rows(env.tripletex, "suppliers")
    assert order["supplier"] == {"id": supplier["id"]}
    assert (order["deliveryDate"], order["internalComment"], order["comments"]) == (
        "2026-12-20",
        "RB-PO-1001",
        "Rackbeat 1001",
    )
    assert order["ourContact"] == {"id": env.tripletex.employee["id"]}
    assert lines(env) == [(product_id(env, "P-1"), 6.0, 60.0), (product_id(env, "P-2"), 2.0, 40.0)]

    # Again (cursor overlap), and the nightly reconcile: nothing new.
    assert env.run()[STREAM].written == 0
    assert env.run(full=True)[STREAM].written == 0
    assert len(orders(env)) == 1


def test_a_changed_order_is_brought_in_step_line_by_product(ordering: Env) -> None:
    env = ordering
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 5, 60), ("P-2", 2, 40)], delivery="2026-12-20")
    env.run()
    purchasing.update_order(env.rackbeat, 1001, lines=[("P-1", 7, 55)], delivery="2026-12-24")
    assert env.run()[STREAM].written == 1
    (order,) = orders(env)
    assert order["deliveryDate"] == "2026-12-24"
    assert lines(env) == [(product_id(env, "P-1"), 7.0, 55.0)]


def test_a_worker_killed_after_creating_finds_its_order_again(ordering: Env) -> None:
    env = ordering
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 5, 60)], delivery="2026-12-20")
    real = env.ctx.links.record

    def kill(tenant_id: str, entity: Any, key: str, **rest: Any) -> None:
        if entity == "purchase_order":
            raise KeyboardInterrupt("worker killed")
        real(tenant_id, entity, key, **rest)

    env.ctx.links.record = kill  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        env.run()
    env.ctx.links.record = real  # type: ignore[method-assign]
    LinkStore(env.ctx.table).release_lease(env.tenant.tenant_id, "purchase_order", "1001")
    assert env.run()[STREAM].written == 1
    assert len(orders(env)) == 1
    assert len(lines(env)) == 1


@pytest.mark.parametrize("field", ["preferred_delivery_date", "deliver_at", "none"])
def test_each_delivery_date_field_gives_a_delivery_date(ordering: Env, field: str) -> None:
    env = ordering
    env.rackbeat.set_options({"po_delivery_field": field})
    made = purchasing.create_order(env.rackbeat, 3001, [("P-1", 1, 60)], delivery="2026-12-20")
    env.run()
    (order,) = orders(env)
    expected = made["created_at"][:10] if field == "none" else "2026-12-20"
    assert order["deliveryDate"] == expected


@pytest.mark.parametrize("required", ["strict", "lenient"])
def test_either_required_field_rule_takes_the_order(ordering: Env, required: str) -> None:
    env = ordering
    env.tripletex.set_options({"po_required": required})
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 1, 60)], delivery="2026-12-20")
    assert env.run()[STREAM].written == 1


@pytest.mark.parametrize("logistics", ["absent", "absent_empty"])
def test_without_logistics_the_stream_stops_with_one_failure(ordering: Env, logistics: str) -> None:
    env = ordering
    env.tripletex.set_options({"logistics": logistics})
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 1, 60)], delivery="2026-12-20")
    purchasing.create_order(env.rackbeat, 3001, [("P-2", 1, 40)], delivery="2026-12-20")
    run = env.run()[STREAM]
    assert run.failed == 1
    failures = [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.source == STREAM.value
    ]
    assert [f.key for f in failures] == ["logistics"]
    assert "Logistikk Basis" in failures[0].message

    env.tripletex.set_options({"logistics": "basic"})
    assert env.run()[STREAM].written == 2
    assert [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.source == STREAM.value
    ] == []


def test_receipts_register_then_confirm_only_when_the_tenant_chooses(ordering: Env) -> None:
    env = ordering
    for product in env.tripletex.store["products"].values():
        product["isStockItem"] = True
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 5, 60), ("P-2", 2, 40)], delivery="2026-12-20")
    env.run()
    purchasing.receive(env.rackbeat, 1001, [("P-1", 3)])
    env.run()  # goods receipts off: nothing registered
    assert tripletex_rows(env.tripletex, "goodsReceiptLines") == []

    goods(env, "confirm")
    env.run()
    received = {
        r["product"]["id"]: r["quantityReceived"] for r in tripletex_rows(env.tripletex, "goodsReceiptLines")
    }
    assert received == {product_id(env, "P-1"): 3.0, product_id(env, "P-2"): 0.0}
    assert orders(env)[0]["status"] == "STATUS_RECEIVING"  # partly received: not confirmed

    purchasing.receive(env.rackbeat, 1001, [("P-1", 2), ("P-2", 2)])
    env.run()
    assert orders(env)[0]["status"] == "STATUS_CONFIRMED"
    assert env.tripletex.store["products"][product_id(env, "P-1")]["_stock"] == 5.0
    assert env.run(full=True)[STREAM].failed == 0  # a confirmed order is left alone


def test_without_goods_receipts_in_tripletex_the_order_fails_alone(ordering: Env) -> None:
    env = ordering
    env.tripletex.set_options({"goods_receipt": "absent"})
    goods(env, "register")
    purchasing.create_order(env.rackbeat, 3001, [("P-1", 5, 60)], delivery="2026-12-20")
    purchasing.receive(env.rackbeat, 1001, [("P-1", 5)])
    run = env.run()[STREAM]
    assert (run.written, run.failed) == (0, 1)
    assert len(orders(env)) == 1  # the order itself is there
    (failure,) = [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.source == STREAM.value
    ]
    assert failure.key == "1001"
    assert "varemottak" in failure.message
    env.tripletex.set_options({"goods_receipt": "supported"})
    assert env.run()[STREAM].written == 1  # tried again, without a change in Rackbeat
    assert len(orders(env)) == 1
    assert [r["quantityReceived"] for r in tripletex_rows(env.tripletex, "goodsReceiptLines")] == [5.0]
