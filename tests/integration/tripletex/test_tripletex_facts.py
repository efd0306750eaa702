"""One test per C-fact of specs/TRIPLETEX.md, against the simulator over its real WSGI interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from local.simulators.base import transport
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.http import AccessDenied, Conflict, NotFound, ValidationFailed
from rackbeat_tripletex.clients.tripletex import ResultTooLarge, TripletexClient
from rackbeat_tripletex.models.tripletex import Address, Customer, Order, OrderLine, Product, Ref

OSLO = ZoneInfo("Europe/Oslo")


def _raw(app: TripletexSimulator) -> httpx.Client:
    return httpx.Client(transport=transport(app), base_url="http://tripletex.test/v2")


def _session(app: TripletexSimulator, seed: dict[str, Any], days: int = 3) -> str:
    today = app.now().astimezone(OSLO).date()
    response = _raw(app).put(
        "/token/session/:create",
        params={
            "consumerToken": seed["consumer_token"],
            "employeeToken": seed["employee_token"],
            "expirationDate": (today + dt.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 200
    token: str = response.json()["value"]["token"]
    return token


@pytest.mark.parametrize("field", ["consumerToken", "employeeToken"])
def test_bad_token_at_create_is_422_18000(app: TripletexSimulator, seed: dict[str, Any], field: str) -> None:
    params = {"consumerToken": seed["consumer_token"], "employeeToken": seed["employee_token"]}
    params[field] = "wrong"
    params["expirationDate"] = "2099-01-01"
    body = _raw(app).put("/token/session/:create", params=params).json()
    assert (body["status"], body["code"], body["message"]) == (422, 18000, "Validering feilet.")
    assert body["validationMessages"][0]["field"] == f"arg:{field}"


def test_test_token_against_production_is_rejected(app: TripletexSimulator) -> None:
    app.load_seed({"consumer_token": "test-abc", "employee_token": "test-def"})
    params = {"consumerToken": "test-abc", "employeeToken": "test-def", "expirationDate": "2099-01-01"}
    body = _raw(app).put("/token/session/:create", params=params).json()
    assert body["code"] == 18000


def test_session_dies_at_oslo_midnight_as_expiration_date_begins(
    app: TripletexSimulator, seed: dict[str, Any]
) -> None:
    token = _session(app, seed, days=1)
    raw = _raw(app)
    assert raw.get("/token/session/>whoAmI", auth=("0", token)).status_code == 200
    expiry = dt.datetime.combine(
        app.now().astimezone(OSLO).date() + dt.timedelta(days=1), dt.time(), tzinfo=OSLO
    )
    app.set_clock(now=expiry - dt.timedelta(seconds=1))
    assert raw.get("/token/session/>whoAmI", auth=("0", token)).status_code == 200
    app.set_clock(now=expiry)
    body = raw.get("/token/session/>whoAmI", auth=("0", token)).json()
    assert (body["status"], body["code"]) == (401, 3000)


def test_expiration_date_today_in_oslo_is_accepted_while_utc_lags_but_the_token_is_dead(
    app: TripletexSimulator, seed: dict[str, Any]
) -> None:
    # MEAS (pytripletex, evidence F6): 23:30 UTC on 1 March is already 2 March in Oslo. Tripletex
    # accepts expirationDate 2 March (later than the UTC date) and the token then answers 401.
    app.set_clock(now="2026-03-01T23:30:00+00:00")
    params = {
        "consumerToken": seed["consumer_token"],
        "employeeToken": seed["employee_token"],
        "expirationDate": "2026-03-02",
    }
    created = _raw(app).put("/token/session/:create", params=params)
    assert created.status_code == 200
    token = created.json()["value"]["token"]
    assert _raw(app).get("/token/session/>whoAmI", auth=("0", token)).status_code == 401
    params["expirationDate"] = "2026-03-01"
    assert _raw(app).put("/token/session/:create", params=params).status_code == 422


def test_client_mints_on_the_oslo_date_late_in_the_utc_evening(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    app.set_clock(now="2026-03-01T23:30:00+00:00")
    client = make_client()
    assert client.who_am_i().company_id == 77
    app.set_clock(now="2026-03-04T12:00:00+00:00")  # past the renewal point (a day before expiry)
    assert client.who_am_i().company_id == 77
    creates = [e for e in app.request_log if e["path"].endswith(":create")]
    assert [e["query"]["expirationDate"] for e in creates] == ["2026-03-05", "2026-03-07"]


def test_every_response_has_a_request_id_and_the_error_body_shape(
    app: TripletexSimulator, client: TripletexClient
) -> None:
    with pytest.raises(NotFound) as caught:
        client.get_customer(999)
    assert caught.value.code == 6000
    assert caught.value.request_id
    response = _raw(app).get("/customer/999", headers=client.auth_headers())
    assert set(response.json()) == {
        "status",
        "code",
        "message",
        "link",
        "developerMessage",
        "validationMessages",
        "requestId",
    }
    assert response.headers["x-tlx-request-id"]


def test_area_not_granted_is_403_9000_and_probe_names_it(
    app: TripletexSimulator, make_client: Callable[..., TripletexClient]
) -> None:
    app.load_seed({"grants": ["customer", "product"]})
    client = make_client()
    assert client.probe_access() == ["supplier", "invoice"]
    with pytest.raises(AccessDenied) as caught:
        list(client.iter_suppliers())
    assert caught.value.code == 9000


def test_stale_version_is_409_8000_with_current_object(client: TripletexClient) -> None:
    current = client.get_customer(1)
    client.update_customer(Customer(id=1, version=current.version, email="a@asen.no"))
    with pytest.raises(Conflict) as caught:
        client.update_customer(Customer(id=1, version=current.version, email="b@asen.no"))
    assert caught.value.code == 8000
    assert caught.value.current is not None
    assert caught.value.current.email == "a@asen.no"


def test_unknown_field_wrong_type_and_bad_enum_are_422_and_logged(
    app: TripletexSimulator, client: TripletexClient
) -> None:
    raw = _raw(app)
    headers = client.auth_headers()
    for body, field in (
        ({"name": "X", "favouriteColour": "blå"}, "favouriteColour"),
        ({"name": "X", "customerNumber": "tolv"}, "customerNumber"),
        ({"name": "X", "invoiceSendMethod": "FAX"}, "invoiceSendMethod"),
    ):
        answer = raw.post("/customer", json=body, headers=headers).json()
        assert answer["status"] == 422
        assert answer["validationMessages"][0]["field"] == field
    assert sum(len(e["spec_violations"]) for e in app.request_log) == 3


def test_read_only_fields_are_tolerated(app: TripletexSimulator, client: TripletexClient) -> None:
    body = {"id": 555, "version": 9, "url": "x", "name": "Privat", "isPrivateIndividual": True}
    answer = _raw(app).post("/customer", json=body, headers=client.auth_headers())
    assert answer.status_code == 201
    assert answer.json()["value"]["id"] != 555


def test_paging_never_trusts_full_result_size(app: TripletexSimulator, client: TripletexClient) -> None:
    app.load_seed({"products": [{"id": 100 + i, "name": f"V{i}", "number": f"N{i}"} for i in range(25)]})
    body = _raw(app).get("/product", params={"count": 10}, headers=client.auth_headers()).json()
    assert body["count"] == 10
    assert len(list(client.iter_products(page_size=10))) == 26


def test_more_than_10000_results_is_23000_whatever_count(
    app: TripletexSimulator, client: TripletexClient
) -> None:
    app.load_seed({"products": [{"id": 100 + i, "name": "V", "number": f"N{i}"} for i in range(10_001)]})
    answer = _raw(app).get("/product", params={"count": 1}, headers=client.auth_headers()).json()
    assert (answer["code"], answer["message"]) == (23000, "Result set too large. Limit of 10000 reached.")
    with pytest.raises(ResultTooLarge):
        client._call("GET", "/product", params={"count": 1})


def test_fields_selection(app: TripletexSimulator, client: TripletexClient) -> None:
    today = client.oslo_today()
    order = client.create_order(
        Order(
            customer=Ref(id=1),
            order_date=today,
            delivery_date=today,
            order_lines=[OrderLine(description="Arbeid", count=1, unit_price_excluding_vat_currency=100)],
        )
    )
    raw = _raw(app)
    plain = raw.get(f"/order/{order.id}", headers=client.auth_headers()).json()["value"]
    assert set(plain["orderLines"][0]) == {"id", "url"}
    assert "changes" not in plain
    expanded = raw.get(
        f"/order/{order.id}", params={"fields": "id,orderLines(*),changes"}, headers=client.auth_headers()
    ).json()["value"]
    assert set(expanded) == {"id", "orderLines", "changes"}
    assert expanded["orderLines"][0]["description"] == "Arbeid"


def test_changed_since_on_customers(app: TripletexSimulator, client: TripletexClient) -> None:
    app.set_clock(offset_seconds=3600)
    mark = app.now()
    app.set_clock(offset_seconds=7200)
    client.update_customer(Customer(id=2, phone_number="12345678"))
    assert [c.id for c in client.iter_customers(changed_since=mark)] == [2]


def test_version_digest_and_if_none_match_304(client: TripletexClient) -> None:
    first = client.read_products_if_changed(None)
    assert client.read_products_if_changed(first.version_digest).not_modified
    client.update_product(Product(id=1, name="Hammer 2"))
    assert not client.read_products_if_changed(first.version_digest).not_modified


def test_rate_limit_headers_on_every_response(app: TripletexSimulator, client: TripletexClient) -> None:
    response = _raw(app).get("/customer/1", headers=client.auth_headers())
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(response.headers)


@pytest.mark.parametrize(
    ("customer", "message"),
    [
        (
            Customer(name="Uten Adresse AS", organization_number="912345670"),
            "postalAddress is required for EHF",
        ),
        (
            Customer(
                name="Feil Orgnr AS", organization_number="912 345 670", postal_address=Address(city="Oslo")
            ),
            "The organization number must consist of 9 numbers and cannot have any spaces.",
        ),
    ],
)
def test_ehf_rules(client: TripletexClient, customer: Customer, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        client.create_customer(customer)
    assert caught.value.validation_messages[0].message == message


def test_ehf_requires_single_customer_invoice_false(client: TripletexClient) -> None:
    customer = Customer(
        name="Samle AS",
        organization_number="912345670",
        postal_address=Address(city="Oslo"),
        single_customer_invoice=True,
    )
    with pytest.raises(ValidationFailed):
        client.create_customer(customer)
    created = client.create_customer(customer.model_copy(update={"single_customer_invoice": False}))
    assert created.invoice_send_method == "EHF"


@pytest.mark.parametrize(
    ("including", "line", "message"),
    [
        (
            True,
            {"unit_price_excluding_vat_currency": 100},
            "Enhetspris må være med mva siden enhetspris på ordre er med mva.",
        ),
        (
            False,
            {"unit_price_including_vat_currency": 125},
            "Enhetspris må være uten mva siden enhetspris på ordre er uten mva.",
        ),
        (
            False,
            {"unit_price_including_vat_currency": 125, "unit_price_excluding_vat_currency": 100},
            "Enhetspris må være uten mva siden enhetspris på ordre er uten mva.",
        ),
    ],
)
def test_vat_rule_on_order_lines(
    client: TripletexClient, including: bool, line: dict[str, Any], message: str
) -> None:
    today = client.oslo_today()
    order = Order(
        customer=Ref(id=1),
        order_date=today,
        delivery_date=today,
        is_prioritize_amounts_including_vat=including,
        order_lines=[OrderLine(product=Ref(id=1), count=1, vat_type=Ref(id=3), **line)],
    )
    with pytest.raises(ValidationFailed) as caught:
        client.create_order(order)
    assert caught.value.validation_messages[0].message == message


def test_other_price_and_totals_are_computed_to_ore(client: TripletexClient) -> None:
    today = client.oslo_today()
    order = client.create_order(
        Order(
            customer=Ref(id=1),
            order_date=today,
            delivery_date=today,
            is_prioritize_amounts_including_vat=True,
            order_lines=[OrderLine(count=3, unit_price_including_vat_currency=99.99, vat_type=Ref(id=3))],
        )
    )
    line = client.get_order(order.id or 0).order_lines[0]
    assert line.unit_price_excluding_vat_currency == 79.992
    assert line.amount_including_vat_currency == 299.97
    assert line.amount_excluding_vat_currency == 239.98


def test_orders_and_invoices_need_their_date_range(app: TripletexSimulator, client: TripletexClient) -> None:
    raw = _raw(app)
    assert raw.get("/order", headers=client.auth_headers()).status_code == 422
    assert raw.get("/invoice", headers=client.auth_headers()).status_code == 422


def test_bad_session_is_401_3000(app: TripletexSimulator) -> None:
    body = _raw(app).get("/customer", auth=("0", "not-a-session")).json()
    assert (body["status"], body["code"]) == (401, 3000)


def test_client_surfaces_rejected_tokens_without_leaking_them(
    make_client: Callable[..., TripletexClient],
) -> None:
    client = make_client(consumer="consumer-secret-1", employee="employee-secret-2")
    with pytest.raises(ValidationFailed) as caught:
        client.who_am_i()
    text = str(caught.value) + repr(caught.value) + repr(client)
    assert "consumer-secret-1" not in text
    assert "employee-secret-2" not in text
    assert caught.value.code == 18000
