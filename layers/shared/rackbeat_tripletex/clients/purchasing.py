"""The purchase-order stream's calls: Rackbeat's purchase orders and receipts, Tripletex's
purchase orders, their lines and goods receipts (issue 15, stream 2; every path and field with
its grade in specs/EVIDENCE-NEW-STREAMS.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from rackbeat_tripletex.clients.errors import ApiError
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable, readable
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models.purchasing import (
    PurchaseOrder,
    Receipt,
    ReceivedLine,
    TripletexOrderLine,
    TripletexPurchaseOrder,
)

ORDER_FIELDS = "id,version,number,internalComment,status,orderLines(id,product,count,unitCostCurrency)"


# ----- Rackbeat ----------------------------------------------------------------------------------
def purchase_orders(
    rackbeat: RackbeatClient, since: dt.datetime | None
) -> Iterator[PurchaseOrder | Unreadable]:
    """Purchase orders changed at or after ``since`` (all without it). No event exists for them
    (NONE), so this read is the stream's only trigger; ``updated_at_from`` may be honoured,
    ignored or refused like on every list, and is checked here too."""
    return rackbeat._changed_since("/purchase-orders", "purchase_orders", PurchaseOrder, since)


def get_purchase_order(rackbeat: RackbeatClient, number: int) -> PurchaseOrder | Unreadable | None:
    return rackbeat._get_one("/purchase-orders/{}", number, "purchase_order", PurchaseOrder)


def received(rackbeat: RackbeatClient, number: int) -> dict[str, Decimal]:
    """Quantity received per item over every received receipt of the order (receipt lines name
    items, not order lines: OFF 2018)."""
    params = {"purchase_order_number": number}
    rows = rackbeat._read("/purchase-order-receipts", "purchase_order_receipts", Receipt, params)
    totals: dict[str, Decimal] = {}
    for receipt in readable(rows):
        if not receipt.is_received:
            continue
        for line in receipt.lines:
            if line.child_id is not None:
                totals[line.child_id] = totals.get(line.child_id, Decimal(0)) + line.quantity
    return totals


# ----- Tripletex ---------------------------------------------------------------------------------
def get_order(api: TripletexClient, order_id: int) -> TripletexPurchaseOrder:
    response = api.request("GET", f"/purchaseOrder/{order_id}", params={"fields": ORDER_FIELDS})
    return TripletexPurchaseOrder.model_validate(response.json()["value"])


def find_order(
    api: TripletexClient, supplier_id: int, marker: str, today: dt.date
) -> TripletexPurchaseOrder | None:
    """Ours by its marker (Tripletex numbers purchase orders itself, read-only: OFF). A create
    whose answer was lost happened today or yesterday (Oslo; ``creationDateTo`` includes)."""
    params = {
        "supplierId": supplier_id,
        "creationDateFrom": (today - dt.timedelta(days=1)).isoformat(),
        "creationDateTo": today.isoformat(),
        "fields": ORDER_FIELDS,
        "count": 1000,
    }
    for row in api.request("GET", "/purchaseOrder", params=params).json().get("values") or []:
        order = TripletexPurchaseOrder.model_validate(row)
        if order.internal_comment == marker:
            return order
    return None


def create_order(
    api: TripletexClient, body: dict[str, Any], supplier_id: int, today: dt.date
) -> TripletexPurchaseOrder:
    marker = str(body["internalComment"])
    try:
        response = api.request("POST", "/purchaseOrder", json=body, idempotent=False)
    except ApiError as error:
        if not error.maybe_applied:
            raise
        found = find_order(api, supplier_id, marker, today)
        if found is None:
            raise
        return found
    return TripletexPurchaseOrder.model_validate(response.json()["value"])


def update_order(api: TripletexClient, order_id: int, body: dict[str, Any]) -> None:
    api.request("PUT", f"/purchaseOrder/{order_id}", json=body)


def add_lines(api: TripletexClient, lines: list[dict[str, Any]]) -> None:
    if lines:
        api.request("POST", "/purchaseOrder/orderline/list", json=lines, idempotent=False)


def change_lines(api: TripletexClient, lines: list[dict[str, Any]]) -> None:
    if lines:
        api.request("PUT", "/purchaseOrder/orderline/list", json=lines)


def delete_line(api: TripletexClient, line: TripletexOrderLine) -> None:
    api.request("DELETE", f"/purchaseOrder/orderline/{line.id}")


def register_receipt(api: TripletexClient, order_id: int, day: dt.date) -> list[ReceivedLine]:
    """The order's goods receipt lines, registered first when it has none (the id in the path is
    the purchase order's, OFF; registering sets received = ordered on every line)."""
    lines = receipt_lines(api, order_id)
    if not lines:
        api.request(
            "PUT",
            f"/purchaseOrder/goodsReceipt/{order_id}/:registerGoodsReceipt",
            params={"registrationDate": day.isoformat()},
        )
        lines = receipt_lines(api, order_id)
    return lines


def receipt_lines(api: TripletexClient, order_id: int) -> list[ReceivedLine]:
    params = {"purchaseOrderId": order_id, "fields": "id,product,quantityReceived", "count": 1000}
    rows = api.request("GET", "/purchaseOrder/goodsReceiptLine", params=params).json().get("values") or []
    return [ReceivedLine.model_validate(row) for row in rows]


def set_received(api: TripletexClient, line: ReceivedLine, quantity: Decimal) -> None:
    api.request(
        "PUT", f"/purchaseOrder/goodsReceiptLine/{line.id}", json={"quantityReceived": float(quantity)}
    )


def confirm_receipt(api: TripletexClient, order_id: int) -> None:
    api.request("PUT", f"/purchaseOrder/goodsReceipt/{order_id}/:confirm", params={"createRestOrder": False})
