"""Payment terms: when an invoice falls due."""

from __future__ import annotations

import datetime as dt


def due_date(invoice_date: dt.date, due_in: int, due_in_type: str) -> dt.date:
    """invoiceDate + the order's invoicesDueIn (maintainer [4 #65]; REAL: 14 DAYS -> +14)."""
    if due_in_type == "MONTHS":
        month = invoice_date.month - 1 + due_in
        year, month = invoice_date.year + month // 12, month % 12 + 1
        return invoice_date.replace(year=year, month=month, day=min(invoice_date.day, days_in(year, month)))
    if due_in_type == "RECURRING_DAY_OF_MONTH":
        day = min(due_in, days_in(invoice_date.year, invoice_date.month))
        candidate = invoice_date.replace(day=day)
        if candidate > invoice_date:
            return candidate
        year, month = (
            (invoice_date.year + 1, 1)
            if invoice_date.month == 12
            else (invoice_date.year, invoice_date.month + 1)
        )
        return dt.date(year, month, min(due_in, days_in(year, month)))
    return invoice_date + dt.timedelta(days=due_in)


def days_in(year: int, month: int) -> int:
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return (following - dt.timedelta(days=1)).day
