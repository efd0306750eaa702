"""The Rackbeat simulator against the public evidence (RACKBEAT-EVIDENCE.md and its samples).

Part 1 reproduces every sample in ``tests/fixtures/rackbeat_samples/`` (copies of the shared
``specs/evidence/rackbeat-samples/``): same status, same keys and nesting, the texts a sample shows.
A record may carry more keys than its sample only where ``shapes.SIMULATOR_ONLY`` names them.
Part 2 pins the simulator side of ranked mismatches 5, 6, 7, 9, 10, 11 and the "simulator fidelity
gaps"; each test fails against the simulator as it was before the evidence audit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from local.simulators.rackbeat.shapes import SIMULATOR_ONLY
from tests.support.rackbeat_account import Receiver

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "rackbeat_samples"
TOKEN = "contract-token"
BASE = "http://rackbeat.test/api"
SPACE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def evidence_seed(**options: Any) -> dict[str, Any]:
    """An account holding the records the samples show, numbered as real accounts are (1001)."""
    return {
        "api_token": TOKEN,
        "self": sample("10-self"),
        "currencies": ["NOK"],
        "locations": [{"number": 1001, "name": "Lager 1", "is_default": True}],
        "employees": [
            {
                "number": 1001,
                "name": "Ola Nordmann",
                "initials": "ON",
                "contact_email": "ola@example.no",
                "locale": "nb",
                "default_location_id": 1001,
            }
        ],
        "payment_terms": [{"number": 1001, "name": "Netto 14 dager", "type": "net", "maturity_days": 14}],
        "product_groups": [
            {
                "number": 1001,
                "name": "Varer",
                "has_inventory": True,
                "vat_domestic": 25,
                "vat_eu": 0,
                "vat_abroad": 0,
                "vat_domestic_exempt": 0,
            }
        ],
        "customers": [{"number": 1001, "company_name": "Example Kunde AS", "payment_terms_id": 1001}],
        "products": [
            {
                "number": "ABC-100",
                "name": "Hyllebrakett 40 cm",
                "group": 1001,
                "sales_price": 199.0,
                "default_location_id": 1001,
            }
        ],
        "options": options,
    }


def _client(sim: RackbeatSimulator) -> httpx.Client:
    return httpx.Client(base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def sim() -> RackbeatSimulator:
    return create_app(evidence_seed())


@pytest.fixture
def api(sim: RackbeatSimulator) -> Iterator[httpx.Client]:
    with _client(sim) as client:
        yield client


def assert_shape(actual: Any, expected: Any, extras: frozenset[str] = frozenset(), where: str = "") -> None:
    """``actual`` has every key of ``expected`` and no other key but ``extras``; nested objects
    (and the first item of nested lists) are held to their sample's keys exactly."""
    assert isinstance(actual, dict), where
    missing = set(expected) - set(actual)
    unexpected = set(actual) - set(expected) - extras
    assert not missing, f"{where}: keys the sample has and the simulator lacks: {sorted(missing)}"
    assert not unexpected, f"{where}: keys the sample lacks: {sorted(unexpected)}"
    for key, value in expected.items():
        if isinstance(value, dict) and isinstance(actual[key], dict):
            assert_shape(actual[key], value, where=f"{where}.{key}")


def _booked_invoice(api: httpx.Client) -> dict[str, Any]:
    draft = api.post(
        "/customer-invoices/drafts",
        json={"customer_id": 1001, "lines": [{"item_id": "ABC-100", "quantity": 2}]},
    )
    assert draft.status_code == 201, draft.text
    number = draft.json()["customer_invoice"]["number"]
    booked = api.post(f"/customer-invoices/{number}/book")
    assert booked.status_code == 200
    invoice: dict[str, Any] = booked.json()["customer_invoice"]
    return invoice


