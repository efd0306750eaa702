"""Invoice lines without a VAT rate (older Rackbeat invoice lines carry none), VAT zones the
standard codes do not cover, and what decides EHF."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from rackbeat_tripletex import preflight
from rackbeat_tripletex.i18n import Language, use_language
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import (
    MappedInvoice,
    MappingFailure,
    Reference,
    lines_without_vat_rate,
    map_customer,
    map_invoice,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import FailureReason, Unmappable
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from tests.support.rackbeat_strategies import reference

REFERENCE = reference()
PRODUCT_IDS = {"P25": 1, "P15": 2, "P0": 3}


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    # The sentences asserted here are the catalogue's English; a mapper writes in the current
    # language, Norwegian unless a tenant's says otherwise.
    with use_language(Language.EN):
        yield


GROUPS: dict[str, int | None] = {"P25": 1, "P15": 2, "P0": 4}


def _invoice(lines: list[dict[str, Any]], **fields: Any) -> rb.CustomerInvoice:
    """Lines as Rackbeat's 2018 invoice-line model has them: no vat_percentage, discount or total."""
    excl = sum(line["quantity"] * line["line_price"] for line in lines)
    vat = fields.pop("vat", None)
    values: dict[str, Any] = {
        "number": 9,
        "customer_id": 1,
        "currency": "NOK",
        "is_booked": True,
        "invoice_date": "2026-11-24",
        "lines": [{"child_type": "product", **line} for line in lines],
        "total_subtotal": excl,
        "total_total": round(excl + (vat if vat is not None else 0), 2),
        **fields,
    }
    return rb.CustomerInvoice.model_validate(values)


def _map(
    invoice: rb.CustomerInvoice, ref: Reference = REFERENCE, **kw: Any
) -> MappedInvoice | MappingFailure:
    return map_invoice(invoice, ref, customer_id=7, product_ids=PRODUCT_IDS, mode="order", **kw)


def _vat_types(mapped: MappedInvoice | MappingFailure) -> list[int]:
    assert isinstance(mapped, MappedInvoice), mapped
    return [line.vat_type.id for line in mapped.order.order_lines if line.vat_type]


def test_a_line_without_a_rate_takes_its_product_groups_rate_for_the_zone() -> None:
    invoice = _invoice(
        [
            {"child_id": "P25", "quantity": 2, "line_price": 100.0},
            {"child_id": "P15", "quantity": 1, "line_price": 40.0},
        ],
        vat=56.0,
    )
    assert lines_without_vat_rate(invoice) == ["P25", "P15"]
    mapped = _map(invoice, product_groups=GROUPS)
    assert _vat_types(mapped) == [3, 31]
    assert isinstance(mapped, MappedInvoice)
    assert [line.discount for line in mapped.order.order_lines] == [None, None]  # missing discount = 0


def test_without_the_group_the_one_rate_that_adds_up_to_the_invoice_vat_is_used() -> None:
    invoice = _invoice([{"child_id": "P15", "quantity": 3, "line_price": 40.0}], vat=18.0)
    assert _vat_types(_map(invoice)) == [31]  # 15 % of 120


def test_an_ambiguous_or_impossible_rate_fails_the_invoice_alone_with_a_fix() -> None:
    impossible = _map(_invoice([{"child_id": "P15", "quantity": 1, "line_price": 100.0}], vat=7.5))
    assert isinstance(impossible, MappingFailure)
    assert impossible.reason == FailureReason.UNKNOWN_VAT_RATE
    assert "product group" in impossible.suggested_fix
    zero = _map(_invoice([{"child_id": "P15", "quantity": 1, "line_price": 0.0}], vat=0.0))
    assert isinstance(zero, MappingFailure)
    assert zero.reason == FailureReason.UNKNOWN_VAT_RATE


