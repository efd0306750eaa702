"""Contract: every TripletexClient method against the simulator, with zero spec violations, and
every response body the simulator produces conforms to the spec's response schema."""

from __future__ import annotations

import datetime as dt
import json
import re

from pydantic import SecretStr

from local.simulators.tripletex import TripletexSimulator, spec
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models.tripletex import (
    Address,
    Customer,
    EventSubscription,
    Invoice,
    Order,
    OrderLine,
    Product,
    ProductUnit,
    Ref,
    Supplier,
)

SPEC_TEMPLATES = [
    "/token/session/:create",
    "/token/session/>whoAmI",
    "/customer/list",
    "/customer/{id}",
    "/customer",
    "/supplier/list",
    "/supplier/{id}",
    "/supplier",
    "/product/unit/{id}",
    "/product/unit",
    "/product/list",
    "/product/{id}",
    "/product",
    "/ledger/vatType",
    "/currency",
    "/invoice/paymentType",
    "/order/{id}/:invoice",
    "/order/{id}",
    "/order",
    "/invoice/{id}",
    "/invoice",
    "/event/subscription/{id}",
    "/event/subscription",
]


def _template(path: str) -> str:
    for template in SPEC_TEMPLATES:
        pattern = re.escape(template).replace(re.escape("{id}"), r"\d+")
        if re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"no spec template for {path}")


def _drive_every_method(client: TripletexClient, today: dt.date) -> None:
    assert client.who_am_i().company is not None
    assert client.probe_access() == []
    assert client.count("customer") == 2
    assert {u.name_short for u in client.list_product_units()} == {"stk", "t"}
    unit = client.create_product_unit(ProductUnit(name="Kartong", name_short="krt"))
    assert {v.number for v in client.list_vat_types()} == {"3", "31", "5"}
    assert [c.code for c in client.list_currencies("NOK")] == ["NOK"]
    assert client.list_payment_types()[0].description == "Betalt til bank"

    customer = client.create_customer(
        Customer(
            name="Fjord Elektro AS",
            customer_number=20001,
            organization_number="998877665",
            invoice_send_method="EMAIL",
            email="post@fjordelektro.no",
            postal_address=Address(address_line1="Kaigata 2", postal_code="5003", city="Bergen"),
        )
    )
    assert customer.id is not None
    updated = client.update_customer(Customer(id=customer.id, version=customer.version, email="ny@fjord.no"))
    assert updated.email == "ny@fjord.no"
    assert client.find_customer_by_number(20001) is not None
    batch = client.create_customers(
        [
            Customer(
                name="Privat Person",
                customer_number=20002,
                is_private_individual=True,
                invoice_send_method="EMAIL",
            )
        ]
    )
    assert batch[0].customer_number == 20002
    assert len(list(client.iter_customers())) == 4
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    assert list(client.iter_customers(changed_since=tomorrow)) == []

    supplier = client.create_supplier(Supplier(name="Verktøy Engros AS", supplier_number=2))
    client.update_supplier(Supplier(id=supplier.id, version=supplier.version, email="ordre@engros.no"))
    client.create_suppliers([Supplier(name="Lim og Skrue AS", supplier_number=3)])
    assert client.find_supplier_by_number(3) is not None
    assert len(list(client.iter_suppliers())) == 3
    assert client.get_supplier(supplier.id or 0).email == "ordre@engros.no"

    product = client.create_product(
        Product(name="Skrutrekker", number="S-1", price_excluding_vat_currency=80, vat_type=Ref(id=3))
    )
    assert product.price_including_vat_currency == 100.0
    product = client.update_product(
        Product(id=product.id, version=product.version, product_unit=Ref(id=unit.id or 0))
    )
    client.create_products(
        [Product(name="Sag", number="S-2", price_including_vat_currency=115, vat_type=Ref(id=31))]
    )
    assert client.find_product_by_number("S-2") is not None
    assert client.get_product(product.id or 0).number == "S-1"
    listed = client.update_products([Product(id=product.id, is_inactive=True)])
    assert listed[0].is_inactive is True
    first = client.read_products_if_changed(None)
    assert len(first.values) == 3
    assert client.read_products_if_changed(first.version_digest).not_modified

    order = client.create_order(
        Order(
            customer=Ref(id=customer.id),
            order_date=today,
            delivery_date=today,
            order_lines=[
                OrderLine(product=Ref(id=product.id or 0), count=2, unit_price_excluding_vat_currency=80)
            ],
        )
    )
    assert client.get_order(order.id or 0).order_lines[0].amount_including_vat_currency == 200.0
    assert len(list(client.iter_orders(today, today + dt.timedelta(days=1)))) == 1
    invoice = client.invoice_order(order.id or 0, today)
    assert invoice.amount == 200.0
    second = client.create_invoice(
        Invoice(
            invoice_date=today,
            invoice_due_date=today + dt.timedelta(days=14),
            orders=[
                Order(
                    customer=Ref(id=customer.id),
                    order_date=today,
                    delivery_date=today,
                    is_prioritize_amounts_including_vat=True,
                    order_lines=[
                        OrderLine(description="Montering", count=1, unit_price_including_vat_currency=1250)
                    ],
                )
            ],
        )
    )
    assert second.amount == 1250.0
    assert {i.id for i in client.iter_invoices(today, today + dt.timedelta(days=1))} == {
        invoice.id,
        second.id,
    }

    subscription = client.create_subscription(
        EventSubscription(
            event="customer.update",
            target_url="https://hooks.example.no/tripletex",
            auth_header_name="X-Hook",
            auth_header_value=SecretStr("hook-secret"),
        )
    )
    assert subscription.status == "ACTIVE"
    client.update_subscription(
        EventSubscription(
            id=subscription.id, event="customer.create", target_url="https://hooks.example.no/tripletex"
        )
    )
    assert [s.event for s in client.list_subscriptions()] == ["customer.create"]
    client.delete_subscription(subscription.id or 0)
    assert client.list_subscriptions() == []