# ===== Part 1: every sample ===========================================================================
def test_01_list_envelope_customers(api: httpx.Client) -> None:
    expected = sample("01-list-envelope-customers")
    response = api.get("/customers")
    assert response.status_code == 206
    body = response.json()
    assert set(body) == set(expected)
    assert (body["limit"], body["page"]) == (20, 1)
    assert_shape(body["customers"][0], expected["customers"][0], SIMULATOR_ONLY["customer"], "customer")
    customer = body["customers"][0]
    assert customer["number"] == 1001
    assert customer["self"] == "https://app.rackbeat.com/api/customers/1001"
    assert customer["max_credit"] == 0
    assert customer["is_deleted"] is False


def test_02_product(api: httpx.Client) -> None:
    expected = sample("02-product")
    response = api.get("/products/ABC-100")
    assert response.status_code == 200
    assert set(response.json()) == {"product"}
    product = response.json()["product"]
    assert_shape(product, expected["product"], SIMULATOR_ONLY["product"], "product")
    # The embedded group as MK shows it: no has_inventory.
    assert set(product["group"]) == set(expected["product"]["group"])
    assert product["group"]["vat_domestic"] == 25
    assert product["urlfriendly_number"] == "ABC-100"
    assert product["default_location"]["number"] == 1001
    assert product["self"] == expected["product"]["self"]


def test_03_customer_invoice(api: httpx.Client) -> None:
    expected = sample("03-customer-invoice")["customer_invoice"]
    number = _booked_invoice(api)["number"]
    response = api.get(f"/customer-invoices/{number}")
    assert response.status_code == 200
    assert set(response.json()) == {"customer_invoice"}
    invoice = response.json()["customer_invoice"]
    # The embedded customer is the full record (checked against sample 01), not the sample's excerpt.
    assert_shape(invoice, {**expected, "customer": None}, SIMULATOR_ONLY["customer_invoice"], "invoice")
    assert set(expected["customer"]) <= set(invoice["customer"])
    assert_shape(invoice["lines"][0], expected["lines"][0], SIMULATOR_ONLY["invoice_line"], "line")
    assert invoice["is_booked"] is True
    assert invoice["currency_rate"] == 100
    assert invoice["lines"][0]["child_id"] == "ABC-100"


def test_03_customer_invoice_as_the_2018_model(api: httpx.Client) -> None:
    """With the weak variants on, the invoice line carries nothing the sources do not show."""
    api.post(
        "http://rackbeat.test/_sim/options",
        json={"invoice_line_vat": "absent", "credit_note_reference": "none"},
    )
    expected = sample("03-customer-invoice")["customer_invoice"]
    number = _booked_invoice(api)["number"]
    invoice = api.get(f"/customer-invoices/{number}").json()["customer_invoice"]
    assert set(invoice["lines"][0]) - set(expected["lines"][0]) == {"unit_id"}
    assert not {"is_credit_note", "credited_invoice_id"} & set(invoice)


def test_05_webhook_create(api: httpx.Client) -> None:
    expected = sample("05-webhook-create-request-response")
    request = expected["request"]
    response = api.post("/webhooks", json=request["body"])
    assert response.status_code == 201
    assert set(response.json()) == {"webhook"}
    webhook = response.json()["webhook"]
    assert set(webhook) == set(expected["response_201"]["webhook"])
    assert len(webhook["token"]) == 32
    assert (webhook["event"], webhook["url"], webhook["is_active"]) == (
        "product.updated",
        request["body"]["url"],
        True,
    )
    assert webhook["plugin"] is None
    assert webhook["failures_since_last_success"] == 0
    assert SPACE.match(webhook["created_at"])


def _hooked(receiver: Receiver, **options: Any) -> RackbeatSimulator:
    return create_app(evidence_seed(**options), webhook_transport=httpx.WSGITransport(app=receiver))


