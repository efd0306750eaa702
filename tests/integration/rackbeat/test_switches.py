"""One test per value of each Rackbeat simulator switch (variants where the evidence is weak).

Switch names and values are an interface other tests use: ``local/seed/README.md`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from local.simulators.base import serve, transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from tests.support.rackbeat_account import BASE, TOKEN, Receiver, small_seed

ADMIN = "http://rackbeat.test/_sim/options"
SPACE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _client(sim: RackbeatSimulator) -> httpx.Client:
    return httpx.Client(base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def api(sim: RackbeatSimulator) -> Iterator[httpx.Client]:
    with _client(sim) as client:
        yield client


def _set(api: httpx.Client, **changes: Any) -> dict[str, Any]:
    response = api.post(ADMIN, json=changes)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# ----- the admin surface ---------------------------------------------------------------------------
def test_get_options_lists_every_switch_with_its_default(api: httpx.Client) -> None:
    options = api.get(ADMIN).json()
    assert options["list_filters"] == {
        "updated_at_from": "honoured",
        "order_by": "honoured",
        "is_booked": "honoured",
    }
    assert options["timestamp_format"] == "space"
    assert options["invoice_line_vat"] == "present"
    assert options["path_encoding"] == "double"
    assert options["webhook_events"] == "all"
    assert options["webhook_token_header"] is True
    assert options["credit_note_reference"] == "field"
    assert options["extra_vat_zones"] == []
    assert options["valuation_total_key"] == "total_value"
    assert options["valuation_drift"] == "none"
    assert options["invoice_payments"] == "absent"
    assert options["po_delivery_field"] == "preferred_delivery_date"


def test_post_options_changes_only_the_names_given(api: httpx.Client) -> None:
    after = _set(api, timestamp_format="iso")
    assert after["timestamp_format"] == "iso"
    assert after["path_encoding"] == "double"
    assert api.get(ADMIN).json()["timestamp_format"] == "iso"


@pytest.mark.parametrize(
    "changes",
    [
        {"no_such_switch": 1},
        {"timestamp_format": "rfc2822"},
        {"list_filters": {"search": "refused"}},
        {"list_filters": {"order_by": "sometimes"}},
        {"webhook_token_header": "no"},
        {"extra_vat_zones": "dk_special"},
        # One bad name refuses the whole change: the valid one is not applied either.
        {"path_encoding": "single", "webhook_events": "most"},
    ],
)
def test_bad_option_is_refused_and_changes_nothing(api: httpx.Client, changes: dict[str, Any]) -> None:
    before = api.get(ADMIN).json()
    assert api.post(ADMIN, json=changes).status_code == 400
    assert api.get(ADMIN).json() == before


def test_seed_options_set_the_switches() -> None:
    sim = create_app({**small_seed(), "options": {"list_filters": "refused", "webhook_events": "confirmed"}})
    options = sim.get_options()
    assert set(options["list_filters"].values()) == {"refused"}
    assert options["webhook_events"] == "confirmed"


# ----- list_filters ---------------------------------------------------------------------------------
def _changed_customer(sim: RackbeatSimulator, api: httpx.Client) -> str:
    """Move customer 5 two hours ahead and return its new updated_at."""
    sim.set_clock(offset_seconds=7200)
    api.put("/customers/5", json={"company_name": "Endret AS"})
    updated_at: str = api.get("/customers/5").json()["customer"]["updated_at"]
    return updated_at


def test_updated_at_from_honoured(sim: RackbeatSimulator, api: httpx.Client) -> None:
    since = _changed_customer(sim, api)
    body = api.get("/customers", params={"updated_at_from": since}).json()
    assert [c["number"] for c in body["customers"]] == [5]


def test_updated_at_from_ignored_answers_as_if_not_given(sim: RackbeatSimulator, api: httpx.Client) -> None:
    since = _changed_customer(sim, api)
    _set(api, list_filters={"updated_at_from": "ignored"})
    body = api.get("/customers", params={"updated_at_from": since, "updated_at_to": since}).json()
    assert body["total"] == 45
    assert [c["number"] for c in body["customers"]][:3] == [1, 2, 3]


def test_updated_at_from_refused_is_422_not_filterable(sim: RackbeatSimulator, api: httpx.Client) -> None:
    since = _changed_customer(sim, api)
    _set(api, list_filters={"updated_at_from": "refused"})
    response = api.get("/customers", params={"updated_at_from": since})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"updated_at_from": ["Property 'updated_at_from' is not filterable"]}
    }
    # Without the refused filter the list answers.
    assert api.get("/customers").status_code == 206


def test_order_by_honoured_ignored_refused(sim: RackbeatSimulator, api: httpx.Client) -> None:
    _changed_customer(sim, api)
    newest_first = {"order_by": "updated_at", "order_direction": "DESC", "limit": 3}
    assert next(c["number"] for c in api.get("/customers", params=newest_first).json()["customers"]) == 5
    _set(api, list_filters={"order_by": "ignored"})
    assert [c["number"] for c in api.get("/customers", params=newest_first).json()["customers"]] == [1, 2, 3]
    _set(api, list_filters={"order_by": "refused"})
    refused = api.get("/customers", params=newest_first)
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"order_by", "order_direction"}
    assert refused.json()["errors"]["order_by"] == ["Property 'order_by' is not filterable"]


def _one_booked_one_draft(api: httpx.Client) -> None:
    for book in (True, False):
        draft = api.post(
            "/customer-invoices/drafts",
            json={"customer_id": 2, "lines": [{"item_id": "AB/123", "quantity": 1}]},
        )
        if book:
            api.post(f"/customer-invoices/{draft.json()['customer_invoice']['number']}/book")


def test_is_booked_honoured_ignored_refused(api: httpx.Client) -> None:
    _one_booked_one_draft(api)
    assert api.get("/customer-invoices", params={"is_booked": "true"}).json()["total"] == 1
    _set(api, list_filters={"is_booked": "ignored"})
    assert api.get("/customer-invoices", params={"is_booked": "true"}).json()["total"] == 2
    _set(api, list_filters={"is_booked": "refused"})
    refused = api.get("/customer-invoices", params={"is_booked": "true"})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"is_booked": ["Property 'is_booked' is not filterable"]}}


def test_list_filters_as_one_mode_governs_every_parameter(api: httpx.Client) -> None:
    _set(api, list_filters="refused")
    for param, value in (
        ("updated_at_from", "2026-01-01 00:00:00"),
        ("order_by", "number"),
        ("is_booked", "true"),
    ):
        assert api.get("/customer-invoices", params={param: value}).status_code == 422
    # A mapping sets the named parameters and leaves the rest at the default.
    after = _set(api, list_filters={"is_booked": "ignored"})
    assert after["list_filters"] == {
        "updated_at_from": "honoured",
        "order_by": "honoured",
        "is_booked": "ignored",
    }


# ----- timestamp_format ------------------------------------------------------------------------------
def test_timestamps_space_by_default(api: httpx.Client) -> None:
    customer = api.get("/customers/1").json()["customer"]
    assert SPACE.match(customer["created_at"])
    assert SPACE.match(customer["updated_at"])


def test_timestamps_iso_everywhere(sim: RackbeatSimulator, api: httpx.Client) -> None:
    _one_booked_one_draft(api)
    webhook = api.post("/webhooks", json={"event": "product.created", "url": "http://hooks.test/x"}).json()[
        "webhook"
    ]
    assert SPACE.match(webhook["created_at"])
    _set(api, timestamp_format="iso")
    customer = api.get("/customers/1").json()["customer"]
    assert ISO.match(customer["created_at"])
    assert ISO.match(customer["updated_at"])
    assert ISO.match(customer["payment_terms"]["updated_at"])
    invoices = api.get("/customer-invoices", params={"is_booked": "true"}).json()["customer_invoices"]
    assert ISO.match(invoices[0]["booked_at"])
    assert ISO.match(invoices[0]["customer"]["updated_at"])
    assert ISO.match(api.get("/products/AB%252F123").json()["product"]["updated_at"])
    assert ISO.match(api.get("/webhooks").json()["webhooks"][0]["updated_at"])
    assert ISO.match(sim.dump_state()["customers"][0]["updated_at"])


def test_updated_at_filter_accepts_both_formats_under_either_switch(
    sim: RackbeatSimulator, api: httpx.Client
) -> None:
    since_space = _changed_customer(sim, api)
    for style in ("iso", "space"):
        _set(api, timestamp_format=style)
        since = api.get("/customers/5").json()["customer"]["updated_at"]
        for value in (since, since_space):
            assert [
                c["number"]
                for c in api.get("/customers", params={"updated_at_from": value}).json()["customers"]
            ] == [5]


# ----- invoice_line_vat -------------------------------------------------------------------------------
def test_invoice_line_vat_present_by_default(api: httpx.Client) -> None:
    _one_booked_one_draft(api)
    line = api.get("/customer-invoices").json()["customer_invoices"][0]["lines"][0]
    assert {"vat_percentage", "discount_percentage", "total"} <= set(line)


def test_invoice_line_vat_absent_as_the_2018_model(api: httpx.Client) -> None:
    _one_booked_one_draft(api)
    _set(api, invoice_line_vat="absent")
    invoice = api.get("/customer-invoices").json()["customer_invoices"][0]
    line = invoice["lines"][0]
    assert not {"vat_percentage", "discount_percentage", "total"} & set(line)
    assert {"child_id", "quantity", "line_price", "name"} <= set(line)
    # The invoice's own totals still include VAT.
    assert invoice["total_total"] == 12.5


# ----- path_encoding ------------------------------------------------------------------------------------
AWKWARD = {"AB/123": "Skrue 4 mm", "KIT+1": "Montering", "NV 0001": "Sement 25 kg"}


def _encode(number: str, times: int) -> str:
    for _ in range(times):
        number = quote(number, safe="")
    return number


@pytest.mark.parametrize(("mode", "works", "fails"), [("double", 2, 1), ("single", 1, 2)])
def test_path_encoding(api: httpx.Client, mode: str, works: int, fails: int) -> None:
    _set(api, path_encoding=mode)
    for number, name in AWKWARD.items():
        found = api.get(f"/products/{_encode(number, works)}")
        assert found.status_code == 200, (mode, number)
        assert found.json()["product"]["name"] == name
        assert api.get(f"/products/{_encode(number, fails)}").status_code == 404, (mode, number)
        assert api.put(f"/products/{_encode(number, works)}", json={"sales_price": 1}).status_code == 200
    # Numbers of unreserved characters need no encoding and work either way.
    api.post("/products", json={"number": "Plain-1_a.b~", "name": "P", "group": 1, "sales_price": 1})
    assert api.get("/products/Plain-1_a.b~").status_code == 200


def test_percent_sign_in_a_number(api: httpx.Client) -> None:
    api.post("/products", json={"number": "50%OFF", "name": "Rabatt", "group": 2, "sales_price": 1})
    assert api.get("/products/50%2525OFF").status_code == 200
    assert api.get("/products/50%25OFF").status_code == 404
    _set(api, path_encoding="single")
    assert api.get("/products/50%25OFF").status_code == 200
    assert api.get("/products/50%2525OFF").status_code == 404


def test_urlfriendly_number_is_the_number_encoded_once(api: httpx.Client) -> None:
    for number in AWKWARD:
        product = api.get(f"/products/{_encode(number, 2)}").json()["product"]
        assert product["urlfriendly_number"] == _encode(number, 1)


# ----- webhook_events ------------------------------------------------------------------------------------
UNCONFIRMED = [
    "customer.created",
    "customer.updated",
    "supplier.created",
    "supplier.updated",
    "customer_invoice.booked",
]
CONFIRMED = [
    "product.created",
    "product.updated",
    "order.created",
    "employee.created",
    "employee.updated",
    "payment_terms.created",
    "payment_terms.updated",
    "delivery_terms.created",
    "delivery_terms.updated",
    "plugin.uninstalled",
]


def test_webhook_events_all_accepts_ours_and_the_confirmed(api: httpx.Client) -> None:
    for event in UNCONFIRMED + CONFIRMED:
        assert (
            api.post("/webhooks", json={"event": event, "url": "http://hooks.test/a"}).status_code == 201
        ), event
    assert (
        api.post("/webhooks", json={"event": "invented.thing", "url": "http://hooks.test/a"}).status_code
        == 422
    )


def test_webhook_events_confirmed_refuses_the_rest(api: httpx.Client) -> None:
    _set(api, webhook_events="confirmed")
    for event in CONFIRMED:
        assert (
            api.post("/webhooks", json={"event": event, "url": "http://hooks.test/a"}).status_code == 201
        ), event
    for event in UNCONFIRMED:
        refused = api.post("/webhooks", json={"event": event, "url": "http://hooks.test/a"})
        assert refused.status_code == 422
        assert set(refused.json()) == {"errors"}
        assert set(refused.json()["errors"]) == {"event"}
    assert api.get("/webhooks").json()["total"] == len(CONFIRMED)


# ----- webhook_token_header ---------------------------------------------------------------------------------
@pytest.mark.parametrize("with_token", [True, False])
def test_webhook_token_header(receiver: Receiver, with_token: bool) -> None:
    sim = create_app(
        {**small_seed(), "options": {"webhook_token_header": with_token}},
        webhook_transport=httpx.WSGITransport(app=receiver),
    )
    url = "http://hooks.test/rackbeat/t-1?secret=s%2B3cr3t&x=1"
    with _client(sim) as c:
        webhook = c.post("/webhooks", json={"event": "product.updated", "url": url}).json()["webhook"]
        c.put("/products/AB%252F123", json={"sales_price": 12})
    assert sim.deliver_pending() == 1
    [delivery] = receiver.received
    headers = delivery["headers"]
    assert headers["Rackbeat-Webhook-Event"] == "product.updated"
    assert headers["Rackbeat-Account-Id"] == "777"
    assert headers["User-Agent"] == "Rackbeat Webhook"
    assert ("Rackbeat-Webhook-Token" in headers) is with_token
    if with_token:
        assert headers["Rackbeat-Webhook-Token"] == webhook["token"]
    # The registered URL exactly, query string included.
    assert delivery["path"] == "/rackbeat/t-1"
    assert delivery["query"] == "secret=s%2B3cr3t&x=1"


# ----- VAT zones and extra_vat_zones ----------------------------------------------------------------------
def test_fourth_vat_zone_domestic_exempt_is_accepted_and_priced(api: httpx.Client) -> None:
    api.put("/product-groups/1", json={"vat_domestic_exempt": 0})
    created = api.post(
        "/customers",
        json={"company_name": "Fritatt AS", "payment_terms_id": 1, "vat_zone": "domestic_exempt"},
    )
    assert created.status_code == 201
    number = created.json()["customer"]["number"]
    assert api.get(f"/customers/{number}").json()["customer"]["vat_zone"] == "domestic_exempt"
    draft = api.post(
        "/customer-invoices/drafts",
        json={"customer_id": number, "lines": [{"item_id": "AB/123", "quantity": 1}]},
    )
    invoice = draft.json()["customer_invoice"]
    assert invoice["vat_zone"] == "domestic_exempt"
    assert invoice["lines"][0]["vat_percentage"] == 0
    assert invoice["total_total"] == 10.0


def test_extra_vat_zones_switch(api: httpx.Client) -> None:
    customer = {"company_name": "Grense AS", "payment_terms_id": 1, "vat_zone": "no_svalbard"}
    refused = api.post("/customers", json=customer)
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"vat_zone"}
    _set(api, extra_vat_zones=["no_svalbard"])
    created = api.post("/customers", json=customer)
    assert created.status_code == 201
    assert created.json()["customer"]["vat_zone"] == "no_svalbard"
    draft = api.post(
        "/customer-invoices/drafts",
        json={
            "customer_id": created.json()["customer"]["number"],
            "lines": [{"item_id": "AB/123", "quantity": 1}],
        },
    )
    assert draft.status_code == 201
    assert draft.json()["customer_invoice"]["vat_zone"] == "no_svalbard"


@pytest.mark.parametrize(
    ("mode", "works", "fails"), [("double", "AB%252F123", "AB%2F123"), ("single", "AB%2F123", "AB%252F123")]
)
def test_path_encoding_over_real_sockets(mode: str, works: str, fails: str) -> None:
    """Over a socket the server sees the raw request line, where an encoded slash is still encoded."""
    sim = create_app({**small_seed(), "options": {"path_encoding": mode}})
    server = serve(sim)
    try:
        with httpx.Client(base_url=server.url + "/api", headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            assert c.get(f"/products/{works}").json()["product"]["number"] == "AB/123"
            assert c.get(f"/products/{fails}").status_code == 404
    finally:
        server.shutdown()
