"""The pure parts of the ledger streams: periods, the stock-value voucher, and a purchase order
mapped to Tripletex."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rackbeat_tripletex.mappers.rackbeat_to_tripletex import purchase_order as po
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import stock_value as sv
from rackbeat_tripletex.models.purchasing import PurchaseOrder
from rackbeat_tripletex.models.sync import FailureReason

D = dt.date


def test_months_weeks_and_days_close_on_their_last_day() -> None:
    months = sv.due_periods("monthly", D(2024, 1, 15), D(2024, 3, 31))
    assert [(p.key, p.first, p.last) for p in months] == [
        ("2024-01", D(2024, 1, 1), D(2024, 1, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),  # a leap year
    ]
    assert [p.key for p in sv.due_periods("monthly", D(2024, 1, 15), D(2024, 4, 1))][-1] == "2024-03"
    weeks = sv.due_periods("weekly", D(2026, 12, 30), D(2027, 1, 12))
    # ISO weeks run Monday to Sunday; the one holding New Year belongs to 2026's week 53.
    assert [(p.key, p.first, p.last) for p in weeks] == [
        ("2026-W53", D(2026, 12, 28), D(2027, 1, 3)),
        ("2027-W01", D(2027, 1, 4), D(2027, 1, 10)),
    ]
    assert [p.key for p in sv.due_periods("daily", D(2026, 2, 27), D(2026, 3, 2))] == [
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
    ]
    assert sv.due_periods("monthly", D(2026, 12, 5), D(2026, 12, 31)) == []  # not closed yet


@pytest.mark.parametrize("key", ["total_value", "value", "total"])
def test_the_valuation_total_is_read_under_any_known_key(key: str) -> None:
    assert sv.valuation_total({key: 1500.5, "date_to": "2026-01-31"}) == Decimal("1500.5")


def test_no_total_and_the_report_lines_summed_instead() -> None:
    assert sv.valuation_total({"sum": 3}) is None
    assert sv.valuation_total({"total_value": True}) is None
    assert sv.valuation_sum({"lineables": [{"value": 10}, {"value": "2.5"}]}) == Decimal("12.5")
    assert sv.valuation_sum({"lineables": [{"value": 10}, {"name": "no value"}]}) is None
    assert sv.valuation_sum({"items": []}) is None


def test_the_voucher_moves_the_inventory_account_by_the_difference_in_two_rows() -> None:
    period = sv.period_of("monthly", D(2026, 9, 10))
    amount = sv.adjustment(Decimal("1500.505"), Decimal("1000"))
    assert amount == Decimal("500.51")
    body = sv.voucher(
        period, amount, inventory_account_id=7, offset_account_id=9, description="d", external="X"
    )
    assert body["date"] == "2026-09-30"
    assert [(p["row"], p["account"]["id"], p["amountGross"]) for p in body["postings"]] == [
        (1, 7, 500.51),
        (2, 9, -500.51),
    ]
    assert sv.external_number("0123456789abcdef", period) == "RB-STOCK-01234567-2026-09"


def order(**changes: object) -> PurchaseOrder:
    raw = {
        "number": 1001,
        "supplier": {"number": 3001},
        "currency": "NOK",
        "is_booked": True,
        "created_at": "2026-11-02 10:00:00",
        "preferred_delivery_date": "2026-12-20",
        "lines": [
            {"child_id": "P-1", "quantity": 5, "unit_price": 60},
            {"child_id": "P-2", "quantity": 2, "line_price": 80},
            {"child_id": "P-1", "quantity": 1, "unit_price": 60},
        ],
        **changes,
    }
    return PurchaseOrder.model_validate(raw)


def mapped(record: PurchaseOrder, currency: int | None = 1) -> po.MappedOrder | po.Unmapped:
    return po.map_purchase_order(
        record,
        supplier_id=11,
        product_ids={"P-1": 21, "P-2": 22},
        our_contact_id=5,
        currency_id=currency,
        today=D(2026, 11, 5),
    )


def test_an_order_maps_to_header_and_one_line_per_product() -> None:
    result = mapped(order())
    assert isinstance(result, po.MappedOrder)
    assert result.header == {
        "supplier": {"id": 11},
        "deliveryDate": "2026-12-20",
        "ourContact": {"id": 5},
        "internalComment": "RB-PO-1001",
        "comments": "Rackbeat 1001",
        "currency": {"id": 1},
    }
    assert result.lines == (
        po.OrderLine(21, Decimal(6), Decimal(60)),
        po.OrderLine(22, Decimal(2), Decimal(40)),
    )
    assert not result.delivery_assumed
    again = mapped(order())
    assert isinstance(again, po.MappedOrder)
    assert again.content_hash == result.content_hash


@pytest.mark.parametrize("field", ["expected_delivery_date", "deliver_at"])
def test_the_delivery_date_is_read_from_any_known_field(field: str) -> None:
    record = PurchaseOrder.model_validate(
        {"number": 1, "lines": [{"child_id": "P-1", "quantity": 1}], field: "2026-12-24"}
    )
    assert record.delivery_date == D(2026, 12, 24)


def test_without_a_delivery_date_the_order_date_is_sent_and_said() -> None:
    result = mapped(order(preferred_delivery_date=None))
    assert isinstance(result, po.MappedOrder)
    assert (result.header["deliveryDate"], result.delivery_assumed) == ("2026-11-02", True)


def test_what_cannot_be_mapped_says_why() -> None:
    assert mapped(order(lines=[])) == po.Unmapped(
        FailureReason.NO_LINES, "purchase_orders.no_lines", {"number": "1001"}
    )
    unknown = mapped(order(lines=[{"child_id": "X-9", "quantity": 1}]))
    assert isinstance(unknown, po.Unmapped)
    assert (unknown.reason, unknown.params) == (FailureReason.MISSING_DEPENDENCY, {"item": "X-9"})
    currency = mapped(order(currency="SEK"), currency=None)
    assert isinstance(currency, po.Unmapped)
    assert currency.reason == FailureReason.UNKNOWN_CURRENCY
