"""Rackbeat read models are tolerant readers (RACKBEAT-EVIDENCE mismatches 1 and 6)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.rackbeat_time import RACKBEAT_TIMEZONE, filter_value, parse_timestamp

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "rackbeat_samples"


def sample(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((SAMPLES / name).read_text())
    return loaded


@pytest.mark.parametrize("zone", ["domestic_exempt", "DK", "country_specific_se", None])
def test_any_vat_zone_is_readable(zone: str | None) -> None:
    customer = rb.Customer.model_validate({"number": 7, "company_name": "A", "vat_zone": zone})
    assert customer.vat_zone == zone
    invoice = rb.CustomerInvoice.model_validate(
        {
            "number": 1,
            "customer_id": 7,
            "currency": "NOK",
            "is_booked": True,
            "total_total": 1,
            "vat_zone": zone,
        }
    )
    assert invoice.vat_zone == zone


def test_nulls_in_optional_looking_fields_mean_not_set() -> None:
    customer = rb.Customer.model_validate(
        {"number": 7, "company_name": None, "is_barred": None, "payment_terms_id": None, "vat_zone": None}
    )
    assert (customer.company_name, customer.is_barred) == (None, False)
    line = rb.DocumentLine.model_validate(
        {"child_id": None, "quantity": 1, "line_price": None, "discount_percentage": None}
    )
    assert (line.child_id, line.line_price, line.discount_percentage) == (None, 0.0, 0.0)
    hook = rb.Webhook.model_validate(
        {"id": 1, "event": "product.updated", "url": "https://x", "is_active": None}
    )
    assert hook.is_active is True


def test_a_record_without_its_number_is_still_refused() -> None:
    with pytest.raises(ValidationError):
        rb.Customer.model_validate({"number": None, "company_name": "A"})


def test_numbers_as_strings_and_extra_fields() -> None:
    product = rb.Product.model_validate(
        {"number": 12, "name": "P", "group": {"number": "3"}, "sales_price": "12.50", "shiny_new": {"a": 1}}
    )
    assert (product.number, product.group.number, product.sales_price) == ("12", 3, 12.5)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-31 13:05:00",
        "2026-01-31T13:05:00+01:00",
        "2026-01-31T12:05:00Z",
        "2026-01-31T12:05:00.000000Z",
    ],
)
def test_both_timestamp_forms_are_the_same_moment(text: str) -> None:
    expected = dt.datetime(2026, 1, 31, 12, 5, tzinfo=dt.UTC)
    assert parse_timestamp(text) == expected
    customer = rb.Customer.model_validate({"number": 1, "updated_at": text, "created_at": text})
    assert customer.updated_at == expected
    assert customer.updated_at is not None
    assert customer.updated_at.tzinfo is not None


def test_timestamps_compare_as_moments_not_text() -> None:
    # As text "2026-01-31 23:30:00" (Copenhagen) > "2026-01-31T23:00:00Z"; as moments it is earlier.
    local = parse_timestamp("2026-01-31 23:30:00")
    utc = parse_timestamp("2026-01-31T23:00:00Z")
    assert local < utc
    assert filter_value(utc) == "2026-02-01 00:00:00"


def test_dates_accept_a_date_or_a_timestamp() -> None:
    invoice = rb.CustomerInvoice.model_validate(
        {
            "number": 1,
            "customer_id": 2,
            "currency": "NOK",
            "is_booked": True,
            "total_total": "1.00",
            "invoice_date": "2026-01-31T23:30:00Z",  # already 1 February in Copenhagen
            "due_date": "2026-02-14",
            "booked_at": "2026-01-31 10:00:00",
            "updated_at": None,
        }
    )
    assert invoice.invoice_date == dt.date(2026, 2, 1)
    assert invoice.due_date == dt.date(2026, 2, 14)
    assert invoice.booked_at == dt.datetime(2026, 1, 31, 10, tzinfo=RACKBEAT_TIMEZONE)
    assert invoice.updated_at is None


def test_the_evidence_invoice_sample_reads() -> None:
    raw = sample("03-customer-invoice.json")["customer_invoice"]
    invoice = rb.CustomerInvoice.model_validate(raw)
    assert invoice.lines[0].vat_percentage is None  # the 2018 line shape has none
    assert invoice.updated_at == dt.datetime(2024, 11, 24, 9, tzinfo=dt.UTC)


def test_product_groups_keep_the_fourth_rate() -> None:
    group = rb.ProductGroup.model_validate(
        {"number": 1, "name": "G", "has_inventory": True, "vat_domestic_exempt": "0"}
    )
    assert group.vat_domestic_exempt == 0.0
