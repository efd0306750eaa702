"""Invoice and EHF cases through the local stack: booked in the Rackbeat simulator, delivered as
webhooks over HTTP, synced by ongoing_sync from SyncQueue, read back from the Tripletex
simulator with TripletexClient. Totals equal Rackbeat's to the øre in ``invoice`` and ``order``
mode, and Tripletex never refuses a request (no unit-price VAT error, no EHF error)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.support.seeds import GROUP_0, GROUP_12, GROUP_15, GROUP_25, GROUP_SERVICES
from tests.support.sync_stack import World
from tests.support.sync_world import tripletex_rows, tripletex_user

DAY = "2025-05-06"
OSLO = {
    "address_street": "Storgata 1",
    "address_zipcode": "0155",
    "address_city": "Oslo",
    "address_country": "NO",
}
PRODUCTS = {
    "V25": (GROUP_25, 199.0),
    "V15": (GROUP_15, 42.9),
    "V12": (GROUP_12, 380.0),
    "V0": (GROUP_0, 25.0),
    "SERV": (GROUP_SERVICES, 950.0),
}


def line(item: str, quantity: float, price: float, discount: float | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {"item_id": item, "quantity": quantity, "line_price": price}
    if discount is not None:
        values["discount_percentage"] = discount
    return values


# (customer, lines, currency)
INVOICE_CASES: dict[str, tuple[int, list[dict[str, Any]], str]] = {
    "prices-excluding-vat": (1001, [line("V25", 2, 199.0), line("SERV", 1, 950.0)], "NOK"),
    # Shelf prices set including VAT (99.90, 149.00): Rackbeat holds them divided by the rate.
    "prices-including-vat": (1001, [line("V25", 3, 79.92), line("V15", 1, 129.5652), line("V12", 2, 89.1964)], "NOK"),  # noqa: E501
    "vat-25-15-12-0": (1001, [line("V25", 3, 33.33), line("V15", 7, 12.345), line("V12", 1.5, 99.99), line("V0", 4, 0.335)], "NOK"),  # noqa: E501
    "line-discounts": (1001, [line("V25", 3, 79.9, 12.5), line("V15", 7, 14.99, 33.333), line("SERV", 1, 950.0, 10)], "NOK"),  # noqa: E501
    "foreign-currency": (1002, [line("V25", 5, 12.5), line("SERV", 2, 120.0, 5)], "EUR"),
    "credit-note": (1001, [line("V25", 2, -199.0), line("V15", 1, -49.5, 10), line("V0", 3, -25.0)], "NOK"),
}  # fmt: skip

# (Rackbeat fields, the send method that works for that customer)
EHF_CASES: dict[int, tuple[dict[str, Any], str]] = {
    3001: ({"company_vat": "NO 923 609 016 MVA", **OSLO}, "EHF"),
    3002: ({"company_vat": "923609016"}, "EMAIL"),  # valid number, no address
    3003: ({"company_vat": "923609017", **OSLO}, "EMAIL"),  # fails MOD11
    3004: ({"company_name": "Kari Nordmann", **OSLO}, "EMAIL"),  # a private individual
    3005: (
        {
            "company_vat": "SE556677889901",
            "address_street": "Drottninggatan 5",
            "address_zipcode": "111 51",
            "address_city": "Stockholm",
            "address_country": "SE",
            "vat_zone": "eu",
        },
        "EMAIL",
    ),
}


@pytest.fixture(scope="module")
def tenant(world: World) -> str:
    tenant_id = world.onboard()
    world.user.create_customer(1001, "Fjord Handel AS", company_vat="923609016", **OSLO)
    world.user.create_customer(
        1002,
        "Berlin Werkzeug GmbH",
        currency="EUR",
        vat_zone="abroad",
        address_country="DE",
        address_city="Berlin",
    )
    for number, (group, price) in PRODUCTS.items():
        world.user.create_product(number, f"Vare {number}", price, group=group)
    settle(world)
    return tenant_id


def settle(world: World) -> None:
    world.rackbeat.deliver_pending()
    world.wait_for("the sync queue to drain", world.queue_empty)


def _refusals(world: World) -> list[tuple[str, str, int, Any]]:
    """Requests Tripletex refused. A 429 is not a refusal of the data: it is the simulator's rate
    limit under parallel workers, and the client waits and repeats the read."""
    return [
        (e["method"], e["path"], e["status"], e.get("body"))
        for e in world.tripletex.request_log
        if (e["status"] or 0) >= 400 and e["status"] != 429
    ]


def _tripletex_totals(api: TripletexClient, rackbeat_number: int, mode: str) -> tuple[Decimal, Decimal]:
    """(excluding VAT, including VAT) as Tripletex stored them, read back through its API."""
    day = dt.date.fromisoformat(DAY)
    (order,) = [
        o for o in api.iter_orders(day, day + dt.timedelta(days=1)) if o.number == f"RB-{rackbeat_number}"
    ]
    assert order.id is not None
    if mode == "invoice":
        (invoice,) = [
            i
            for i in api.iter_invoices(day, day + dt.timedelta(days=1))
            if any(o.id == order.id for o in i.orders)
        ]
        return Decimal(str(invoice.amount_excluding_vat)), Decimal(str(invoice.amount))
    stored = api.get_order(order.id)
    assert stored.is_prioritize_amounts_including_vat is not None  # always sent explicitly
    lines = stored.order_lines
    return (
        sum((Decimal(str(x.amount_excluding_vat_currency)) for x in lines), Decimal(0)),
        sum((Decimal(str(x.amount_including_vat_currency)) for x in lines), Decimal(0)),
    )


@pytest.mark.parametrize("mode", ["invoice", "order"])
def test_invoice_cases_reach_tripletex_with_rackbeats_totals(world: World, tenant: str, mode: str) -> None:
    if mode == "order":
        settings = world.http.get(f"/tenants/{tenant}/settings", headers=world.auth(tenant)).json()
        saved = world.http.put(
            f"/tenants/{tenant}/settings",
            json={**_writable_settings(settings), "invoice_mode": "order"},
            headers=world.auth(tenant),
        )
        assert saved.status_code == 200, saved.text
    invoices_before = len(tripletex_rows(world.tripletex, "invoices"))
    world.tripletex.request_log.clear()
    booked = {
        case: world.user.book_lines(customer, lines, DAY, currency)
        for case, (customer, lines, currency) in INVOICE_CASES.items()
    }
    settle(world)

    assert _refusals(world) == []
    assert list_sync_failures(tenant, table=world.table) == []
    with tripletex_user(world.tripletex) as api:
        for case, invoice in booked.items():
            expected = (Decimal(str(invoice["total_subtotal"])), Decimal(str(invoice["total_total"])))
            assert _tripletex_totals(api, invoice["number"], mode) == expected, case
    # Order mode leaves the orders for the user to invoice.
    invoiced = len(tripletex_rows(world.tripletex, "invoices")) - invoices_before
    assert invoiced == (len(INVOICE_CASES) if mode == "invoice" else 0)


def test_ehf_cases_arrive_without_any_tripletex_error(world: World, tenant: str) -> None:
    world.tripletex.request_log.clear()
    for number, (fields, _) in EHF_CASES.items():
        name = fields.pop("company_name", f"Kunde {number} AS")
        world.user.create_customer(number, name, **fields)
    settle(world)

    assert _refusals(world) == []
    assert list_sync_failures(tenant, table=world.table) == []
    stored = {c["customerNumber"]: c for c in tripletex_rows(world.tripletex, "customers")}
    assert {n: stored[n]["invoiceSendMethod"] for n in EHF_CASES} == {n: m for n, (_, m) in EHF_CASES.items()}


def _writable_settings(view: dict[str, Any]) -> dict[str, Any]:
    keys = ("streams", "invoice_mode", "sync_interval_minutes", "notification_email")
    source = view.get("settings", view)
    return {k: source[k] for k in keys if k in source}
