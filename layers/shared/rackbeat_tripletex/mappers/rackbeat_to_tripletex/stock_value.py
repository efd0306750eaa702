"""Rackbeat's stock value -> one Tripletex voucher per period (pure, no I/O).

A period's voucher moves the inventory account from its Tripletex balance at the period's last
day to Rackbeat's value on that day. Computing it from the balance, never from a stored running
difference, is what makes a late or repeated period safe: a voucher already posted is in the
balance, and a value Rackbeat rewrote since (a backdated receipt) is absorbed by the next period
(specs/EVIDENCE-NEW-STREAMS.md, stream 5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

Schedule = Literal["daily", "weekly", "monthly"]
# WEAK (SR reads all three): the key of GET /reports/valuation/total's answer.
TOTAL_KEYS = ("total_value", "value", "total")
# How far back a tenant may backdate: ten years of days.
MAX_PERIODS = 3660
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11" (month), "2026-W47" (ISO week, Monday to Sunday), "2026-11-30" (day)
    first: dt.date
    last: dt.date


def period_of(schedule: Schedule, day: dt.date) -> Period:
    if schedule == "daily":
        return Period(day.isoformat(), day, day)
    if schedule == "weekly":
        monday = day - dt.timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        return Period(f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=6))
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(f"{day:%Y-%m}", first, following - dt.timedelta(days=1))


def due_periods(schedule: Schedule, start: dt.date, today: dt.date) -> list[Period]:
    """The closed periods from the one holding ``start`` to the last one ended before ``today``,
    oldest first."""
    found: list[Period] = []
    period = period_of(schedule, start)
    while period.last < today and len(found) < MAX_PERIODS:
        found.append(period)
        period = period_of(schedule, period.last + dt.timedelta(days=1))
    return found


def valuation_total(body: Any) -> Decimal | None:
    """The total from ``/reports/valuation/total``, whichever key it came under."""
    if isinstance(body, dict):
        for key in TOTAL_KEYS:
            amount = _decimal(body.get(key))
            if amount is not None:
                return amount
    return None


def valuation_sum(body: Any) -> Decimal | None:
    """The total as the sum of ``/reports/valuation``'s ``lineables[].value`` (PRAC, SR)."""
    rows = body.get("lineables") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        return None
    values = [_decimal(row.get("value")) if isinstance(row, dict) else None for row in rows]
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def external_number(tenant_id: str, period: Period) -> str:
    """The voucher's key in Tripletex (no idempotency key exists there): found again by
    ``>externalVoucherNumber`` or in the period's voucher list before anything is posted."""
    return f"RB-STOCK-{tenant_id[:8]}-{period.key}"


def adjustment(value: Decimal, balance: Decimal) -> Decimal:
    return (value - balance).quantize(CENT, rounding=ROUND_HALF_UP)


def voucher(
    period: Period,
    amount: Decimal,
    *,
    inventory_account_id: int,
    offset_account_id: int,
    description: str,
    external: str,
) -> dict[str, Any]:
    """The voucher body: two rows (Tripletex refuses row 0, REAL) that sum to 0 (REAL)."""
    gross = float(amount)
    return {
        "date": period.last.isoformat(),
        "description": description,
        "externalVoucherNumber": external,
        "postings": [
            _posting(1, inventory_account_id, gross, description),
            _posting(2, offset_account_id, -gross, description),
        ],
    }


def _posting(row: int, account_id: int, amount: float, description: str) -> dict[str, Any]:
    return {
        "row": row,
        "account": {"id": account_id},
        "amountGross": amount,
        "amountGrossCurrency": amount,
        "description": description,
    }


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
