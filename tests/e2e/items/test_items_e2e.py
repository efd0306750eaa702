"""Issue 15's item streams end to end on the local stack (both simulators over real HTTP, the
local API, SQS pollers): the initial import's optional employee step; a bill of materials reaching
Tripletex by its lot.created webhook and its edit by the schedule (no lot.updated); an invoice
line for the BOM on its Tripletex product; a product deleted in Rackbeat made inactive in
Tripletex; a customer deleted in Tripletex barred in Rackbeat (its Tripletex event); and a
BOM's Tripletex product never coming back to Rackbeat as a product."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from local.simulators.base import transport
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, GROUP_25, rackbeat_seed, tripletex_seed
from tests.support.sync_stack import World, running_world
from tests.support.sync_world import tripletex_rows

STREAMS = {
    "customers_to_tripletex": True,
    "products_to_tripletex": True,
    "lots_to_tripletex": True,
    "invoices_to_tripletex": True,
    "customers_to_rackbeat": True,
    "products_to_rackbeat": True,
}
IMPORT = {
    "entities": ["customers"],
    "customer_group": 1,
    "supplier_group": 1,
    "product_group": 1,
    "service_group": 5,
    "payment_terms": {"default": 1},
    "employees": True,
}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    tripletex = {
        **tripletex_seed(),
        "grants": [*tripletex_seed()["grants"], "employee"],
        "options": {"allow_http_targets": True},
        "customers": [
            {"id": 501, "name": "Importert Kunde AS", "customerNumber": 10501, "isPrivateIndividual": True}
        ],
        "employees": [
            {"id": 21, "firstName": "Ingrid", "lastName": "Fjord", "email": "i@fjordlager.no"},
            {"id": 22, "firstName": "Per", "lastName": "Lager", "email": "PER@fjordlager.no"},
        ],
    }
    rackbeat = {
        **rackbeat_seed(),
        "employees": [{"number": 1, "name": "Per L.", "contact_email": "per@fjordlager.no"}],
    }
    with running_world(tripletex, rackbeat) as started:
        yield started


def _product(world: World, number: str) -> dict[str, Any] | None:
    return next((p for p in tripletex_rows(world.tripletex, "products") if p["number"] == number), None)


def test_employees_boms_and_deactivation_end_to_end(world: World) -> None:
    tenant_id = world.onboard(streams=STREAMS)
    auth = world.auth(tenant_id)

    # --- the initial import with its employee step: Ingrid is new, Per is there by e-mail
    started = world.http.post(f"/tenants/{tenant_id}/initial-sync", json=IMPORT, headers=auth)
    assert started.status_code == 202, started.text
    world.wait_for(
        "the initial import",
        lambda: (
            world.http.get(f"/tenants/{tenant_id}/initial-sync", headers=auth).json()["state"]
            in ("completed", "completed_with_failures")
        ),
    )
    employees = sorted(e["name"] for e in world.rackbeat.records("employees").values())
    assert employees == ["Ingrid Fjord", "Per L."]
    world.wait_for("the queue to drain", world.queue_empty)

    # --- a BOM by its lot.created webhook; its edit by the schedule (Rackbeat has no lot.updated)
    world.user.create_product("D-1", "Dybel", 2.0)
    world.user._send(
        "POST",
        "/lots",
        {
            "number": "SETT-1",
            "name": "Festesett",
            "group": GROUP_25,
            "sales_price": 120.0,
            "lines": [{"product_id": "D-1", "quantity": 10}],
        },
    )
    assert world.rackbeat.deliver_pending() >= 2
    world.wait_for("the BOM in Tripletex", lambda: _product(world, "SETT-1") is not None)
    world.wait_for("the queue to drain", world.queue_empty)
    world.user._send("PUT", "/lots/SETT-1", {"sales_price": 135.0})
    assert [d.event for d in world.rackbeat.pending_deliveries()] == []
    world.fire_schedule()
    world.wait_for(
        "the BOM edit by the schedule",
        lambda: (_product(world, "SETT-1") or {}).get("priceExcludingVatCurrency") == 135.0,
    )
    world.wait_for("the queue to drain", world.queue_empty)

    # --- an invoice selling the BOM: its line is on the BOM's Tripletex product
    world.user.create_customer(7001, "Sett Kunde AS")
    world.user.book_invoice(7001, [("SETT-1", 3, 135.0)], "2025-04-01")
    world.rackbeat.deliver_pending()
    world.wait_for("the invoice", lambda: len(tripletex_rows(world.tripletex, "invoices")) == 1)
    [order] = tripletex_rows(world.tripletex, "orders")
    bom = _product(world, "SETT-1")
    assert bom is not None
    assert [line["product"]["id"] for line in order["orderLines"]] == [bom["id"]]

    # --- a product deleted in Rackbeat: inactive in Tripletex, not deleted
    world.user._send("DELETE", "/products/D-1")
    world.rackbeat.deliver_pending()
    world.wait_for("the deactivation", lambda: (_product(world, "D-1") or {}).get("isInactive") is True)

    # --- a customer deleted in Tripletex: barred in Rackbeat by its customer.delete event
    world.wait_for("the queue to drain", world.queue_empty)
    credentials = TripletexCredentials(
        consumer_token=SecretStr(CONSUMER_TOKEN), employee_token=SecretStr(EMPLOYEE_TOKEN)
    )
    with TripletexClient(
        "http://tripletex-user.test/v2", credentials, transport=transport(world.tripletex)
    ) as user:
        user._call("DELETE", "/customer/501")
    world.tripletex.deliver_pending()
    world.wait_for("the barring", lambda: world.rackbeat.records("customers")[10501]["is_barred"] is True)
    world.wait_for("the queue to drain", world.queue_empty)

    # Nothing came back the other way: no Rackbeat product for the BOM, no Tripletex customer again.
    world.rackbeat.deliver_pending()
    world.tripletex.deliver_pending()
    world.fire_schedule()
    world.wait_for("the queue to drain", world.queue_empty)
    assert "SETT-1" not in world.rackbeat.records("products")
    assert 10501 not in {c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")}
    assert sorted(p["number"] for p in tripletex_rows(world.tripletex, "products")) == ["D-1", "SETT-1"]
