"""Issue 15's ledger streams through the local stack: the settings API checks the stock value's
accounts against Tripletex's chart, the schedule (they have no webhooks) carries purchase orders
and catches up months of stock value, and an invoice paid in Tripletex shows as paid in
``GET /tenants/{id}/invoices/payments``, which says why Rackbeat itself is not updated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from local.simulators.rackbeat import purchasing, reports
from tests.support.sync_stack import World
from tests.support.sync_world import tripletex_rows, tripletex_user

STREAMS = {
    "customers_to_tripletex": True,
    "products_to_tripletex": True,
    "invoices_to_tripletex": True,
    "purchase_orders_to_tripletex": True,
    "stock_value_to_tripletex": True,
    "payments_to_rackbeat": True,
}


def test_purchase_orders_stock_value_and_payment_status_end_to_end(world: World) -> None:
    today = dt.date.today()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month
    stock = {
        "schedule": "monthly",
        "inventory_account": 1460,
        "offset_account": 4090,
        "first_period_from": first.isoformat(),
    }

    # The wizard offers the company's chart; the settings API refuses an account it lacks.
    tenant_id = world.onboard()
    chart = world.http.get(f"/tenants/{tenant_id}/ledger/accounts", headers=world.auth(tenant_id))
    assert chart.status_code == 200, chart.text
    assert {1460, 4090} <= {a["number"] for a in chart.json()["accounts"]}
    refused = world.http.put(
        f"/tenants/{tenant_id}/settings",
        json={
            "streams": STREAMS,
            "notification_email": "i@fjordlager.no",
            "stock_value": {**stock, "offset_account": 4999},
        },
        headers=world.auth(tenant_id),
    )
    assert refused.status_code == 422, refused.text
    assert "4999" in refused.json()["message"]
    saved = world.http.put(
        f"/tenants/{tenant_id}/settings",
        json={"streams": STREAMS, "notification_email": "i@fjordlager.no", "stock_value": stock},
        headers=world.auth(tenant_id),
    )
    assert saved.status_code == 200, saved.text

    # Rackbeat: stock last month, a supplier, a booked purchase order and a booked invoice.
    reports.books(world.rackbeat).stock_movements.append((first + dt.timedelta(days=3), Decimal("2500")))
    world.user._send("POST", "/suppliers", {"number": 3001, "company_name": "Lev AS", "payment_terms_id": 1})
    world.user.create_product("L-1", "Lagervare", 100.0)
    purchasing.create_order(
        world.rackbeat, 3001, [("L-1", 10, 60)], delivery=(today + dt.timedelta(days=7)).isoformat()
    )
    world.user.create_customer(5001, "Kunde AS")
    world.user.book_invoice(5001, [("L-1", 2, 100.0)], today.isoformat())
    world.wait_for("the queue to drain", world.queue_empty)

    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before + len(STREAMS))
    world.wait_for("the queue to drain", world.queue_empty)

    (order,) = tripletex_rows(world.tripletex, "purchaseOrders")
    assert order["internalComment"] == "RB-PO-1001"
    assert [line["count"] for line in tripletex_rows(world.tripletex, "purchaseOrderLines")] == [10.0]
    (voucher,) = tripletex_rows(world.tripletex, "vouchers")
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    assert voucher["date"] == last_day.isoformat()
    assert voucher["postings"][0]["amountGross"] == 2500.0
    assert "2500.00" in voucher["description"]

    # The invoice is paid in full in Tripletex; the next scheduled run sees it.
    (invoice,) = tripletex_rows(world.tripletex, "invoices")
    tripletex_user(world.tripletex).request(
        "PUT",
        f"/invoice/{invoice['id']}/:payment",
        params={"paymentDate": today.isoformat(), "paymentTypeId": 1, "paidAmount": invoice["amount"]},
    )
    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before + len(STREAMS))
    answer = world.http.get(f"/tenants/{tenant_id}/invoices/payments", headers=world.auth(tenant_id))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(i["invoice"], i["status"], float(i["outstanding"])) for i in body["invoices"]] == [
        ("1001", "paid", 0.0)
    ]
    assert "Rackbeat has no API for payments" in body["note"]  # the tenant is English
    # Nothing was posted twice by the second run.
    assert len(tripletex_rows(world.tripletex, "vouchers")) == 1
    assert len(tripletex_rows(world.tripletex, "purchaseOrders")) == 1