def test_06_webhook_delivery_observed(receiver: Receiver) -> None:
    expected = sample("06-webhook-delivery-observed")
    sim = _hooked(receiver)
    with _client(sim) as api:
        api.post(
            "/webhooks", json={"event": "product.created", "url": "https://integration.example.com/hook"}
        )
        api.post("/products", json={"number": "1021", "name": "Ny", "group": 1001, "sales_price": 1})
    assert sim.deliver_pending() == 1
    [delivery] = receiver.received
    assert delivery["body"] == {"key_name": "number", "key": "1021"}
    assert set(expected["body"]) == set(delivery["body"])
    for header in expected["headers"]:
        assert header in delivery["headers"], header
    assert delivery["headers"]["User-Agent"] == expected["headers"]["User-Agent"]
    assert delivery["headers"]["Rackbeat-Account-Id"] == "15355"


def test_07_webhook_delivery_documented(receiver: Receiver) -> None:
    expected = sample("07-webhook-delivery-documented-updated")
    sim = _hooked(receiver, documented_webhook_bodies=True)
    with _client(sim) as api:
        api.post(
            "/webhooks", json={"event": "product.updated", "url": "https://integration.example.com/hook"}
        )
        api.put("/products/ABC-100", json={"name": "Nytt navn"})
    sim.deliver_pending()
    body = receiver.received[0]["body"]
    assert set(body) == set(expected)
    assert body["changed"] == ["name"]
    assert body["data"] == {}


def test_09_error_422(api: httpx.Client) -> None:
    expected = sample("09-error-422")
    response = api.post("/customer-invoices/drafts", json={"customer_id": 999999, "lines": [{"quantity": 1}]})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"] == {k: expected["errors"][k] for k in ("customer_id", "lines.0.item_id")}
    # Laravel's `exists` wording on a dotted path, as the sample's variations entry shows it.
    unknown = api.post(
        "/customer-invoices/drafts", json={"customer_id": 1001, "lines": [{"item_id": "NOPE", "quantity": 1}]}
    )
    assert unknown.json() == {"errors": {"lines.0.item_id": ["The selected lines.0.item_id is invalid."]}}


def test_10_self(api: httpx.Client) -> None:
    response = api.get("/self")
    assert response.status_code == 200
    assert response.json() == sample("10-self")


def test_11_payment_term(api: httpx.Client) -> None:
    expected = sample("11-payment-term")
    response = api.get("/payment-terms/1001")
    assert response.status_code == 200
    term = response.json()["payment_term"]
    assert set(term) == set(expected["payment_term"])
    assert (term["name"], term["maturity_days"], term["type"]) == ("Netto 14 dager", 14, "net")
    assert term["self"] == expected["payment_term"]["self"]


def test_12_product_group_create() -> None:
    expected = sample("12-product-group-create")
    sim = create_app({"api_token": TOKEN})
    with _client(sim) as api:
        response = api.post("/product-groups", json=expected["request"]["body"])
    assert response.status_code == expected["expected_status"]
    group = response.json()["product_group"]
    assert_shape(group, expected["response_shape"]["product_group"], SIMULATOR_ONLY["product_group"], "group")
    assert group["vat_domestic_exempt"] == 0


def test_13_employee(api: httpx.Client) -> None:
    expected = sample("13-employee")
    response = api.get("/employees/1001")
    assert response.status_code == 200
    employee = response.json()["employee"]
    assert_shape(employee, expected["employee"], where="employee")
    assert employee["default_location"] == {"number": 1001, "name": "Lager 1", "parent_id": None}
    assert api.get("/employees").json()["employees"][0]["number"] == 1001


def test_14_webhook_list(api: httpx.Client) -> None:
    expected = sample("14-webhook-list")
    url = expected["webhooks"][0]["url"]
    api.post("/webhooks", json={"event": "plugin.uninstalled", "url": url})
    api.post("/webhooks", json={"event": "product.created", "url": url})
    response = api.get("/webhooks", params={"limit": 1000, "page": 1, "event": "plugin.uninstalled"})
    assert response.status_code == 206
    body = response.json()
    assert set(body) == set(expected)
    assert (body["total"], body["pages"], body["limit"], body["page"]) == (1, 1, 1000, 1)
    assert set(body["webhooks"][0]) == set(expected["webhooks"][0])
    assert body["webhooks"][0]["url"] == url


