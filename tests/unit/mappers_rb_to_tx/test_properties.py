"""Every Rackbeat record maps to a payload Tripletex's own OpenAPI document accepts, or to a failure
with a reason and a fix; no record makes a mapper raise."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings

from local.simulators.tripletex import spec
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import (
    Mapped,
    MappedInvoice,
    MappingFailure,
    map_customer,
    map_invoice,
    map_product,
    map_supplier,
    tripletex_totals,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.parties import valid_norwegian_organization_number
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.domain import InvoiceMode
from tests.support.rackbeat_strategies import (
    PRIVATE_GROUP,
    all_customers,
    booked_invoices,
    products,
    reference,
    suppliers,
)

REFERENCE = reference()
NORWAY = 161
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_spec_valid(path: str, payload: Any) -> None:
    schema = spec.request_schema(path, "POST")
    assert schema is not None
    assert spec.violations(schema, payload) == []


def assert_actionable(failure: MappingFailure) -> None:
    assert failure.message
    assert failure.suggested_fix
    assert failure.reason


def organization_number_acceptable(payload: dict[str, Any]) -> bool:
    """Tripletex's rule: checked as Norwegian (9 digits) when the physical address is in Norway
    or has no country."""
    number = payload.get("organizationNumber")
    if number is None:
        return True
    country = (payload.get("physicalAddress") or {}).get("country", {}).get("id", NORWAY)
    return country != NORWAY or bool(re.fullmatch(r"\d{9}", number))


@FAST
@given(all_customers)
def test_customer_maps_to_a_valid_payload_with_a_send_method_that_works(customer: rb.Customer) -> None:
    result = map_customer(customer, REFERENCE, private_customer_groups={PRIVATE_GROUP})
    if isinstance(result, MappingFailure):
        assert_actionable(result)
        return
    payload = result.payload
    assert_spec_valid("/customer", payload)
    assert organization_number_acceptable(payload)
    method = payload["invoiceSendMethod"]
    if method == "EHF":
        address = payload["postalAddress"]
        assert payload["isPrivateIndividual"] is False
        assert payload["singleCustomerInvoice"] is False
        assert valid_norwegian_organization_number(payload["organizationNumber"])
        assert address["country"]["id"] == NORWAY
        assert all(address.get(k) for k in ("addressLine1", "postalCode", "city"))
    elif method == "EMAIL":
        assert "@" in payload["email"]
        assert payload["invoiceEmail"] == payload["email"]
    else:
        assert method == "PAPER"
        assert "email" not in payload
    assert payload["isPrivateIndividual"] is (customer.customer_group_id == PRIVATE_GROUP)
    assert payload["isInactive"] is customer.is_barred


@FAST
@given(suppliers)
def test_supplier_maps_to_a_valid_payload(supplier: rb.Supplier) -> None:
    result = map_supplier(supplier, REFERENCE)
    if isinstance(result, MappingFailure):
        assert_actionable(result)
        return
    assert_spec_valid("/supplier", result.payload)
    assert organization_number_acceptable(result.payload)


@FAST
@given(products)
def test_product_maps_to_a_valid_payload(product: rb.Product) -> None:
    result = map_product(product, REFERENCE)
    if isinstance(result, MappingFailure):
        assert_actionable(result)
        return
    payload = result.payload
    assert_spec_valid("/product", payload)
    assert payload["vatType"]["id"] in REFERENCE.vat_types
    assert "priceIncludingVatCurrency" not in payload
    group = REFERENCE.product_groups[product.group.number]
    expected_stock = (
        product.group.has_inventory if product.group.has_inventory is not None else group.has_inventory
    )
    assert payload["isStockItem"] is expected_stock


@FAST
@given(booked_invoices())
def test_invoice_maps_to_valid_order_with_rackbeats_totals(invoice: rb.CustomerInvoice) -> None:
    modes: tuple[InvoiceMode, ...] = ("invoice", "order")
    for mode in modes:
        for including in (False, True):
            result = map_invoice(
                invoice,
                REFERENCE,
                customer_id=7,
                product_ids={"P1": 1, "P2": 2, "P3": 3},
                mode=mode,
                prices_including_vat=including,
            )
            if isinstance(result, MappingFailure):
                assert_actionable(result)
                continue
            assert isinstance(result, MappedInvoice)
            # Both modes send the order (in "invoice" mode ``:invoice`` follows it).
            assert_spec_valid("/order", result.payload)
            if result.invoice is not None:
                assert_spec_valid("/invoice", result.invoice.payload())
            order = result.payload
            assert order["invoicesDueInType"] == "DAYS"
            assert 0 <= order["invoicesDueIn"] <= 10_000
            side = order["isPrioritizeAmountsIncludingVat"]
            wanted, other = (
                ("unitPriceIncludingVatCurrency", "unitPriceExcludingVatCurrency")
                if side
                else ("unitPriceExcludingVatCurrency", "unitPriceIncludingVatCurrency")
            )
            assert all(wanted in line and other not in line for line in order["orderLines"])
            assert result.totals.including_vat == Decimal(str(invoice.total_total))
            assert result.totals.excluding_vat == Decimal(str(invoice.total_subtotal))
            assert tripletex_totals(result.order, REFERENCE) == result.totals


@FAST
@given(booked_invoices())
def test_rackbeat_arithmetic_always_maps(invoice: rb.CustomerInvoice) -> None:
    """Totals made by Rackbeat's own rounding never leave the mapper without unit prices."""
    result = map_invoice(
        invoice, REFERENCE, customer_id=7, product_ids={"P1": 1, "P2": 2, "P3": 3}, mode="order"
    )
    assert isinstance(result, MappedInvoice), result


def test_content_hash_ignores_key_order_and_follows_content() -> None:
    customer = rb.Customer(number=5, company_name="Fjord AS", contact_email="a@b.no", currency="NOK")
    first, again = map_customer(customer, REFERENCE), map_customer(customer.model_copy(), REFERENCE)
    changed = map_customer(customer.model_copy(update={"contact_phone": "+47 1"}), REFERENCE)
    assert isinstance(first, Mapped)
    assert isinstance(again, Mapped)
    assert isinstance(changed, Mapped)
    assert first.content_hash == again.content_hash != changed.content_hash
