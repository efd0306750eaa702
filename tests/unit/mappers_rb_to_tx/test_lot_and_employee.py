"""The two issue-15 mappers, pure: a Rackbeat bill of materials as a Tripletex product (price,
VAT, unit, barred, what makes it fail), a Tripletex employee as a Rackbeat employee, and an
invoice line for a BOM that names the BOM as its dependency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rackbeat_tripletex.i18n import Language, use_language
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import MappingFailure, map_invoice
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.lot import map_lot
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import Dependency, FailureReason, Mapped
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.employee import map_employee
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.employees import TripletexEmployee
from tests.support.rackbeat_strategies import reference

REFERENCE = reference()


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    # The sentences asserted here are the catalogue's English; a mapper writes in the current
    # language, Norwegian unless a tenant's says otherwise.
    with use_language(Language.EN):
        yield


def _lot(**fields: Any) -> rb.Lot:
    return rb.Lot.model_validate({"number": "KIT-1", "name": "Sett", "group": {"number": 1}, **fields})


def test_a_lot_is_a_product_with_its_price_vat_and_barred_flag() -> None:
    mapped = map_lot(_lot(sales_price=180.0, is_barred=True), REFERENCE)
    assert isinstance(mapped, Mapped)
    product = mapped.record
    assert (product.number, product.name, product.price_excluding_vat_currency) == ("KIT-1", "Sett", 180.0)
    assert product.vat_type is not None
    assert product.vat_type.id == 3  # group 1 sells at 25 %
    assert product.is_inactive is True
    assert product.product_unit is None  # no unit on a lot unless Rackbeat gives one


def test_the_2018_total_price_stands_in_for_a_missing_sales_price() -> None:
    mapped = map_lot(_lot(total_price=200.0), REFERENCE)
    assert isinstance(mapped, Mapped)
    assert mapped.record.price_excluding_vat_currency == 200.0
    preferred = map_lot(_lot(sales_price=150.0, total_price=200.0), REFERENCE)
    assert isinstance(preferred, Mapped)
    assert preferred.record.price_excluding_vat_currency == 150.0


def test_a_unit_is_sent_when_the_lot_has_one() -> None:
    mapped = map_lot(_lot(sales_price=1.0, unit_id=1), REFERENCE)
    assert isinstance(mapped, Mapped)
    assert mapped.record.product_unit is not None
    assert mapped.record.product_unit.id == 1


@pytest.mark.parametrize(
    ("fields", "reason", "words"),
    [
        ({}, FailureReason.INVALID_PRICE, "has no sales price"),
        ({"sales_price": 1.0, "group": None}, FailureReason.UNKNOWN_PRODUCT_GROUP, "no product group"),
        ({"sales_price": 1.0, "group": {"number": 99}}, FailureReason.UNKNOWN_PRODUCT_GROUP, "99"),
        ({"sales_price": -1.0}, FailureReason.INVALID_PRICE, "negative"),
        ({"sales_price": 1.0, "name": " "}, FailureReason.MISSING_NAME, "no name"),
    ],
)
def test_a_lot_that_cannot_be_a_product_fails_with_a_fix(
    fields: dict[str, Any], reason: FailureReason, words: str
) -> None:
    failed = map_lot(_lot(**fields), REFERENCE)
    assert isinstance(failed, MappingFailure)
    assert (failed.entity, failed.rackbeat_key, failed.reason) == ("lot", "KIT-1", reason)
    assert words in failed.message
    assert failed.suggested_fix


def test_an_invoice_line_for_a_bom_needs_the_bom_and_then_sells_its_product() -> None:
    invoice = rb.CustomerInvoice.model_validate(
        {
            "number": 9,
            "customer_id": 1,
            "currency": "NOK",
            "is_booked": True,
            "invoice_date": "2026-11-24",
            "lines": [
                {
                    "child_type": "lot",
                    "child_id": "KIT-1",
                    "quantity": 1,
                    "line_price": 100.0,
                    "vat_percentage": 25,
                }
            ],
            "total_subtotal": 100.0,
            "total_total": 125.0,
        }
    )
    missing = map_invoice(invoice, REFERENCE, customer_id=7, product_ids={}, mode="order")
    assert isinstance(missing, MappingFailure)
    assert missing.missing == (Dependency("lot", "KIT-1"),)
    mapped = map_invoice(invoice, REFERENCE, customer_id=7, product_ids={"KIT-1": 42}, mode="order")
    assert not isinstance(mapped, MappingFailure)
    assert [line.product.id for line in mapped.order.order_lines if line.product] == [42]


@pytest.mark.parametrize(
    ("employee", "expected"),
    [
        (
            {"id": 1, "firstName": "Ola", "lastName": "Hansen", "email": " Ola@Firma.no "},
            {"name": "Ola Hansen", "initials": "OH", "contact_email": "Ola@Firma.no"},
        ),
        ({"id": 2, "firstName": "Kari", "lastName": "", "email": ""}, {"name": "Kari", "initials": "K"}),
        (
            {"id": 3, "firstName": "Anne Lise", "lastName": "Berg Dahl"},
            {"name": "Anne Lise Berg Dahl", "initials": "AD"},
        ),
    ],
)
def test_an_employee_keeps_name_email_and_initials(
    employee: dict[str, Any], expected: dict[str, Any]
) -> None:
    write = map_employee(TripletexEmployee.model_validate(employee))
    assert write is not None
    assert write.payload() == expected


def test_an_employee_without_a_name_is_not_mapped() -> None:
    assert (
        map_employee(TripletexEmployee.model_validate({"id": 4, "firstName": " ", "email": "x@y.no"})) is None
    )
