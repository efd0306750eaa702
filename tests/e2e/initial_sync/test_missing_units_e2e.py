"""Units Rackbeat lacks, made in one click: the preview names them, POST .../prerequisites/units
makes them once (spelled as in Tripletex), and the products that failed for their unit import on
a retry. Real HTTP into the local stack, the import through InitialSyncQueue, both simulators."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from local.outbox import confirm_contact
from tests.support.import_world import DEADLINE_S, SmallCompany, small_company
from tests.support.stack import good_credentials, rackbeat_seed, tripletex_seed

IMPORT = {
    "entities": ["products"],
    "customer_group": 1,
    "supplier_group": 1,
    "product_group": 1,
    "service_group": 2,
    "payment_terms": {"default": 1},
}


@pytest.fixture(scope="module")
def company() -> Iterator[SmallCompany]:
    seed = tripletex_seed()
    # Tripletex calls its pack unit "Pk" (short name); Rackbeat has no units at all. A product
    # without a unit is counted in pieces ("stk").
    seed["productUnits"] = [{"id": 6, "name": "Pakke", "nameShort": "Pk"}]
    seed["products"] = [
        {"id": 1, "name": "Skrue", "number": "S-1", "priceExcludingVatCurrency": 2.0},
        {"id": 2, "name": "Plugg", "number": "P-1", "productUnit": {"id": 6}, "isStockItem": True},
    ]
    with small_company(seed, rackbeat_seed(with_groups=True)) as running:
        yield running


def _tenant(api_url: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(base_url=api_url, timeout=60.0)
    created = http.post(
        "/tenants",
        json={"company_name": "Fjord Lager AS", "contact_name": "Ingrid", "contact_email": "i@fjord.no"},
    ).json()
    confirm_contact(http, "i@fjord.no")
    http.headers["Authorization"] = f"Bearer {created['management_token']}"
    base = f"/tenants/{created['tenant_id']}"
    assert http.put(f"{base}/credentials", json=good_credentials()).status_code == 200
    return http, base


def _wait(what: str, ready: Any) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.3)


def _units(company: SmallCompany) -> list[str]:
    return sorted(unit["name"] for unit in company.rackbeat.dump_state()["units"])


def test_missing_units_are_made_once_and_the_failed_products_import_on_retry(company: SmallCompany) -> None:
    http, base = _tenant(company.api_url)
    preview = http.post(f"{base}/initial-sync?dry_run=true", json=IMPORT).json()
    assert preview["missing_units"] == ["pk", "stk"]
    assert preview["entities"]["product"]["would_fail"] == 2

    # The import runs before the units exist: both products fail for their unit.
    assert http.post(f"{base}/initial-sync", json=IMPORT).status_code == 202
    _wait("the import", lambda: http.get(f"{base}/initial-sync").json()["state"] == "completed_with_failures")
    failures = http.get(f"{base}/failures").json()["failures"]
    assert sorted((f["number"], f["reason"]) for f in failures) == [
        ("P-1", "unknown_unit"),
        ("S-1", "unknown_unit"),
    ]

    # One click makes both units, as Tripletex spells them; a second click makes nothing.
    first = http.post(f"{base}/prerequisites/units", json={"names": preview["missing_units"]})
    assert first.status_code == 200, first.text
    assert sorted(unit["name"] for unit in first.json()["created"]) == ["Pk", "stk"]
    again = http.post(f"{base}/prerequisites/units", json={"names": preview["missing_units"]})
    assert (again.status_code, again.json()) == (200, {"created": []})
    assert _units(company) == ["Pk", "stk"]

    after = http.post(f"{base}/initial-sync?dry_run=true", json=IMPORT).json()
    assert after["missing_units"] == []
    assert after["entities"]["product"]["would_fail"] == 0

    # The import already ran: retrying its failures brings the products, each with its unit.
    assert http.post(f"{base}/failures/retry", json={"all": True}).status_code == 202
    products = lambda: company.rackbeat.dump_state()["products"]  # noqa: E731
    _wait("the retried products", lambda: len(products()) == 2)
    numbers = {unit["name"]: unit["number"] for unit in company.rackbeat.dump_state()["units"]}
    assert {p["number"]: p["unit_id"] for p in products()} == {"S-1": numbers["stk"], "P-1": numbers["Pk"]}
    _wait("the failures to clear", lambda: http.get(f"{base}/failures").json()["failures"] == [])


def test_a_name_tripletex_does_not_know_is_left_alone(company: SmallCompany) -> None:
    http, base = _tenant(company.api_url)
    before = _units(company)
    answer = http.post(f"{base}/prerequisites/units", json={"names": ["Kasse"]})
    assert (answer.status_code, answer.json()) == (200, {"created": []})
    assert _units(company) == before
    assert http.post(f"{base}/prerequisites/units", json={"names": []}).status_code == 422
