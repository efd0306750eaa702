"""Rackbeat purchase orders and their receipts, as the purchase-order stream reads them
(specs/EVIDENCE-NEW-STREAMS.md, stream 2; graded in ``assumptions``).

Shapes are the 2018 spec's (OFF 2018): list keys ``purchase_orders`` and
``purchase_order_receipts``, lines naming items by ``child_id`` (receipt lines name no PO line).
The delivery date's field follows the ``po_delivery_field`` switch. No webhooks (none exist).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from local.simulators.rackbeat.wire import parse_timestamp

if TYPE_CHECKING:
    from local.simulators.rackbeat.app import RackbeatSimulator

Record = dict[str, Any]


@dataclass
class Purchasing:
    orders: dict[int, Record] = field(default_factory=dict)
    receipts: dict[int, Record] = field(default_factory=dict)


_STATE: weakref.WeakKeyDictionary[Any, Purchasing] = weakref.WeakKeyDictionary()


def state(sim: RackbeatSimulator) -> Purchasing:
    return _STATE.setdefault(sim, Purchasing())


def reset(sim: RackbeatSimulator) -> None:
    _STATE[sim] = Purchasing()


def load_seed(sim: RackbeatSimulator, seed: dict[str, Any]) -> None:
    """Seed key ``purchase_orders``: ``[{supplier, lines: [[item, quantity, unit price]], ...}]``."""
    for order in seed.get("purchase_orders", []):
        create_order(
            sim,
            order["supplier"],
            [tuple(line) for line in order["lines"]],
            booked=order.get("is_booked", True),
            delivery=order.get("delivery_date"),
            currency=order.get("currency", "NOK"),
        )


def create_order(
    sim: RackbeatSimulator,
    supplier: int,
    lines: list[tuple[Any, ...]],
    *,
    booked: bool = True,
    delivery: str | None = None,
    currency: str = "NOK",
) -> Record:
    """A purchase order as someone makes it in Rackbeat (numbering from 1001, HD ht-00051)."""
    books = state(sim)
    number = max(books.orders, default=1000) + 1
    supplier_record = sim.state.records["suppliers"].get(supplier)
    order: Record = {
        "number": number,
        "supplier_id": supplier,
        "supplier": {"number": supplier, "name": (supplier_record or {}).get("company_name", "")},
        "currency": currency,
        "is_booked": booked,
        "is_received": False,
        "is_partly_received": False,
        "_delivery": delivery,
        "lines": _lines(number, lines),
    }
    _stamp(sim, order, created=True)
    books.orders[number] = order
    return order


def update_order(sim: RackbeatSimulator, number: int, **changes: Any) -> Record:
    order = state(sim).orders[number]
    if "lines" in changes:
        changes["lines"] = _lines(number, changes["lines"])
    if "delivery" in changes:
        changes["_delivery"] = changes.pop("delivery")
    order.update(changes)
    _stamp(sim, order)
    return order


def receive(sim: RackbeatSimulator, number: int, lines: list[tuple[str, float]]) -> Record:
    """Goods received on a purchase order (a receipt, marked received)."""
    books = state(sim)
    order = books.orders[number]
    receipt_number = max(books.receipts, default=0) + 1
    receipt: Record = {
        "number": receipt_number,
        "is_received": True,
        "received_at": sim._timestamp(sim.now()),
        "purchase_order": {"number": number, "supplier_id": order["supplier_id"]},
        "lines": [
            {
                "id": receipt_number * 100 + i,
                "child_type": "product",
                "child_id": str(item),
                "name": str(item),
                "quantity": float(q),
            }
            for i, (item, q) in enumerate(lines, start=1)
        ],
    }
    _stamp(sim, receipt, created=True)
    books.receipts[receipt_number] = receipt
    ordered = sum(line["quantity"] for line in order["lines"])
    received = sum(line["quantity"] for r in _receipts_of(sim, number) for line in r["lines"])
    order["is_received"] = received >= ordered
    order["is_partly_received"] = 0 < received < ordered
    _stamp(sim, order)
    return receipt


def _lines(number: int, lines: list[tuple[Any, ...]]) -> list[Record]:
    return [
        {
            "id": number * 100 + index,
            "child_type": "product",
            "child_id": str(item),
            "name": str(item),
            "quantity": float(quantity),
            "unit_price": float(price),
            "line_price": float(quantity) * float(price),
        }
        for index, (item, quantity, price) in enumerate(lines, start=1)
    ]


def route(sim: RackbeatSimulator, request: Request, head: str, rest: list[str]) -> tuple[int, Any] | None:
    from local.simulators.rackbeat.app import not_found

    if request.method != "GET":
        return None
    books = state(sim)
    if head == "purchase-orders" and not rest:
        found = [o for o in books.orders.values() if _listed(sim, o, request)]
        return 206, _page([_render(sim, o) for o in found], request, "purchase_orders")
    if head == "purchase-orders" and len(rest) == 1:
        order = books.orders.get(int(rest[0]) if rest[0].isdigit() else -1)
        if order is None:
            raise not_found()
        return 200, {"purchase_order": _render(sim, order)}
    if head == "purchase-order-receipts" and not rest:
        wanted = request.args.get("purchase_order_number")
        found = [
            r for r in books.receipts.values() if not wanted or str(r["purchase_order"]["number"]) == wanted
        ]
        return 206, _page([_public(r) for r in found], request, "purchase_order_receipts")
    return None


def _listed(sim: RackbeatSimulator, order: Record, request: Request) -> bool:
    # The same list_filters switch as every list: each filter honoured, ignored or refused.
    args = sim._list_filters(request.args)
    booked = args.get("is_booked")
    if booked is not None and order["is_booked"] != (booked.lower() in ("true", "1")):
        return False
    since = args.get("updated_at_from")
    return not since or order["_updated"].replace(microsecond=0) >= parse_timestamp(since)


def _render(sim: RackbeatSimulator, order: Record) -> Record:
    out = _public(order)
    field_name = sim.options.po_delivery_field
    if field_name != "none":
        out[field_name] = order["_delivery"]
    # OFF (2018): only the number of days is there in every variant.
    out["delivery_time_in_days"] = None
    return out


def _public(record: Record) -> Record:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _stamp(sim: RackbeatSimulator, record: Record, *, created: bool = False) -> None:
    now = sim.now()
    record["_updated"] = now
    record["updated_at"] = sim._timestamp(now)
    if created:
        record["created_at"] = record["updated_at"]


def _receipts_of(sim: RackbeatSimulator, number: int) -> list[Record]:
    return [r for r in state(sim).receipts.values() if r["purchase_order"]["number"] == number]


def _page(records: list[Record], request: Request, key: str) -> Record:
    limit = int(request.args.get("limit") or 20)
    page = int(request.args.get("page") or 1)
    pages = max(1, math.ceil(len(records) / limit))
    return {
        key: records[(page - 1) * limit : page * limit],
        "page": page,
        "pages": pages,
        "total": len(records),
    }
