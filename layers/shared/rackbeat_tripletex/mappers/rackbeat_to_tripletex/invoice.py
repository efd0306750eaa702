"""Booked Rackbeat customer invoice (or credit note) -> Tripletex order, invoiced or left open.

Two Tripletex traps are handled here. The VAT rule: an order says whether its unit prices include
VAT (``isPrioritizeAmountsIncludingVat``, always sent) and every line sends exactly the one
matching unit price field. The amounts: Tripletex computes each line's amounts itself (half up
to øre, from a unit price it keeps to 10 decimals), so the mapper predicts that arithmetic and
picks unit prices for which Tripletex arrives at Rackbeat's line amounts, and therefore at
Rackbeat's totals, to the øre. When no unit price can do that the invoice fails with a reason
rather than reaching the books with other amounts.

A credit note is a booked invoice with negative quantities, or negative prices (Rackbeat's
reference has no credit-note resource and only accepts positive quantities); either way it maps
to an order whose lines have negative counts and positive unit prices.

The due date travels on the order (``invoicesDueIn`` days): Tripletex's ``:invoice`` takes it
from there, in both invoice modes. A line without a VAT rate (older invoice lines carry none)
takes its product group's rate for the invoice's VAT zone, else the one rate that makes the
lines add up to the invoice's VAT; a line without a discount has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about, detail
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.amounts import (
    _ARITHMETIC,
    CENT,
    HALF_CENT,
    UNIT_PRICE_PLACES,
    InvoiceTotals,
    discount,
    exact,
    half_up,
    is_tie,
    line_excluding_vat,
    tripletex_line_amounts,
    tripletex_totals,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference, percent
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    Dependency,
    FailureReason,
    MappingFailure,
    Unmappable,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.domain import InvoiceMode
from rackbeat_tripletex.models.rackbeat_time import RACKBEAT_TIMEZONE

ORDER_NUMBER_PREFIX = "RB-"
MAX_DUE_DAYS = 10_000  # Tripletex's maximum for invoicesDueIn


@dataclass(frozen=True)
class MappedInvoice:
    mode: InvoiceMode
    order: tx.Order
    # Set in "invoice" mode: POST /invoice with the order inside. In "order" mode: POST /order.
    invoice: tx.Invoice | None
    payload: dict[str, Any]
    content_hash: str
    # Rackbeat's totals, which Tripletex's own arithmetic on ``payload`` reproduces exactly.
    totals: InvoiceTotals
    currency: str
    is_credit_note: bool


@dataclass
class _Target:
    """One Rackbeat line and the amounts Tripletex has to arrive at for it."""

    line: rb.DocumentLine
    product_id: int | None
    vat_type_id: int
    vat_percentage: Decimal
    excluding_vat: Decimal
    vat: Decimal
    raw_vat: Decimal

    @property
    def including_vat(self) -> Decimal:
        return self.excluding_vat + self.vat


def map_invoice(
    invoice: rb.CustomerInvoice,
    reference: Reference,
    *,
    customer_id: int | None,
    product_ids: Mapping[str, int],
    mode: InvoiceMode,
    prices_including_vat: bool = False,
    product_groups: Mapping[str, int | None] | None = None,
) -> MappedInvoice | MappingFailure:
    """``customer_id`` and ``product_ids`` (Rackbeat product or lot number -> Tripletex id) come from the
    links; what is missing there is returned as dependencies to sync first.
    ``prices_including_vat`` asks for an order whose unit prices include VAT.
    ``product_groups`` (Rackbeat product number -> its product group) is needed only for lines
    without a VAT rate (see :func:`lines_without_vat_rate`)."""
    try:
        return _map(
            invoice, reference, customer_id, product_ids, mode, prices_including_vat, product_groups or {}
        )
    except Unmappable as error:
        return error.failure("invoice", invoice.number)


def _map(
    invoice: rb.CustomerInvoice,
    reference: Reference,
    customer_id: int | None,
    product_ids: Mapping[str, int],
    mode: InvoiceMode,
    prices_including_vat: bool,
    product_groups: Mapping[str, int | None],
) -> MappedInvoice:
    if not invoice.is_booked:
        raise Unmappable(FailureReason.NOT_BOOKED, *detail("invoice.draft", number=invoice.number))
    if not invoice.lines:
        raise Unmappable(FailureReason.NO_LINES, *detail("invoice.no_lines", number=invoice.number))
    _require_dependencies(invoice, customer_id, product_ids)
    assert customer_id is not None  # checked above; narrows the type
    invoice_date = _date(invoice.invoice_date or invoice.booked_at, invoice.number, "invoice date")
    due_date = _due_date(invoice, invoice_date, reference)
    currency_id = reference.currency_id(invoice.currency)
    targets = _targets(invoice, reference, product_ids, product_groups)
    expected = _rackbeat_totals(invoice, targets)

    lines = _order_lines(targets, including_vat=prices_including_vat)
    including = prices_including_vat
    if lines is None:
        # The other side of VAT can always hit a line's two amounts where this one cannot.
        lines = _order_lines(targets, including_vat=not prices_including_vat)
        including = not prices_including_vat
    if lines is None:
        raise Unmappable(
            FailureReason.AMOUNTS_DO_NOT_ADD_UP,
            text("failure.invoice.no_unit_prices.message", number=invoice.number),
            text("failure.invoice.contact_support.fix"),
        )
    order = tx.Order(
        customer=tx.Ref(id=customer_id),
        number=f"{ORDER_NUMBER_PREFIX}{invoice.number}",
        reference=f"Rackbeat invoice {invoice.number}",
        order_date=invoice_date,
        delivery_date=invoice_date,
        invoices_due_in=min((due_date - invoice_date).days, MAX_DUE_DAYS),
        invoices_due_in_type="DAYS",
        is_prioritize_amounts_including_vat=including,
        currency=tx.Ref(id=currency_id),
        order_lines=lines,
    )
    predicted = tripletex_totals(order, reference)
    if predicted != expected:
        raise Unmappable(
            FailureReason.AMOUNTS_DO_NOT_ADD_UP,
            text(
                "failure.invoice.totals_differ.message",
                number=invoice.number,
                tripletex=predicted.including_vat,
                rackbeat=expected.including_vat,
            ),
            text("failure.invoice.contact_support.fix"),
        )
    tx_invoice = None
    payload = order.payload()
    # What reaches Tripletex: the order, and in "invoice" mode the date ``:invoice`` is sent.
    sent: dict[str, Any] = {"order": payload}
    if mode == "invoice":
        tx_invoice = tx.Invoice(
            invoice_date=invoice_date,
            invoice_due_date=due_date,
            customer=tx.Ref(id=customer_id),
            orders=[order],
        )
        sent["invoiceDate"] = invoice_date.isoformat()
    return MappedInvoice(
        mode=mode,
        order=order,
        invoice=tx_invoice,
        payload=payload,
        content_hash=content_hash(sent),
        totals=expected,
        currency=(invoice.currency or "NOK").upper(),
        is_credit_note=expected.including_vat < 0,
    )


def _require_dependencies(
    invoice: rb.CustomerInvoice, customer_id: int | None, product_ids: Mapping[str, int]
) -> None:
    missing: list[Dependency] = []
    if customer_id is None:
        missing.append(Dependency("customer", str(invoice.customer_id)))
    for line in invoice.lines:
        product = item_key(line)
        if product is not None and product not in product_ids:
            dependency = Dependency("lot" if line.child_type == "lot" else "product", product)
            if dependency not in missing:
                missing.append(dependency)
    if missing:
        names = ", ".join(f"{about(d.entity)['noun']} {d.rackbeat_key}" for d in missing)
        raise Unmappable(
            FailureReason.MISSING_DEPENDENCY,
            *detail("invoice.needs", number=invoice.number, names=names),
            missing=tuple(missing),
        )


def item_key(line: rb.DocumentLine) -> str | None:
    """The item a line sells, a product or a bill of materials (both are Tripletex products);
    None for a text line."""
    return line.child_id if line.child_type in (None, "product", "lot") else None


def _product_key(line: rb.DocumentLine) -> str | None:
    """The product number a line sells; None for a lot line or a text line (no child)."""
    return line.child_id if line.child_type in (None, "product") else None


def _date(value: dt.date | None, number: int, what: str) -> dt.date:
    # The read model has parsed it already; a booking stamp counts by its Copenhagen day.
    if value is None:
        raise Unmappable(FailureReason.MISSING_DATE, *detail("invoice.no_date", what, number=number))
    if isinstance(value, dt.datetime):
        return value.astimezone(RACKBEAT_TIMEZONE).date()
    return value


def _due_date(invoice: rb.CustomerInvoice, invoice_date: dt.date, reference: Reference) -> dt.date:
    if invoice.due_date:
        return max(_date(invoice.due_date, invoice.number, "due date"), invoice_date)
    days = reference.payment_days(invoice.payment_terms_id) or 0
    return invoice_date + dt.timedelta(days=days)


def lines_without_vat_rate(invoice: rb.CustomerInvoice) -> list[str]:
    """Product numbers of the lines that carry no VAT rate: their product groups are needed."""
    return [
        product
        for line in invoice.lines
        if line.vat_percentage is None and (product := _product_key(line)) is not None
    ]


def _line_rates(
    invoice: rb.CustomerInvoice, reference: Reference, product_groups: Mapping[str, int | None]
) -> list[Decimal]:
    """Each line's VAT rate: its own, else its product group's for the zone, else the one rate
    that makes the lines' VAT add up to the invoice's VAT."""
    zone = invoice.vat_zone or "domestic"
    rates: list[Decimal | None] = []
    for line in invoice.lines:
        if line.vat_percentage is not None:
            rates.append(percent(line.vat_percentage))
        elif (product := _product_key(line)) is not None:
            rates.append(reference.group_rate(product_groups.get(product), zone))
        else:
            rates.append(None)
    missing = [index for index, rate in enumerate(rates) if rate is None]
    if not missing:
        return [rate for rate in rates if rate is not None]
    amounts = [line_excluding_vat(line) for line in invoice.lines]
    total = exact(invoice.total_total)
    subtotal = (
        exact(invoice.total_subtotal) if invoice.total_subtotal is not None else sum(amounts, Decimal(0))
    )
    vat = exact(invoice.total_vat) if invoice.total_vat is not None else total - subtotal
    known = sum(
        (half_up(amounts[i] * rate / 100) for i, rate in enumerate(rates) if rate is not None), Decimal(0)
    )
    # Each line's VAT is rounded to the øre: a rate fits when the lines land within that rounding.
    slack = HALF_CENT * len(invoice.lines)
    fitting = [
        rate
        for rate in sorted(reference.vat_rates() | {r for r in rates if r is not None})
        if abs(known + sum((half_up(amounts[i] * rate / 100) for i in missing), Decimal(0)) - vat) <= slack
    ]
    first = missing[0] + 1
    if len(fitting) != 1:
        why = text("failure.invoice.why.many_rates" if fitting else "failure.invoice.why.no_rate")
        raise Unmappable(
            FailureReason.UNKNOWN_VAT_RATE,
            *detail("invoice.vat_rate", line=first, number=invoice.number, zone=zone, why=why),
        )
    return [rate if rate is not None else fitting[0] for rate in rates]


def _targets(
    invoice: rb.CustomerInvoice,
    reference: Reference,
    product_ids: Mapping[str, int],
    product_groups: Mapping[str, int | None],
) -> list[_Target]:
    targets = []
    rates = _line_rates(invoice, reference, product_groups)
    with localcontext(_ARITHMETIC):
        for line, rate in zip(invoice.lines, rates, strict=True):
            vat_type_id = reference.vat_type_id(rate, invoice.vat_zone or "domestic")
            excl = line_excluding_vat(line)
            raw_vat = excl * rate / 100
            targets.append(
                _Target(
                    line=line,
                    product_id=product_ids.get(item_key(line) or ""),
                    vat_type_id=vat_type_id,
                    vat_percentage=reference.vat_percentage(vat_type_id),
                    excluding_vat=excl,
                    vat=half_up(raw_vat),
                    raw_vat=raw_vat,
                )
            )
    return targets


def _rackbeat_totals(invoice: rb.CustomerInvoice, targets: list[_Target]) -> InvoiceTotals:
    """Rackbeat's totals, with each line's VAT settled so that the lines add up to them."""
    subtotal = sum((t.excluding_vat for t in targets), Decimal(0))
    total = exact(invoice.total_total)
    given_subtotal = exact(invoice.total_subtotal) if invoice.total_subtotal is not None else subtotal
    vat = exact(invoice.total_vat) if invoice.total_vat is not None else total - given_subtotal
    if given_subtotal != subtotal or half_up(given_subtotal + vat) != total:
        raise Unmappable(
            FailureReason.AMOUNTS_DO_NOT_ADD_UP,
            *detail(
                "invoice.lines_sum",
                number=invoice.number,
                lines=subtotal,
                subtotal=given_subtotal,
                vat=vat,
                total=total,
            ),
        )
    # Rackbeat rounds each line's VAT; where that lands exactly on half an øre its convention
    # may differ from half-up, so those lines are settled against Rackbeat's own VAT total.
    difference = vat - sum((t.vat for t in targets), Decimal(0))
    for target in targets:
        if difference == 0:
            break
        if not is_tie(target.raw_vat):
            continue
        step = -CENT if target.raw_vat > 0 else CENT  # the same tie rounded toward zero
        if (step > 0) == (difference > 0):
            target.vat += step
            difference -= step
    if difference != 0:
        raise Unmappable(
            FailureReason.AMOUNTS_DO_NOT_ADD_UP,
            *detail("invoice.vat_sum", number=invoice.number, vat=vat, lines_vat=vat - difference),
        )
    return InvoiceTotals(excluding_vat=subtotal, including_vat=subtotal + vat)


def _order_lines(targets: list[_Target], *, including_vat: bool) -> list[tx.OrderLine] | None:
    lines = []
    for target in targets:
        line = _order_line(target, including_vat=including_vat)
        if line is None:
            return None
        lines.append(line)
    return lines


def _order_line(target: _Target, *, including_vat: bool) -> tx.OrderLine | None:
    """The line with a unit price for which Tripletex arrives at the target amounts, if any.

    Rackbeat's own price (excluding VAT) or its VAT-inclusive price in whole øre is preferred, as
    a person reads it; otherwise the unit price is solved from the amounts: any line total within
    half an øre of both targets works, and the middle of that range is the safest.
    """
    line = target.line
    wanted = (target.excluding_vat, target.including_vat)
    quantity, price_given = line.quantity, line.line_price
    if price_given < 0 < quantity:
        # A credit line written as a negative price: Tripletex credits with negative counts.
        quantity, price_given = -quantity, -price_given
    with localcontext(_ARITHMETIC):
        rate = 1 + target.vat_percentage / 100
        price = exact(price_given)
        candidates = [half_up(price * rate) if including_vat else price]
        factor = exact(quantity) * (1 - discount(line) / 100)
        if factor != 0:
            low = max(target.excluding_vat - HALF_CENT, (target.including_vat - HALF_CENT) / rate)
            high = min(target.excluding_vat + HALF_CENT, (target.including_vat + HALF_CENT) / rate)
            if low < high:
                middle = (low + high) / 2 * (rate if including_vat else 1)
                # Whole øre first, as a person would write the price; then to Tripletex's precision.
                candidates.append(half_up(middle / factor))
                candidates.append((middle / factor).quantize(UNIT_PRICE_PLACES))
    for candidate in candidates:
        order_line = tx.OrderLine(
            product=tx.Ref(id=target.product_id) if target.product_id is not None else None,
            description=line.name,
            count=float(quantity),
            unit_price_including_vat_currency=float(candidate) if including_vat else None,
            unit_price_excluding_vat_currency=None if including_vat else float(candidate),
            discount=float(line.discount_percentage) if line.discount_percentage else None,
            vat_type=tx.Ref(id=target.vat_type_id),
        )
        amounts = tripletex_line_amounts(
            order_line, including_vat=including_vat, vat_percentage=target.vat_percentage
        )
        if amounts == wanted:
            return order_line
    return None
