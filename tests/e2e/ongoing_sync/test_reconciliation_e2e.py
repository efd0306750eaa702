"""The reconciliation through the onboarding API on the local stack, for a Norwegian tenant: an
invoice that never arrived in Tripletex (made with the simulator's public helpers) is a gap in
GET .../reconciliation, its one-click resend brings it over through SyncQueue, the next check is
clean, and a date range is resent the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rackbeat_tripletex.sync.reconciliation import OSLO
from tests.support.sync_stack import World

TODAY = dt.datetime.now(OSLO).date()


@pytest.fixture(scope="module")
def tenant(world: World) -> str:
    tenant_id = world.onboard(language="nb")
    world.user.create_customer(7001, "Kunde Sju AS")
    world.user.create_product("R-1", "Skrutrekker", 80.0)
    world.user.book_invoice(7001, [("R-1", 1, 80.0)], TODAY.isoformat())
    world.user.book_invoice(7001, [("R-1", 3, 80.0)], TODAY.isoformat())
    settle(world)
    assert sorted(i["amount"] for i in world.tripletex.records("invoices").values()) == [100.0, 300.0]
    return tenant_id


def settle(world: World) -> None:
    world.rackbeat.deliver_pending()
    world.wait_for("the sync queue to drain", world.queue_empty)


def _post(world: World, tenant: str, path: str, body: dict[str, Any]) -> Any:
    return world.http.post(f"/tenants/{tenant}/reconciliation{path}", json=body, headers=world.auth(tenant))


def test_a_missing_invoice_is_shown_resent_in_one_click_and_then_gone(world: World, tenant: str) -> None:
    clean = _post(world, tenant, "/check", {"day": TODAY.isoformat()})
    assert clean.status_code == 200, clean.text
    assert (clean.json()["day"]["invoices"], clean.json()["gaps"]) == (2, [])

    # Gone from Tripletex behind the API, invoice and order, as if it had never been sent.
    invoice = next(i for i in world.tripletex.records("invoices").values() if i["amount"] == 300.0)
    world.tripletex.forget("invoices", int(invoice["id"]))
    for order in invoice["orders"]:
        world.tripletex.forget("orders", int(order["id"]))

    checked = _post(world, tenant, "/check", {"day": TODAY.isoformat()})
    assert checked.status_code == 200, checked.text
    (gap,) = checked.json()["gaps"]
    assert gap["kind"] == "invoice_missing"
    assert gap["resendable"] is True
    assert gap["summary"] == f"Faktura {gap['key']} er bokført i Rackbeat, men finnes ikke i Tripletex."
    assert gap["fix"] == "Velg \u00abSend på nytt\u00bb: fakturaen sendes til Tripletex igjen."

    shown = world.http.get(f"/tenants/{tenant}/reconciliation", headers=world.auth(tenant))
    assert shown.status_code == 200, shown.text
    assert [g["gap_id"] for g in shown.json()["gaps"]] == [gap["gap_id"]]
    assert shown.json()["days"][0]["day"] == TODAY.isoformat()
    assert shown.json()["days"][0]["gaps"] == 1

    resent = _post(world, tenant, "/resend", {"gap_ids": [gap["gap_id"], "2026-01-01-unknown"]})
    assert resent.status_code == 202, resent.text
    assert resent.json()["resent"] == [gap["gap_id"]]
    assert resent.json()["not_found"] == ["2026-01-01-unknown"]
    settle(world)

    assert sorted(i["amount"] for i in world.tripletex.records("invoices").values()) == [100.0, 300.0]
    again = _post(world, tenant, "/check", {"day": TODAY.isoformat()})
    assert again.json()["gaps"] == []
    assert (
        world.http.get(f"/tenants/{tenant}/reconciliation", headers=world.auth(tenant)).json()["gaps"] == []
    )


def test_a_date_range_is_checked_and_its_missing_invoices_resent(world: World, tenant: str) -> None:
    invoice = next(i for i in world.tripletex.records("invoices").values() if i["amount"] == 100.0)
    world.tripletex.forget("invoices", int(invoice["id"]))
    for order in invoice["orders"]:
        world.tripletex.forget("orders", int(order["id"]))
    yesterday = TODAY - dt.timedelta(days=1)

    resent = _post(
        world, tenant, "/resend", {"date_from": yesterday.isoformat(), "date_to": TODAY.isoformat()}
    )

    assert resent.status_code == 202, resent.text
    assert resent.json()["days_checked"] == [yesterday.isoformat(), TODAY.isoformat()]
    assert len(resent.json()["resent"]) == 1
    settle(world)
    assert sorted(i["amount"] for i in world.tripletex.records("invoices").values()) == [100.0, 300.0]


def test_a_wrong_range_is_refused_in_the_tenants_language(world: World, tenant: str) -> None:
    refused = _post(world, tenant, "/resend", {"date_from": TODAY.isoformat(), "date_to": "2020-01-01"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["message"] == (
        "Forespørselen ble ikke godtatt. body: fra-datoen kan ikke være etter til-datoen, og perioden "
        "kan være høyst 31 dager"
    )
