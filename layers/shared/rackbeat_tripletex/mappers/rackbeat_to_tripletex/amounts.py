"""Tripletex's arithmetic on an order, predicted to the øre: each line's amounts half up from a
unit price it keeps to 10 decimals, the totals the sum of the rounded lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
UNIT_PRICE_PLACES = Decimal("1e-10")  # Tripletex keeps unit prices to 10 decimals
# Decimal's default context, fixed here so a caller's context cannot change the arithmetic.
_ARITHMETIC = Context(prec=28, rounding=ROUND_HALF_EVEN)


def exact(value: float | int | str) -> Decimal:
    """A number from Rackbeat or on the wire as the decimal it was written as (0.1 -> 0.1)."""
    return Decimal(str(value))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InvoiceTotals:
    excluding_vat: Decimal
    including_vat: Decimal

    @property
    def vat(self) -> Decimal:
        return self.including_vat - self.excluding_vat


def tripletex_line_amounts(
    line: tx.OrderLine, *, including_vat: bool, vat_percentage: Decimal
) -> tuple[Decimal, Decimal]:
    """(excluding, including) VAT as Tripletex computes them for a line it is sent."""
    with localcontext(_ARITHMETIC):
        rate = 1 + vat_percentage / 100
        if including_vat:
            incl = exact(line.unit_price_including_vat_currency or 0.0)
            excl = incl / rate
        else:
            excl = exact(line.unit_price_excluding_vat_currency or 0.0)
            incl = excl * rate
        count = exact(line.count if line.count is not None else 1.0)
        factor = 1 - exact(line.discount or 0.0) / 100
        return half_up(excl * count * factor), half_up(incl * count * factor)


def tripletex_totals(order: tx.Order, reference: Reference) -> InvoiceTotals:
    """The order's totals as Tripletex computes them: the sum of its rounded line amounts."""
    including = bool(order.is_prioritize_amounts_including_vat)
    excl = incl = Decimal(0)
    for line in order.order_lines:
        percentage = reference.vat_percentage(line.vat_type.id) if line.vat_type else Decimal(0)
        line_excl, line_incl = tripletex_line_amounts(
            line, including_vat=including, vat_percentage=percentage
        )
        excl += line_excl
        incl += line_incl
    return InvoiceTotals(excluding_vat=excl, including_vat=incl)


def line_excluding_vat(line: rb.DocumentLine) -> Decimal:
    if line.total is not None:
        return exact(line.total)
    return half_up(exact(line.quantity) * exact(line.line_price) * (1 - discount(line) / 100))


def discount(line: rb.DocumentLine) -> Decimal:
    return exact(line.discount_percentage) if line.discount_percentage is not None else Decimal(0)


def is_tie(value: Decimal) -> bool:
    """Exactly half an øre beyond a whole øre, where rounding conventions disagree."""
    hundredths = value * 100
    return (value * 200) == (value * 200).to_integral_value() and hundredths != hundredths.to_integral_value()