def test_every_client_method_has_zero_spec_violations(
    client: TripletexClient, app: TripletexSimulator
) -> None:
    _drive_every_method(client, client.oslo_today())

    log = app.request_log
    assert log, "the client made no requests"
    violations = [(e["method"], e["path"], e["spec_violations"]) for e in log if e["spec_violations"]]
    assert violations == []
    failures = [(e["method"], e["path"], e["status"]) for e in log if e["status"] >= 400]
    assert failures == []


def test_every_response_conforms_to_the_spec_response_schema(
    client: TripletexClient, app: TripletexSimulator
) -> None:
    """Re-issue every logged request raw and validate the answer against the spec independently."""
    import httpx

    from local.simulators.base import transport

    _drive_every_method(client, client.oslo_today())
    session = client.auth_headers()
    checked: set[tuple[str, str]] = set()
    raw = httpx.Client(transport=transport(app), base_url="http://tripletex.test")
    for entry in list(app.request_log):
        if entry["method"] != "GET" or entry["status"] != 200:
            continue
        response = raw.get(entry["path"], params=entry["query"], headers=session)
        assert response.status_code == 200, entry
        template = _template(entry["path"][len("/v2") :])
        schema = spec.response_schema(template, "GET")
        assert schema is not None
        assert spec.violations(schema, response.json()) == [], (template, json.dumps(response.json())[:300])
        checked.add(("GET", template))
    # Writes were validated by the simulator as it answered (a bad one would have been a 500).
    assert len(checked) >= 12


def test_a_broken_response_would_be_caught() -> None:
    schema = spec.response_schema("/customer/{id}", "GET")
    assert schema is not None
    assert spec.violations(schema, {"value": {"id": 1, "name": "X", "inventedField": 1}}) != []
    assert spec.violations(schema, {"value": {"id": "one"}}) != []