def test_an_unknown_vat_zone_fails_alone_until_a_vat_type_is_chosen_for_it() -> None:
    invoice = _invoice(
        [{"child_id": "P25", "quantity": 1, "line_price": 100.0, "vat_percentage": 25}],
        vat=25.0,
        vat_zone="country_specific_se",
    )
    failed = _map(invoice)
    assert isinstance(failed, MappingFailure)
    assert failed.reason == FailureReason.UNKNOWN_VAT_ZONE
    assert failed.message == "VAT zone 'country_specific_se' has no Tripletex VAT type."
    assert "choose" in failed.suggested_fix.lower()
    assert "settings" in failed.suggested_fix

    chosen = dataclasses.replace(REFERENCE, zone_vat_types={"country_specific_se": "3"})
    assert _vat_types(_map(invoice, chosen)) == [3]
    inactive = dataclasses.replace(REFERENCE, zone_vat_types={"country_specific_se": "99"})
    refused = _map(invoice, inactive)
    assert isinstance(refused, MappingFailure)
    assert "not an active outgoing VAT type" in refused.message


def test_the_vat_exempt_zone_uses_the_domestic_zero_rate_code() -> None:
    assert REFERENCE.vat_type_id(0, "domestic_exempt") == 5
    assert REFERENCE.vat_type_id(0, "abroad") == 52
    with pytest.raises(Unmappable):
        REFERENCE.vat_type_id(25, "somewhere_else")


def test_the_due_date_travels_on_the_order_and_the_hash_covers_what_is_sent() -> None:
    base = _invoice([{"child_id": "P25", "quantity": 1, "line_price": 100.0, "vat_percentage": 25}], vat=25.0)
    later = base.model_copy(
        update={"due_date": base.invoice_date.replace(day=30) if base.invoice_date else None}
    )
    first, second = _map(base), _map(later)
    assert isinstance(first, MappedInvoice)
    assert isinstance(second, MappedInvoice)
    assert (second.order.invoices_due_in, second.order.invoices_due_in_type) == (6, "DAYS")
    assert first.content_hash != second.content_hash


def _ehf_customer() -> rb.Customer:
    return rb.Customer(
        number=5,
        company_name="Fjord AS",
        company_vat="NO 923609016 MVA",
        address_street="Storgata 1",
        address_zipcode="0155",
        address_city="Oslo",
        contact_email="post@fjord.no",
        currency="NOK",
    )


@pytest.mark.parametrize(
    ("send_types", "method"),
    [(None, "EHF"), (["EMAIL", "EHF"], "EHF"), (["EMAIL", "PAPER"], "EMAIL")],
)
def test_ehf_only_when_the_company_can_send_it(send_types: list[str] | None, method: str) -> None:
    settings = tx.InvoiceSettings(send_types=send_types) if send_types is not None else None
    mapped = map_customer(_ehf_customer(), dataclasses.replace(REFERENCE, invoice_settings=settings))
    assert not isinstance(mapped, MappingFailure)
    assert mapped.record.invoice_send_method == method


def test_preflight_findings() -> None:
    # Group 5 sells at 7 %, a rate the company has no VAT type for.
    groups = {k: g for k, g in REFERENCE.product_groups.items() if k != 5}
    ref = dataclasses.replace(REFERENCE, product_groups=groups)
    blocked = preflight.invoicing_findings(tx.InvoiceSettings(bank_account_ready=False), ref)
    assert [(f.key, f.blocking) for f in blocked] == [("bank-account", True)]
    assert preflight.invoicing_findings(tx.InvoiceSettings(bank_account_ready=True), ref) == []
    seven = preflight.invoicing_findings(tx.InvoiceSettings(bank_account_ready=True), REFERENCE)
    assert [(f.key, f.blocking) for f in seven] == [("vat-types", False)]
    assert "7 % (domestic)" in seven[0].message
    without_15 = dataclasses.replace(ref, vat_types={k: v for k, v in ref.vat_types.items() if k != 31})
    (missing,) = preflight.invoicing_findings(None, without_15)
    assert (missing.key, missing.blocking) == ("vat-types", False)
    assert "15 % (domestic)" in missing.message
    assert preflight.ehf_note(tx.InvoiceSettings(send_types=["EMAIL"])) is not None
    assert preflight.ehf_note(tx.InvoiceSettings(send_types=["EHF"])) is None