# ===== Part 2: ranked mismatches (simulator side) =========================================================
def test_mismatch_5_a_list_may_ignore_order_and_updated_at(sim: RackbeatSimulator, api: httpx.Client) -> None:
    """A client that asks newest-first and stops at the first old record must not trust the
    answer: here the changed record is not first."""
    api.post("/customers", json={"company_name": "Ny AS", "payment_terms_id": 1001})
    since = api.get("/customers/1001").json()["customer"]["updated_at"]
    sim.set_clock(offset_seconds=3600)
    api.put("/customers/1002", json={"contact_phone": "1"})
    api.post(
        "http://rackbeat.test/_sim/options",
        json={"list_filters": {"updated_at_from": "ignored", "order_by": "ignored"}},
    )
    answer = api.get(
        "/customers", params={"updated_at_from": since, "order_by": "updated_at", "order_direction": "DESC"}
    )
    assert [c["number"] for c in answer.json()["customers"]] == [1001, 1002]


def test_mismatch_6_timestamps_iso_with_offset(api: httpx.Client) -> None:
    api.post("http://rackbeat.test/_sim/options", json={"timestamp_format": "iso"})
    product = api.get("/products/ABC-100").json()["product"]
    assert ISO.match(product["created_at"])
    offset = dt.datetime.fromisoformat(product["created_at"]).utcoffset()
    assert offset in (dt.timedelta(hours=1), dt.timedelta(hours=2))  # Copenhagen, CET or CEST
    assert api.get("/products", params={"updated_at_from": product["updated_at"]}).json()["total"] == 1


def test_mismatch_7_delivery_without_token_header_keeps_url_secret(receiver: Receiver) -> None:
    sim = _hooked(receiver, webhook_token_header=False)
    with _client(sim) as api:
        api.post(
            "/webhooks", json={"event": "product.updated", "url": "https://i.example.com/rb/15355?secret=abc"}
        )
        api.put("/products/ABC-100", json={"name": "X"})
    sim.deliver_pending()
    [delivery] = receiver.received
    assert "Rackbeat-Webhook-Token" not in delivery["headers"]
    assert delivery["headers"]["Rackbeat-Webhook-Event"] == "product.updated"
    assert delivery["query"] == "secret=abc"


def test_mismatch_9_unbook_edit_and_book_again(sim: RackbeatSimulator, api: httpx.Client) -> None:
    invoice = _booked_invoice(api)
    number = invoice["number"]
    assert api.put(f"/customer-invoices/{number}", json={"heading": "x"}).status_code == 422
    sim.set_clock(offset_seconds=60)
    unbooked = api.post(f"/customer-invoices/{number}/unbook")
    assert unbooked.status_code == 200
    draft = unbooked.json()["customer_invoice"]
    assert draft["is_booked"] is False
    assert draft["booked_at"] is None
    assert draft["updated_at"] > invoice["updated_at"]
    assert api.get("/customer-invoices", params={"is_booked": "true"}).json()["total"] == 0
    assert api.post(f"/customer-invoices/{number}/unbook").status_code == 422
    edited = api.put(f"/customer-invoices/{number}", json={"lines": [{"item_id": "ABC-100", "quantity": 3}]})
    assert edited.status_code == 200
    assert edited.json()["customer_invoice"]["total_total"] == pytest.approx(3 * 199 * 1.25)
    assert edited.json()["customer_invoice"]["number"] == number
    sim.set_clock(offset_seconds=120)
    rebooked = api.post(f"/customer-invoices/{number}/book").json()["customer_invoice"]
    assert rebooked["is_booked"] is True
    assert rebooked["booked_at"] > invoice["booked_at"]
    assert rebooked["created_at"] == invoice["created_at"]


