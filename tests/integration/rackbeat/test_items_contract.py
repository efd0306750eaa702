"""The simulators' issue-15 behaviour where the evidence is OFF, REAL or PRAC
(specs/EVIDENCE-NEW-STREAMS.md), pinned: the switches play only what the evidence leaves open."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from local.simulators.rackbeat import RackbeatSimulator, create_app
from local.simulators.tripletex import create_app as tripletex_app
from tests.support.seeds import RACKBEAT_TOKEN, rackbeat_seed


@pytest.fixture
def sim() -> RackbeatSimulator:
    return create_app({**rackbeat_seed(), "options": {"webhook_events": "confirmed"}})


def _http(app: Any, base: str, token: str) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=app), base_url=base, headers={"Authorization": f"Bearer {token}"}
    )


def _rackbeat(sim: RackbeatSimulator) -> httpx.Client:
    return _http(sim, "http://rackbeat.test/api", RACKBEAT_TOKEN)


def test_lots_list_and_single_keys(sim: RackbeatSimulator) -> None:
    # PRAC (RT, LN: `lots` and `pages`; LC: RESOURCE_KEY `lot`); OFF (DEV: urlfriendly_number).
    api = _rackbeat(sim)
    body = {"number": "A/1", "name": "Sett", "group": 1, "lines": [{"product_id": "X", "quantity": 1}]}
    assert api.post("/lots", json=body).status_code == 201
    listed = api.get("/lots").json()
    assert {"lots", "pages", "total", "page", "limit"} <= set(listed)
    [lot] = listed["lots"]
    assert lot["number"] == "A/1"
    assert lot["type"] == "lot"
    assert lot["urlfriendly_number"]
    assert set(api.get("/lots/A%252F1").json()) == {"lot"}
    # OFF (SW LotForm 2018): number, name and lines are required.
    refused = api.post("/lots", json={"name": "Uten nummer"})
    assert refused.status_code == 422
    assert {"number", "lines"} <= set(refused.json()["errors"])


@pytest.mark.parametrize("event", ["lot.created", "product.deleted"])
def test_the_documented_events_exist_even_in_the_confirmed_catalogue(
    sim: RackbeatSimulator, event: str
) -> None:
    # OFF (DEV changelog 2026-04-27).
    answer = _rackbeat(sim).post("/webhooks", json={"event": event, "url": "https://example.test/h"})
    assert answer.status_code == 201


def test_a_product_converted_to_a_bom_announces_it(sim: RackbeatSimulator) -> None:
    # OFF (DEV changelog 2026-04-27): product.deleted with converted_to_lot, then lot.created.
    api = _rackbeat(sim)
    for event in ("product.deleted", "lot.created"):
        api.post("/webhooks", json={"event": event, "url": "https://example.test/h"})
    api.post("/products", json={"number": "P-1", "name": "Vare", "group": 1, "sales_price": 10.0})
    sim.convert_product_to_lot("P-1", [])
    deliveries = [(d.event, d.body) for d in sim.pending_deliveries()]
    assert deliveries == [
        ("product.deleted", {"key_name": "number", "key": "P-1", "converted_to_lot": True}),
        ("lot.created", {"key_name": "number", "key": "P-1"}),
    ]
    assert api.get("/products/P-1").status_code == 404
    assert api.get("/lots/P-1").json()["lot"]["name"] == "Vare"


def test_employees_list_key_and_create_needs_a_name(sim: RackbeatSimulator) -> None:
    # PRAC (KU: `employees`); OFF 2018 (SW EmployeeForm: name is the one required field).
    api = _rackbeat(sim)
    assert api.post("/employees", json={"contact_email": "a@b.no"}).status_code == 422
    created = api.post("/employees", json={"name": "Kari Nordmann", "contact_email": "kari@firma.no"})
    assert created.status_code == 201
    assert "employee" in created.json()
    assert [e["name"] for e in api.get("/employees").json()["employees"]] == ["Kari Nordmann"]


def test_tripletex_employees_without_a_number_and_contacts() -> None:
    # REAL (CC): employeeNumber "" without a number; OFF (spec): includeContacts defaults to false.
    seed = {
        "consumer_token": "c",
        "employee_token": "e",
        "grants": ["employee"],
        "employees": [
            {"id": 1, "firstName": "Kari", "lastName": "Nordmann", "email": "kari@firma.no"},
            {"id": 2, "firstName": "Regnskap", "lastName": "Partner", "isContact": True},
        ],
    }
    app = tripletex_app(seed)
    session = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://tripletex.test/v2").put(
        "/token/session/:create",
        params={"consumerToken": "c", "employeeToken": "e", "expirationDate": "2099-01-01"},
    )
    token = session.json()["value"]["token"]
    api = httpx.Client(
        transport=httpx.WSGITransport(app=app), base_url="http://tripletex.test/v2", auth=("0", token)
    )
    values = api.get("/employee").json()["values"]
    assert [(v["id"], v["employeeNumber"]) for v in values] == [(1, "")]
    assert len(api.get("/employee", params={"includeContacts": "true"}).json()["values"]) == 2
