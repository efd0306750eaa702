"""One test per Rackbeat behaviour in specs/rackbeat-openapi.yaml, driven over HTTP (in-process)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from local.simulators.base import serve, transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from local.simulators.rackbeat import assumptions as A
from local.simulators.rackbeat.app import format_timestamp
from tests.support.rackbeat_account import BASE, TOKEN, Receiver, small_seed

NEW_CUSTOMER = {
    "company_name": "Ørsta Trelast AS",
    "payment_terms_id": 2,
    "customer_group_id": 1,
    "vat_zone": "domestic",
    "currency": "NOK",
}


def test_wrong_or_missing_token_is_401(sim: RackbeatSimulator) -> None:
    with httpx.Client(base_url=BASE, transport=transport(sim)) as anonymous:
        assert anonymous.get("/self").status_code == 401
        wrong = anonymous.get("/self", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        assert wrong.json() == {"message": "Unauthenticated."}


def test_self_names_the_account(http: httpx.Client) -> None:
    response = http.get("/self")
    assert response.status_code == 200
    assert response.json()["user_account"] == {"id": 777, "company_name": "Fjord Handel AS"}


def test_lists_answer_206_with_paging_envelope(http: httpx.Client) -> None:
    response = http.get("/customers", params={"page": 2, "limit": 20})
    assert response.status_code == 206
    body = response.json()
    assert (body["total"], body["pages"], body["limit"], body["page"]) == (45, 3, 20, 2)
    assert [c["number"] for c in body["customers"]] == list(range(21, 41))
    last = http.get("/customers", params={"page": 3, "limit": 20}).json()
    assert [c["number"] for c in last["customers"]] == list(range(41, 46))
    beyond = http.get("/customers", params={"page": 9, "limit": 20})
    assert beyond.status_code == 206
    assert beyond.json()["customers"] == []


def test_limit_defaults_to_20_and_is_clamped_to_1000(http: httpx.Client) -> None:
    assert http.get("/customers").json()["limit"] == A.DEFAULT_LIMIT
    assert http.get("/customers", params={"limit": 5000}).json()["limit"] == 1000


def test_empty_list_has_one_page(http: httpx.Client) -> None:
    body = http.get("/suppliers").json()
    assert (body["suppliers"], body["total"], body["pages"]) == ([], 0, 1)


def test_fields_selects_fields(http: httpx.Client) -> None:
    body = http.get("/customers", params={"fields": "number,updated_at", "limit": 2}).json()
    assert body["customers"][0].keys() == {"number", "updated_at"}


def test_underscore_paths_are_aliases(http: httpx.Client) -> None:
    assert http.get("/payment_terms").json()["payment_terms"][0]["name"] == "Netto 14 dager"
    assert http.get("/product-groups", params={"has_inventory": "false"}).json()["total"] == 1


def test_create_answers_201_and_picks_next_number(http: httpx.Client) -> None:
    response = http.post("/customers", json=NEW_CUSTOMER)
    assert response.status_code == 201
    customer = response.json()["customer"]
    assert customer["number"] == 46
    assert customer["payment_terms"]["maturity_days"] == 30
    assert customer["customer_group"] == {"number": 1, "name": "Kunder"}
    assert customer["created_at"] == customer["updated_at"]


def test_put_is_partial_and_answers_200(sim: RackbeatSimulator, http: httpx.Client) -> None:
    sim.set_clock(offset_seconds=3600)
    response = http.put("/customers/3", json={"contact_email": "post@kunde3.no"})
    assert response.status_code == 200
    customer = response.json()["customer"]
    assert customer["contact_email"] == "post@kunde3.no"
    assert customer["company_name"] == "Kunde 3 Bærum AS"
    assert customer["updated_at"] > customer["created_at"]


def test_delete_answers_200_then_404(http: httpx.Client) -> None:
    assert http.delete("/customers/7").status_code == 200
    assert http.get("/customers/7").status_code == 404


def test_validation_errors_are_422_with_field_messages(http: httpx.Client) -> None:
    response = http.post(
        "/customers",
        json={"company_name": 12, "payment_terms_id": 99, "customer_group_id": 1, "vat_zone": "moon"},
    )
    assert response.status_code == 422
    body = response.json()
    # DEV errors / sample 09: the field map only, no top-level message.
    assert set(body) == {"errors"}
    assert set(body["errors"]) == {"company_name", "vat_zone", "payment_terms_id"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())


def test_duplicate_number_and_unknown_references_are_422(http: httpx.Client) -> None:
    taken = http.post("/customers", json={**NEW_CUSTOMER, "number": 1})
    assert taken.status_code == 422
    assert "number" in taken.json()["errors"]
    product = http.post(
        "/products", json={"number": "X1", "name": "X", "group": 9, "unit_id": 9, "sales_price": 1}
    )
    assert set(product.json()["errors"]) == {"group", "unit_id"}
    currency = http.post("/customers", json={**NEW_CUSTOMER, "currency": "GBP"})
    assert set(currency.json()["errors"]) == {"currency"}


def test_unknown_record_is_404(http: httpx.Client) -> None:
    response = http.get("/customers/999")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found."}


def test_numbers_in_paths_are_double_encoded(http: httpx.Client) -> None:
    response = http.get("/products/AB%252F123")
    assert response.status_code == 200
    product = response.json()["product"]
    assert product["number"] == "AB/123"
    # LC passes urlfriendly_number through rawurlencode once more: it is the number encoded once.
    assert product["urlfriendly_number"] == "AB%2F123"
    assert http.get("/products/KIT%252B1").json()["product"]["name"] == "Montering"
    assert http.get("/products/NV%25200001").status_code == 200
    # Encoded once, the number is not what a double-decoding server expects: 404.
    assert http.get("/products/AB%2F123").status_code == 404
    assert http.get("/products/KIT%2B1").status_code == 404
    assert http.get("/products/NV%200001").status_code == 404


def test_product_reflects_group_inventory(http: httpx.Client) -> None:
    service = http.get("/products/KIT%252B1").json()["product"]
    assert service["inventory_enabled"] is False
    assert service["group"]["number"] == 2


def test_rate_limit_is_per_token_with_headers(sim: RackbeatSimulator, http: httpx.Client) -> None:
    sim.set_faults({"rate_limit_scale": 5 / 480})
    statuses = [http.get("/units").status_code for _ in range(6)]
    assert statuses == [206] * 5 + [429]
    limited = http.get("/units")
    assert limited.headers["X-RateLimit-Limit"] == "5"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json() == {"message": "Too Many Attempts."}
    sim.set_clock(offset_seconds=61)
    assert http.get("/units").status_code == 206


def test_default_rate_limit_is_480_per_minute(http: httpx.Client) -> None:
    assert http.get("/units").headers["X-RateLimit-Limit"] == "480"


def test_updated_at_filters_are_inclusive_copenhagen_wall_clock(
    sim: RackbeatSimulator, http: httpx.Client
) -> None:
    start = sim.now()
    sim.set_clock(offset_seconds=7200)
    http.put("/customers/5", json={"company_name": "Endret AS"}, params={"suppress_webhooks": "true"})
    changed_at = http.get("/customers/5").json()["customer"]["updated_at"]
    assert changed_at == format_timestamp(sim.now())
    body = http.get("/customers", params={"updated_at_from": changed_at}).json()
    assert [c["number"] for c in body["customers"]] == [5]
    older = http.get("/customers", params={"updated_at_to": format_timestamp(start), "limit": 100}).json()
    assert older["total"] == 44
    # Either timestamp format is accepted as input (a client may send back what it read).
    iso = format_timestamp(sim.now(), "iso")
    assert http.get("/customers", params={"updated_at_from": iso}).json()["total"] == 1
    bad = http.get("/customers", params={"updated_at_from": "yesterday"})
    assert bad.status_code == 422


def test_strict_mode_ignores_updated_at_except_on_invoices(http: httpx.Client) -> None:
    sim = create_app({**small_seed(), "options": {"strict_updated_at_filter": True}})
    with httpx.Client(
        base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        future = format_timestamp(sim.now() + dt.timedelta(days=1))
        assert c.get("/customers", params={"updated_at_from": future}).json()["total"] == 45
        assert c.get("/customer-invoices", params={"updated_at_from": future}).json()["total"] == 0


def test_invoice_draft_book_and_booked_filter(sim: RackbeatSimulator, http: httpx.Client) -> None:
    draft = http.post(
        "/customer-invoices/drafts",
        json={
            "customer_id": 2,
            "lines": [{"item_id": "AB/123", "quantity": 3}, {"item_id": "KIT+1", "quantity": 1}],
        },
    )
    assert draft.status_code == 201
    invoice = draft.json()["customer_invoice"]
    assert invoice["is_booked"] is False
    assert invoice["total_subtotal"] == 980.0
    assert invoice["total_vat"] == 245.0
    assert invoice["total_total"] == 1225.0
    due = dt.date.fromisoformat(invoice["invoice_date"]) + dt.timedelta(days=14)
    assert invoice["due_date"] == due.isoformat()
    assert http.get("/customer-invoices", params={"is_booked": "true"}).json()["total"] == 0
    booked = http.post(f"/customer-invoices/{invoice['number']}/book")
    assert booked.status_code == 200
    assert booked.json()["customer_invoice"]["booked_at"]
    assert http.get("/customer-invoices", params={"is_booked": "true"}).json()["total"] == 1
    twice = http.post(f"/customer-invoices/{invoice['number']}/book")
    assert twice.status_code == 422


def test_invoice_draft_errors_use_line_paths(http: httpx.Client) -> None:
    response = http.post(
        "/customer-invoices/drafts", json={"customer_id": 2, "lines": [{"item_id": "NOPE", "quantity": 1}]}
    )
    assert response.status_code == 422
    # Laravel's `exists` wording on the dotted path, as DEV's 422 example shows it (sample 09).
    assert response.json()["errors"] == {"lines.0.item_id": ["The selected lines.0.item_id is invalid."]}
    assert http.delete("/products/AB%252F123").status_code == 200
    assert http.post("/customer-invoices/drafts", json={"customer_id": 999, "lines": []}).status_code == 422


def test_orders_are_listed_and_read(http: httpx.Client) -> None:
    sim = create_app(
        {
            **small_seed(),
            "orders": [{"number": 5001, "customer_id": 1, "lines": [{"item_id": "AB/123", "quantity": 2}]}],
        }
    )
    with httpx.Client(
        base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        assert c.get("/orders").status_code == 206
        order = c.get("/orders/5001").json()["order"]
        assert order["lines"][0]["child_id"] == "AB/123"
        assert order["total_total"] == 25.0


def _subscribe(http: httpx.Client, event: str, url: str = "http://hooks.test/rackbeat/tenant-1") -> dict:
    response = http.post("/webhooks", json={"event": event, "url": url})
    assert response.status_code == 201
    return response.json()["webhook"]


def test_webhook_registration_is_an_upsert_and_hides_the_token(http: httpx.Client) -> None:
    webhook = _subscribe(http, "customer.created")
    assert len(webhook["token"]) == 32
    again = http.post(
        "/webhooks", json={"event": "customer.created", "url": "http://hooks.test/rackbeat/tenant-1"}
    )
    assert again.status_code == 200
    assert "token" not in again.json()["webhook"]
    listed = http.get("/webhooks", params={"event": "customer.created"})
    assert listed.status_code == 206
    assert listed.json()["total"] == 1
    assert "token" not in listed.json()["webhooks"][0]
    assert http.post("/webhooks", json={"event": "nope.made_up", "url": "http://x.test"}).status_code == 422
    assert http.delete(f"/webhooks/{webhook['id']}").status_code == 200
    assert http.delete(f"/webhooks/{webhook['id']}").status_code == 404


def test_webhook_delivery_carries_the_documented_headers(
    hooked_sim: RackbeatSimulator, receiver: Receiver
) -> None:
    with httpx.Client(
        base_url=BASE, transport=transport(hooked_sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        webhook = _subscribe(c, "customer.created")
        created = c.post("/customers", json=NEW_CUSTOMER).json()["customer"]
    assert hooked_sim.deliver_pending() == 1
    [delivery] = receiver.received
    assert delivery["path"] == "/rackbeat/tenant-1"
    assert delivery["body"] == {"key_name": "number", "key": str(created["number"])}
    headers = delivery["headers"]
    assert headers["Rackbeat-Webhook-Token"] == webhook["token"]
    assert headers["Rackbeat-Webhook-Event"] == "customer.created"
    assert headers["Rackbeat-Account-Id"] == "777"
    assert headers["User-Agent"] == "Rackbeat Webhook"
    assert hooked_sim.deliver_pending() == 0


def test_suppress_webhooks_as_query_or_body_field(hooked_sim: RackbeatSimulator, receiver: Receiver) -> None:
    with httpx.Client(
        base_url=BASE, transport=transport(hooked_sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        _subscribe(c, "customer.updated")
        c.put("/customers/1", json={"contact_phone": "1"}, params={"suppress_webhooks": "true"})
        c.put("/customers/1", json={"contact_phone": "2", "suppress_webhooks": True})
        assert hooked_sim.deliver_pending() == 0
        c.put("/customers/1", json={"contact_phone": "3"})
    assert hooked_sim.deliver_pending() == 1
    assert [r["body"]["key"] for r in receiver.received] == ["1"]


def test_failed_delivery_is_retried_on_the_backoff_schedule(
    hooked_sim: RackbeatSimulator, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    with httpx.Client(
        base_url=BASE, transport=transport(hooked_sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        webhook = _subscribe(c, "product.updated")
        c.put("/products/AB%252F123", json={"sales_price": 11.5})
        assert hooked_sim.deliver_pending() == 1
        assert c.get("/webhooks").json()["webhooks"][0]["failures_since_last_success"] == 1
        assert hooked_sim.deliver_pending() == 0  # not due before the first backoff step
        hooked_sim.set_clock(offset_seconds=61)
        assert hooked_sim.deliver_pending() == 1
        assert c.get("/webhooks").json()["webhooks"][0]["failures_since_last_success"] == 2
        hooked_sim.set_clock(offset_seconds=61 + 5 * 60)
        assert hooked_sim.deliver_pending() == 1
        listed = c.get("/webhooks").json()["webhooks"][0]
    assert listed["failures_since_last_success"] == 0
    assert listed["is_active"] is True
    assert [r["headers"]["Rackbeat-Webhook-Token"] for r in receiver.received] == [webhook["token"]] * 3
    assert hooked_sim.pending_deliveries() == []


def test_delivery_gives_up_after_the_last_retry(receiver: Receiver) -> None:
    sim = create_app(
        {**small_seed(), "options": {"webhook_retry_schedule_seconds": [1, 2]}},
        webhook_transport=httpx.WSGITransport(app=receiver),
    )
    receiver.statuses = [500, 500, 500, 500]
    with httpx.Client(
        base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        _subscribe(c, "customer.updated")
        c.put("/customers/9", json={"contact_phone": "9"})
    for offset in (0, 1, 3, 10):
        sim.set_clock(offset_seconds=offset)
        sim.deliver_pending()
    assert len(receiver.received) == 3
    assert sim.pending_deliveries() == []


def test_documented_webhook_body_form(receiver: Receiver) -> None:
    sim = create_app(
        {**small_seed(), "options": {"documented_webhook_bodies": True}},
        webhook_transport=httpx.WSGITransport(app=receiver),
    )
    with httpx.Client(
        base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        _subscribe(c, "customer.updated")
        c.put("/customers/4", json={"number": 400})
    sim.deliver_pending()
    body = receiver.received[0]["body"]
    assert body["old_key"] == "4"
    assert body["new_key"] == "400"
    assert body["changed"] == ["number"]
    assert body["event"] == "customer.updated"


def test_webhook_delivery_over_real_sockets() -> None:
    receiver = Receiver()
    subscriber = serve(create_app())  # any WSGI server; swap its app for the receiver below
    subscriber.server.app = receiver
    sim = create_app(small_seed())
    api = serve(sim)
    try:
        with httpx.Client(base_url=api.url + "/api", headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            _subscribe(c, "customer.created", url=f"{subscriber.url}/hook")
            c.post("/customers", json=NEW_CUSTOMER)
        assert sim.deliver_pending() == 1
        assert receiver.received[0]["headers"]["Rackbeat-Webhook-Event"] == "customer.created"
    finally:
        api.shutdown()
        subscriber.shutdown()


def test_admin_state_and_fault_bodies(sim: RackbeatSimulator, http: httpx.Client) -> None:
    state = http.get("http://rackbeat.test/_sim/state").json()
    assert len(state["customers"]) == 45
    sim.set_faults({"sequence": ["503", "429"]})
    failed = http.get("/units")
    assert failed.status_code == 503
    assert failed.json() == {"message": A.MESSAGE_SERVER_ERROR}
    assert http.get("/units").headers["Retry-After"] == "1"
    assert http.get("/units").status_code == 206


@pytest.mark.parametrize("path", ["/customers", "/customer-invoices", "/orders", "/products", "/suppliers"])
def test_every_list_answers_206(http: httpx.Client, path: str) -> None:
    assert http.get(path).status_code == 206
