"""A booked Rackbeat purchase order -> a Tripletex purchase order and its lines (pure).

Tripletex numbers purchase orders itself (``number`` is read-only, OFF), so the Rackbeat number
goes into ``internalComment`` as a marker the order is found by again, and into ``comments``
for the people matching the supplier invoice. The header always carries supplier, delivery date
and our contact (WEAK: found required by trial); without a delivery date in Rackbeat the order
date stands in and the result says so. Lines are one per product (counts of repeated products
added up), with the Rackbeat unit price as the unit cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.purchasing import PurchaseOrder
from rackbeat_tripletex.models.sync import FailureReason

MARKER_PREFIX = "RB-PO-"


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    count: Decimal
    unit_cost: Decimal


@dataclass(frozen=True)
class MappedOrder:
    header: dict[str, object]
    lines: tuple[OrderLine, ...]
    content_hash: str
    # True when Rackbeat had no delivery date and the order date was sent instead.
    delivery_assumed: bool


@dataclass(frozen=True)
class Unmapped:
    reason: FailureReason
    # Catalogue key of the message (``i18n/streams_ledger.py``) and its placeholders.
    key: str
    params: dict[str, str]


def marker(order: PurchaseOrder) -> str:
    return f"{MARKER_PREFIX}{order.number}"


def product_numbers(order: PurchaseOrder) -> list[str]:
    return sorted({line.child_id for line in order.lines if line.child_id is not None})


def map_purchase_order(
    order: PurchaseOrder,
    *,
    supplier_id: int,
    product_ids: dict[str, int],
    our_contact_id: int,
    currency_id: int | None,
    today: dt.date,
) -> MappedOrder | Unmapped:
    if not order.lines:
        return Unmapped(FailureReason.NO_LINES, "purchase_orders.no_lines", {"number": str(order.number)})
    counts: dict[int, Decimal] = {}
    costs: dict[int, Decimal] = {}
    for line in order.lines:
        if line.child_id is None or line.child_id not in product_ids:
            item = line.child_id or line.name or "?"
            return Unmapped(FailureReason.MISSING_DEPENDENCY, "purchase_orders.unknown_item", {"item": item})
        product = product_ids[line.child_id]
        counts[product] = counts.get(product, Decimal(0)) + line.quantity
        costs.setdefault(product, _unit_cost(line.unit_price, line.line_price, line.quantity))
    if order.currency and currency_id is None:
        return Unmapped(
            FailureReason.UNKNOWN_CURRENCY, "purchase_orders.unknown_currency", {"code": order.currency}
        )
    ordered_on = order.created_at.date() if order.created_at is not None else today
    delivery = order.delivery_date or ordered_on
    header: dict[str, object] = {
        "supplier": {"id": supplier_id},
        "deliveryDate": delivery.isoformat(),
        "ourContact": {"id": our_contact_id},
        "internalComment": marker(order),
        "comments": f"Rackbeat {order.number}",
    }
    if currency_id is not None:
        header["currency"] = {"id": currency_id}
    lines = tuple(OrderLine(p, counts[p], costs[p]) for p in sorted(counts))
    digest = content_hash(
        {
            "header": header,
            "lines": [[line.product_id, str(line.count), str(line.unit_cost)] for line in lines],
        }
    )
    return MappedOrder(header, lines, digest, delivery_assumed=order.delivery_date is None)


def line_body(order_id: int, line: OrderLine) -> dict[str, object]:
    return {
        "purchaseOrder": {"id": order_id},
        "product": {"id": line.product_id},
        "count": float(line.count),
        "unitCostCurrency": float(line.unit_cost),
    }


def _unit_cost(unit: Decimal | None, total: Decimal | None, quantity: Decimal) -> Decimal:
    if unit is not None:
        return unit
    if total is not None and quantity:
        return (total / quantity).quantize(Decimal("0.0001"))
    return Decimal(0)