def test_mismatch_10_credit_note_is_a_new_booked_negative_invoice(receiver: Receiver) -> None:
    sim = _hooked(receiver)
    with _client(sim) as api:
        original = _booked_invoice(api)
        api.post("/webhooks", json={"event": "customer_invoice.booked", "url": "https://i.example.com/hook"})
        response = api.post(f"/customer-invoices/{original['number']}/create-creditnote")
        assert response.status_code == 201
        credit = response.json()["customer_invoice"]
        assert credit["number"] != original["number"]
        assert credit["is_booked"] is True
        assert credit["booked_at"]
        assert credit["customer_id"] == original["customer_id"]
        assert [line["quantity"] for line in credit["lines"]] == [-2]
        assert credit["total_total"] == -original["total_total"]
        assert credit["total_subtotal"] == -original["total_subtotal"]
        assert credit["is_credit_note"] is True
        assert credit["credited_invoice_id"] == original["number"]
        again = api.get(f"/customer-invoices/{original['number']}").json()["customer_invoice"]
        assert again["is_credit_note"] is False
        assert again["credited_invoice_id"] is None
        assert api.post(f"/customer-invoices/{original['number']}/create-creditnote").status_code == 422
        booked = api.get("/customer-invoices", params={"is_booked": "true"}).json()
        assert booked["total"] == 2
    sim.deliver_pending()
    assert [r["body"]["key"] for r in receiver.received] == [str(credit["number"])]


def test_mismatch_10_credit_note_without_reference(api: httpx.Client) -> None:
    api.post("http://rackbeat.test/_sim/options", json={"credit_note_reference": "none"})
    original = _booked_invoice(api)
    credit = api.post(f"/customer-invoices/{original['number']}/create-creditnote").json()["customer_invoice"]
    assert credit["total_total"] < 0
    # Nothing names the original: the credit note has exactly the keys of an ordinary invoice.
    assert set(credit) == set(original)
    assert not {"is_credit_note", "credited_invoice_id"} & set(credit)


def test_mismatch_10_a_draft_cannot_be_credited(api: httpx.Client) -> None:
    draft = api.post(
        "/customer-invoices/drafts",
        json={"customer_id": 1001, "lines": [{"item_id": "ABC-100", "quantity": 1}]},
    )
    number = draft.json()["customer_invoice"]["number"]
    refused = api.post(f"/customer-invoices/{number}/create-creditnote")
    assert refused.status_code == 422
    assert set(refused.json()) == {"errors"}


def test_mismatch_11_single_encoding_and_urlfriendly_number(api: httpx.Client) -> None:
    api.post("/products", json={"number": "RØR 1/2+", "name": "Rør", "group": 1001, "sales_price": 1})
    product = api.get("/products/R%25C3%2598R%25201%252F2%252B").json()["product"]
    assert product["urlfriendly_number"] == "R%C3%98R%201%2F2%2B"
    api.post("http://rackbeat.test/_sim/options", json={"path_encoding": "single"})
    assert api.get(f"/products/{product['urlfriendly_number']}").json()["product"]["number"] == "RØR 1/2+"
    assert api.get("/products/R%25C3%2598R%25201%252F2%252B").status_code == 404


# ===== Part 2b: the simulator fidelity gaps ===============================================================
def test_gap_unknown_filters_can_be_refused(api: httpx.Client) -> None:
    api.post("http://rackbeat.test/_sim/options", json={"list_filters": {"is_booked": "refused"}})
    refused = api.get("/customer-invoices", params={"is_booked": "true"})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"is_booked": ["Property 'is_booked' is not filterable"]}}


def test_gap_four_vat_zones(api: httpx.Client) -> None:
    for zone in ("domestic", "eu", "abroad", "domestic_exempt"):
        created = api.post(
            "/customers", json={"company_name": zone, "payment_terms_id": 1001, "vat_zone": zone}
        )
        assert created.status_code == 201, zone


def test_gap_unconfirmed_webhook_events_can_be_refused(api: httpx.Client) -> None:
    api.post("http://rackbeat.test/_sim/options", json={"webhook_events": "confirmed"})
    refused = api.post("/webhooks", json={"event": "customer.created", "url": "https://i.example.com/h"})
    assert refused.status_code == 422
    assert set(refused.json()) == {"errors"}
    assert (
        api.post("/webhooks", json={"event": "product.created", "url": "https://i.example.com/h"}).status_code
        == 201
    )


