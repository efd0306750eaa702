"""Rackbeat's stock valuation report and customer-invoice payments, as the issue-15 streams read
them (specs/EVIDENCE-NEW-STREAMS.md, streams 3 and 5; switches graded in ``assumptions``).

The stock value is a history of dated movements: the value at ``date_to`` is the sum of every
movement dated on or before it. ``valuation_drift: backdated`` keeps a backdated movement at its
own date (average-cost corrections rewrite history, HD ht-00224); ``none`` books it today.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from local.simulators.rackbeat.app import RackbeatSimulator


@dataclass
class Books:
    """This module's part of one simulator's state (kept beside it, reset with it)."""

    stock_movements: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    invoice_payments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


_BOOKS: weakref.WeakKeyDictionary[Any, Books] = weakref.WeakKeyDictionary()


def books(sim: RackbeatSimulator) -> Books:
    return _BOOKS.setdefault(sim, Books())


def reset(sim: RackbeatSimulator) -> None:
    _BOOKS[sim] = Books()


def load_seed(sim: RackbeatSimulator, seed: dict[str, Any]) -> None:
    """Seed key ``stock_movements``: ``[{date, value}]``, each a change of the stock value."""
    for move in seed.get("stock_movements", []):
        books(sim).stock_movements.append((dt.date.fromisoformat(move["date"]), Decimal(str(move["value"]))))


def add_stock_movement(sim: RackbeatSimulator, day: dt.date, value: Decimal | float) -> None:
    """Stock received or sold on ``day`` (a backdated receipt when ``day`` is in the past)."""
    today = sim.now().date()
    booked = day if sim.options.valuation_drift == "backdated" else max(day, today)
    books(sim).stock_movements.append((booked, Decimal(str(value))))


def stock_value(sim: RackbeatSimulator, day: dt.date) -> Decimal:
    return sum((value for moved, value in books(sim).stock_movements if moved <= day), Decimal(0))


def route(sim: RackbeatSimulator, request: Request, head: str, rest: list[str]) -> tuple[int, Any] | None:
    """The answer for a path this module serves, or None for the simulator's own routes."""
    from local.simulators.rackbeat.app import invalid, not_found

    if head == "reports" and rest[:1] == ["valuation"] and request.method == "GET":
        text = request.args.get("date_to") or sim.now().date().isoformat()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise invalid({"date_to": ["The date to is not a valid date."]}) from None
        value = float(stock_value(sim, day))
        key = sim.options.valuation_total_key
        if rest == ["valuation", "total"]:
            if key == "absent":
                raise not_found()
            return 200, {key: value, "date_to": day.isoformat()}
        if rest == ["valuation"]:
            # PRAC (SR): lineables with a value each; one line stands for the whole stock here.
            return 200, {"lineables": [{"number": "ALL", "value": value}], "date_to": day.isoformat()}
        raise not_found()
    if head == "customer-invoices" and len(rest) >= 2 and rest[1] == "payments":
        return _payments(sim, request, rest)
    return None


def _payments(sim: RackbeatSimulator, request: Request, rest: list[str]) -> tuple[int, Any]:
    """OFF (2018 only): ``GET/POST /customer-invoices/{n}/payments``, ``DELETE …/{payment}``;
    ``invoice_payments: absent`` (the default, nothing current shows them) answers 404."""
    from local.simulators.rackbeat.app import invalid, not_found
    from local.simulators.rackbeat.validation import validate

    if sim.options.invoice_payments != "supported":
        raise not_found()
    number = int(rest[0]) if rest[0].isdigit() else -1
    invoice = sim.state.records["customer-invoices"].get(number)
    if invoice is None or not invoice.get("is_booked"):
        raise not_found()
    payments: list[dict[str, Any]] = books(sim).invoice_payments.setdefault(number, [])
    if len(rest) == 2 and request.method == "GET":
        return 206, {"customer_invoice_payments": list(payments), "pages": 1, "page": 1}
    if len(rest) == 2 and request.method == "POST":
        body = request.get_json(silent=True) or {}
        errors = validate("CustomerInvoicePaymentWrite", body)
        if errors:
            raise invalid(errors)
        amount = body["amount"]
        if amount <= 0:
            raise invalid({"amount": ["The amount must be a positive number."]})
        payment = {
            "number": max((p["number"] for p in payments), default=0) + 1,
            "amount": float(amount),
            "customer_invoice_id": number,
            "created_at": sim.now().isoformat(),
            "updated_at": sim.now().isoformat(),
        }
        payments.append(payment)
        _settle(invoice, payments)
        return 201, {"customer_invoice_payment": payment}
    if len(rest) == 3 and request.method == "DELETE" and rest[2].isdigit():
        kept = [p for p in payments if p["number"] != int(rest[2])]
        if len(kept) == len(payments):
            raise not_found()
        payments[:] = kept
        _settle(invoice, payments)
        return 200, {}
    raise not_found()


def _settle(invoice: dict[str, Any], payments: list[dict[str, Any]]) -> None:
    """The invoice's own fields follow its payments (SW 2018: balance, is_paid, is_party_paid)."""
    total = Decimal(str(invoice.get("total_total") or 0))
    paid = sum((Decimal(str(p["amount"])) for p in payments), Decimal(0))
    invoice["balance"] = float(total - paid)
    invoice["is_paid"] = paid >= total
    invoice["is_party_paid"] = 0 < paid < total
