"""Invoice cases: booked in the Rackbeat simulator, mapped, written through TripletexClient in both
modes and on both sides of VAT; the totals Tripletex computes (read back) equal Rackbeat's to the
øre, and the unit-price VAT error never happens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import (
    Mapped,
    MappedInvoice,
    Reference,
    map_customer,
    map_invoice,
    map_product,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.domain import InvoiceMode
from tests.support.rb_to_tx_company import GROUP_0, GROUP_12, GROUP_15, GROUP_25, GROUP_SERVICES

# Rackbeat product number -> product group (its VAT rate) and price.
PRODUCTS = {
    "V25": (GROUP_25, 199.0),
    "V15": (GROUP_15, 42.9),
    "V12": (GROUP_12, 380.0),
    "V0": (GROUP_0, 25.0),
    "SERV": (GROUP_SERVICES, 950.0),
}


@dataclass
class Books:
    rackbeat: RackbeatClient
    tripletex: TripletexClient
    reference: Reference
    customer_ids: dict[int, int]
    product_ids: dict[str, int]

    def book(self, customer: int, lines: list[dict[str, Any]], **fields: Any) -> rb.CustomerInvoice:
        draft = self.rackbeat.create_customer_invoice_draft(
            rb.CustomerInvoiceDraftWrite(
                customer_id=customer,
                lines=[rb.DocumentLineWrite(**line) for line in lines],
                invoice_date="2026-11-24",
                **fields,
            )
        )
        return self.rackbeat.book_customer_invoice(draft.number)


@pytest.fixture
def books(rackbeat: RackbeatClient, tripletex: TripletexClient, reference: Reference) -> Books:
    customers = {
        1001: {"company_name": "Fjord Handel AS", "company_vat": "923609016", "vat_zone": "domestic",
               "currency": "NOK", "address_street": "Storgata 1", "address_zipcode": "0155",
               "address_city": "Oslo"},
        1002: {"company_name": "Berlin Werkzeug GmbH", "company_vat": "DE123456789", "vat_zone": "abroad",
               "currency": "EUR", "address_country": "DE", "address_city": "Berlin"},
    }  # fmt: skip
    customer_ids: dict[int, int] = {}
    for customer_number, fields in customers.items():
        customer = rackbeat.create_customer(
            rb.CustomerWrite(number=customer_number, customer_group_id=1, payment_terms_id=1, **fields)
        )
        mapped_customer = map_customer(customer, reference)
        assert isinstance(mapped_customer, Mapped), mapped_customer
        customer_ids[customer_number] = tripletex.create_customer(mapped_customer.record).id or 0
    product_ids: dict[str, int] = {}
    for product_number, (group, price) in PRODUCTS.items():
        product = rackbeat.create_product(
            rb.ProductWrite(
                number=product_number,
                name=f"Vare {product_number}",
                group=group,
                unit_id=1,
                sales_price=price,
            )
        )
        mapped_product = map_product(product, reference)
        assert isinstance(mapped_product, Mapped), mapped_product
        product_ids[product_number] = tripletex.create_product(mapped_product.record).id or 0
    return Books(rackbeat, tripletex, reference, customer_ids, product_ids)


def line(
    item: str, quantity: float, price: float | None = None, discount: float | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {"item_id": item, "quantity": quantity}
    if price is not None:
        values["line_price"] = price
    if discount is not None:
        values["discount_percentage"] = discount
    return values


CASES = {
    "vat-25": (1001, [line("V25", 2)], {}),
    "vat-15-12-0-mixed": (
        1001,
        [line("V25", 3, 33.33), line("V15", 7, 12.345), line("V12", 1.5, 99.99), line("V0", 4, 0.335)],
        {},
    ),
    "line-discounts": (
        1001,
        [line("V25", 3, 79.9, 12.5), line("V15", 7, 14.99, 33.333), line("SERV", 1, None, 10)],
        {},
    ),
    # 10.02 at 25 % is VAT 2.505: Rackbeat and half-up disagree on that half øre.
    "half-oere-vat": (1001, [line("V25", 1, 10.02), line("V25", 1, 0.02), line("V15", 3, 0.07)], {}),
    "awkward-prices": (
        1001,
        [line("V25", 3, 10.004), line("V12", 7, 0.123457), line("V25", 0.333, 17.0)],
        {},
    ),
    "foreign-currency": (1002, [line("V25", 5, 12.5), line("SERV", 2, 120.0, 5)], {"currency": "EUR"}),
    # Rackbeat takes only positive quantities: its credit note carries negative prices.
    "credit-note": (1001, [line("V25", 2, -199.0), line("V15", 1, -49.5, 10), line("V0", 3, -25.0)], {}),
}  # fmt: skip


def _read_back_totals(books: Books, mapped: MappedInvoice) -> tuple[Decimal, Decimal, int]:
    """(excluding VAT, including VAT, order id) as Tripletex stored them, read back."""
    if mapped.mode == "invoice":
        assert mapped.invoice is not None
        created = books.tripletex.create_invoice(mapped.invoice)
        order_id = created.orders[0].id or 0
        day = mapped.invoice.invoice_date
        assert day is not None
        stored = books.tripletex.iter_invoices(day, day + dt.timedelta(days=1))
        invoice = next(i for i in stored if i.id == created.id)
        assert invoice.amount is not None
        assert invoice.amount_excluding_vat is not None
        return Decimal(str(invoice.amount_excluding_vat)), Decimal(str(invoice.amount)), order_id
    order = books.tripletex.create_order(mapped.order)
    stored_order = books.tripletex.get_order(order.id or 0)
    excl = sum((Decimal(str(x.amount_excluding_vat_currency)) for x in stored_order.order_lines), Decimal(0))
    incl = sum((Decimal(str(x.amount_including_vat_currency)) for x in stored_order.order_lines), Decimal(0))
    return excl, incl, order.id or 0


@pytest.mark.parametrize("mode", ["invoice", "order"])
@pytest.mark.parametrize("prices_including_vat", [False, True], ids=["excl-vat", "incl-vat"])
@pytest.mark.parametrize("case", list(CASES))
def test_tripletex_totals_equal_rackbeats(
    books: Books, tripletex_app: TripletexSimulator, case: str, mode: InvoiceMode, prices_including_vat: bool
) -> None:
    customer, lines, fields = CASES[case]
    rackbeat_invoice = books.book(customer, lines, **fields)

    mapped = map_invoice(
        rackbeat_invoice,
        books.reference,
        customer_id=books.customer_ids[customer],
        product_ids=books.product_ids,
        mode=mode,
        prices_including_vat=prices_including_vat,
    )
    assert isinstance(mapped, MappedInvoice), mapped
    assert mapped.totals.including_vat == Decimal(str(rackbeat_invoice.total_total))
    assert mapped.totals.excluding_vat == Decimal(str(rackbeat_invoice.total_subtotal))

    excl, incl, order_id = _read_back_totals(books, mapped)

    assert (excl, incl) == (mapped.totals.excluding_vat, mapped.totals.including_vat)
    assert incl - excl == Decimal(str(rackbeat_invoice.total_vat))
    order = books.tripletex.get_order(order_id)
    assert order.is_prioritize_amounts_including_vat is mapped.order.is_prioritize_amounts_including_vat
    assert order.number == f"RB-{rackbeat_invoice.number}"
    assert [x.count for x in order.order_lines] == [
        -x.quantity if x.line_price < 0 else x.quantity for x in rackbeat_invoice.lines
    ]
    assert all((x.unit_price_excluding_vat_currency or 0) >= 0 for x in order.order_lines)
    assert [x.discount or 0 for x in order.order_lines] == [
        x.discount_percentage for x in rackbeat_invoice.lines
    ]
    if fields.get("currency"):
        assert order.currency is not None
        assert order.currency.id == books.reference.currency_ids["EUR"]
    assert mapped.is_credit_note is (case == "credit-note")
    # Never the unit-price VAT error, nor any other refusal.
    assert [e for e in tripletex_app.request_log if e["status"] >= 400] == []
    assert all(not e["spec_violations"] for e in tripletex_app.request_log)


def test_vat_types_follow_rate_and_zone(books: Books) -> None:
    domestic = books.book(1001, [line("V25", 1), line("V15", 1), line("V12", 1), line("V0", 1)])
    export = books.book(1002, [line("V25", 1)], currency="EUR")
    vat_type_ids = []
    for invoice in (domestic, export):
        mapped = map_invoice(
            invoice,
            books.reference,
            customer_id=books.customer_ids[invoice.customer_id],
            product_ids=books.product_ids,
            mode="order",
        )
        assert isinstance(mapped, MappedInvoice), mapped
        stored = books.tripletex.get_order(books.tripletex.create_order(mapped.order).id or 0)
        vat_type_ids.append([x.vat_type.id if x.vat_type else None for x in stored.order_lines])
    # Outgoing high, medium, low, zero inside the VAT act; abroad: export (code 52).
    assert vat_type_ids == [[3, 31, 33, 5], [52]]


def test_missing_customer_and_product_are_reported_as_dependencies(books: Books) -> None:
    invoice = books.book(1001, [line("V25", 1), line("V15", 2)])
    result = map_invoice(
        invoice,
        books.reference,
        customer_id=None,
        product_ids={"V25": books.product_ids["V25"]},
        mode="invoice",
    )
    assert not isinstance(result, MappedInvoice)
    assert result.reason == "missing_dependency"
    assert [(d.entity, d.rackbeat_key) for d in result.missing] == [("customer", "1001"), ("product", "V15")]


@pytest.mark.parametrize("mode", ["invoice", "order"])
def test_the_rackbeat_due_date_reaches_tripletex(books: Books, mode: InvoiceMode) -> None:
    """The customer's terms say 14 days; this invoice says 30 (its own payment term)."""
    invoice = books.book(1001, [line("V25", 1)], payment_terms_id=2)
    assert invoice.invoice_date is not None
    assert invoice.due_date is not None
    mapped = map_invoice(
        invoice,
        books.reference,
        customer_id=books.customer_ids[1001],
        product_ids=books.product_ids,
        mode=mode,
    )
    assert isinstance(mapped, MappedInvoice), mapped

    order = books.tripletex.create_order(mapped.order)
    issued = books.tripletex.invoice_order(order.id or 0, invoice.invoice_date)

    assert (invoice.due_date - invoice.invoice_date).days == 30
    assert issued.invoice_due_date == invoice.due_date
    stored = books.tripletex.get_order(order.id or 0)
    assert (stored.invoices_due_in, stored.invoices_due_in_type) == (30, "DAYS")