def test_gap_422_has_no_message(api: httpx.Client) -> None:
    response = api.post("/customers", json={"payment_terms_id": 1001})
    assert response.status_code == 422
    assert response.json() == {"errors": {"company_name": ["The company name field is required."]}}


def test_gap_create_requires_only_what_sources_require(api: httpx.Client) -> None:
    customer = api.post("/customers", json={"company_name": "Minimal AS", "payment_terms_id": 1001})
    assert customer.status_code == 201
    assert customer.json()["customer"]["vat_zone"] == "domestic"
    assert customer.json()["customer"]["currency"] == "NOK"
    supplier = api.post("/suppliers", json={"company_name": "Lev AS", "payment_terms_id": 1001})
    assert supplier.status_code == 201
    product = api.post(
        "/products", json={"number": "P-1", "name": "Uten enhet", "group": 1001, "sales_price": 5}
    )
    assert product.status_code == 201
    assert product.json()["product"]["unit_id"] is None


def test_gap_numbering_starts_at_1001_on_an_empty_account() -> None:
    sim = create_app({"api_token": TOKEN})
    with _client(sim) as api:
        term = api.post("/payment-terms", json={"name": "Netto 14", "maturity_days": 14, "type": "net"})
        assert term.json()["payment_term"]["number"] == 1001
        group = api.post("/product-groups", json={"name": "Varer", "has_inventory": True})
        assert group.json()["product_group"]["number"] == 1001
        customer = api.post("/customers", json={"company_name": "Første AS", "payment_terms_id": 1001})
        assert customer.json()["customer"]["number"] == 1001
        again = api.post("/customers", json={"company_name": "Andre AS", "payment_terms_id": 1001})
        assert again.json()["customer"]["number"] == 1002


def test_gap_stock_event_has_its_own_body(receiver: Receiver) -> None:
    """GY (api/sync.js) consumes a stock event whose body is {item, item_type, type}, not a key."""
    sim = _hooked(receiver, webhook_events="confirmed")
    with _client(sim) as api:
        hook = api.post(
            "/webhooks", json={"event": "inventory.changed", "url": "https://i.example.com/stock"}
        )
        assert hook.status_code == 201
        created = api.post(
            "/inventory-adjustments",
            json={
                "item_id": "ABC-100",
                "adjustment_type": "quantity",
                "quantity": 42,
                "location": 1001,
                "reason": "x",
            },
        )
        assert created.status_code == 201
        adjustment = created.json()["inventory_regulation"]
        assert api.post(f"/inventory-adjustments/{adjustment['id']}/book").status_code == 200
        assert api.get("/products/ABC-100").json()["product"]["stock_quantity"] == 42
        same = api.post(
            "/inventory-adjustments",
            json={"item_id": "ABC-100", "adjustment_type": "quantity", "quantity": 42},
        )
        assert same.status_code == 422
        assert same.json() == {
            "errors": {"quantity": ["Adjustment can't be created, since no change is made."]}
        }
    assert sim.deliver_pending() == 1
    [delivery] = receiver.received
    assert delivery["body"] == {"item": "ABC-100", "item_type": "product", "type": "stock"}
    assert delivery["headers"]["Rackbeat-Webhook-Event"] == "inventory.changed"


def test_gap_product_groups_carry_the_vat_exempt_rate() -> None:
    sim = create_app({"api_token": TOKEN})
    with _client(sim) as api:
        group = api.post("/product-groups", json={"name": "Varer", "has_inventory": True, "vat_domestic": 25})
        assert group.json()["product_group"]["vat_domestic_exempt"] == 0
        api.post("/products", json={"number": "A", "name": "A", "group": 1001, "sales_price": 1})
        assert api.get("/products/A").json()["product"]["group"]["vat_domestic_exempt"] == 0
