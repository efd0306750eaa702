"""Tripletex purchase orders and goods receipts, as the purchase-order stream uses them
(specs/EVIDENCE-NEW-STREAMS.md, stream 2; graded rows 40-43 of ASSUMPTIONS.md).

Registered from ``app.py`` with its collections, switches and routes; every answer goes through
the simulator's own spec check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from local.simulators.tripletex.errors import TripletexError, Validation, validation_failed

if TYPE_CHECKING:
    from local.simulators.tripletex.app import TripletexSimulator

COLLECTIONS = {
    "purchaseOrders": "/purchaseOrder",
    "purchaseOrderLines": "/purchaseOrder/orderline",
    "goodsReceiptLines": "/purchaseOrder/goodsReceiptLine",
}
VARIANTS: dict[str, tuple[tuple[str, ...], str]] = {
    # OFF: every /purchaseOrder* operation is "Only available for Logistics Basic". Without it:
    # 403/9000 everywhere (`absent`), or lists filtered to nothing and writes 403 (`absent_empty`).
    "logistics": (("basic", "absent", "absent_empty"), "basic"),
    # OFF marks nothing required; WEAK (NM) found deliveryDate, supplier and ourContact required.
    "po_required": (("strict", "lenient"), "strict"),
    # Goods receipts were a beta program first (OFF, changelog 2.40.0): `absent` answers 403.
    "goods_receipt": (("supported", "absent"), "supported"),
}
DENIED = "You do not have permission to access this feature."
REQUIRED = "Kan ikke være null."


def routes(sim: TripletexSimulator) -> list[tuple[str, str, Callable[..., Response]]]:
    return [
        ("GET", r"/purchaseOrder", lambda r: _list(sim, r)),
        ("POST", r"/purchaseOrder", lambda r: _create(sim, r)),
        ("GET", r"/purchaseOrder/(\d+)", lambda r, i: _get(sim, r, i)),
        ("PUT", r"/purchaseOrder/(\d+)", lambda r, i: _update(sim, r, i)),
        ("POST", r"/purchaseOrder/orderline/list", lambda r: _add_lines(sim, r)),
        ("PUT", r"/purchaseOrder/orderline/list", lambda r: _change_lines(sim, r)),
        ("DELETE", r"/purchaseOrder/orderline/(\d+)", lambda r, i: _delete_line(sim, r, i)),
        (
            "PUT",
            r"/purchaseOrder/goodsReceipt/(\d+)/:registerGoodsReceipt",
            lambda r, i: _register(sim, r, i),
        ),
        ("PUT", r"/purchaseOrder/goodsReceipt/(\d+)/:confirm", lambda r, i: _confirm(sim, r, i)),
        ("GET", r"/purchaseOrder/goodsReceiptLine", lambda r: _receipt_lines(sim, r)),
        ("PUT", r"/purchaseOrder/goodsReceiptLine/(\d+)", lambda r, i: _receive_line(sim, r, i)),
    ]


def _gate(sim: TripletexSimulator, request: Request, *, receipt: bool = False) -> bool:
    """Raise 403 when the company lacks the module; True: answer an empty list instead."""
    mode = sim.variants["logistics"]
    if mode == "absent_empty" and request.method == "GET":
        return True
    if mode != "basic" or (receipt and sim.variants["goods_receipt"] == "absent"):
        raise TripletexError(403, 9000, DENIED)
    return False


# ----- purchase orders ------------------------------------------------------------------------
def _create(sim: TripletexSimulator, request: Request) -> Response:
    _gate(sim, request)
    body = sim._body(request, "/purchaseOrder")
    supplier = (body.get("supplier") or {}).get("id")
    required = ["supplier"] + (
        ["deliveryDate", "ourContact"] if sim.variants["po_required"] == "strict" else []
    )
    missing = [name for name in required if not body.get(name)]
    if missing:
        raise TripletexError(
            422,
            18000,
            "Validering feilet.",
            [Validation(name, REQUIRED) for name in missing],
            developer_message="VALIDATION_ERROR",
        )
    if supplier not in sim.store["suppliers"]:
        raise validation_failed("supplier.id", "Leverandøren finnes ikke.")
    numbers = [int(p["number"]) for p in sim.store["purchaseOrders"].values()]
    record = {
        **{k: v for k, v in body.items() if k not in ("id", "version", "number", "orderLines", "status")},
        # OFF: the number is read-only; NONE: a new order's status (STATUS_OPEN is ours).
        "number": str(max(numbers, default=10000) + 1),
        "status": "STATUS_OPEN",
        "creationDate": sim.oslo_today().isoformat(),
        "isClosed": False,
    }
    sim._insert("purchaseOrders", record)
    return sim._respond({"value": _order(sim, request, record)}, "/purchaseOrder", "POST", status=201)


def _update(sim: TripletexSimulator, request: Request, order_id: int) -> Response:
    _gate(sim, request)
    record = sim._find("purchaseOrders", order_id)
    body = sim._body(request, "/purchaseOrder/{id}")
    if "version" in body and body["version"] != record["version"]:
        raise TripletexError(409, 8000, "Objektet er endret av en annen bruker.")
    for key in ("deliveryDate", "currency", "comments", "internalComment", "supplier", "ourContact"):
        if key in body:
            record[key] = body[key]
    sim._touch("purchaseOrders", record)
    return sim._respond({"value": _order(sim, request, record)}, "/purchaseOrder/{id}", "PUT")


def _get(sim: TripletexSimulator, request: Request, order_id: int) -> Response:
    _gate(sim, request)
    record = sim._find("purchaseOrders", order_id)
    return sim._respond({"value": _order(sim, request, record)}, "/purchaseOrder/{id}", "GET")


def _list(sim: TripletexSimulator, request: Request) -> Response:
    empty = _gate(sim, request)
    args = request.args
    today = sim.oslo_today().isoformat()

    def matches(order: dict[str, Any]) -> bool:
        created = order["creationDate"]
        # OFF: creationDateTo is "to and including" here, unlike most "To" filters.
        return (
            (not args.get("supplierId") or str(order["supplier"]["id"]) == args["supplierId"])
            and (not args.get("number") or order["number"] == args["number"])
            and (not args.get("creationDateFrom") or created >= args["creationDateFrom"])
            and (not args.get("creationDateTo") or created <= args["creationDateTo"])
            and created <= today
        )

    found = [] if empty else [o for o in sim.store["purchaseOrders"].values() if matches(o)]
    values = [_order(sim, request, o) for o in found]
    body = {"fullResultSize": len(values), "from": 0, "count": len(values), "values": values}
    return sim._respond(body, "/purchaseOrder", "GET")


def _order(sim: TripletexSimulator, request: Request, record: dict[str, Any]) -> dict[str, Any]:
    lines = [
        line
        for line in sim.store["purchaseOrderLines"].values()
        if line["purchaseOrder"]["id"] == record["id"]
    ]
    out = {k: v for k, v in record.items() if not k.startswith("_")}
    out["url"] = sim._path_url(request, "/purchaseOrder", record["id"])
    out["orderLines"] = [_line(line) for line in lines]
    return out


# ----- lines -----------------------------------------------------------------------------------
def _add_lines(sim: TripletexSimulator, request: Request) -> Response:
    _gate(sim, request)
    body = sim._body(request, "/purchaseOrder/orderline/list")
    stored = []
    for item in body:
        order = sim._find("purchaseOrders", (item.get("purchaseOrder") or {}).get("id", -1))
        product = (item.get("product") or {}).get("id")
        if product not in sim.store["products"]:
            raise validation_failed("product.id", "Produktet finnes ikke.")
        line = {
            "purchaseOrder": {"id": order["id"]},
            "product": {"id": product},
            "count": item.get("count", 0),
            "unitCostCurrency": item.get("unitCostCurrency", 0),
            "quantityReceived": 0,
        }
        stored.append(sim._insert("purchaseOrderLines", line))
    out = {
        "fullResultSize": len(stored),
        "from": 0,
        "count": len(stored),
        "values": [_line(s) for s in stored],
    }
    return sim._respond(out, "/purchaseOrder/orderline/list", "POST", status=201)


def _change_lines(sim: TripletexSimulator, request: Request) -> Response:
    _gate(sim, request)
    body = sim._body(request, "/purchaseOrder/orderline/list")
    changed = []
    for item in body:
        line = sim._find("purchaseOrderLines", item.get("id", -1))
        for key in ("count", "unitCostCurrency"):
            if key in item:
                line[key] = item[key]
        sim._touch("purchaseOrderLines", line)
        changed.append(line)
    out = {
        "fullResultSize": len(changed),
        "from": 0,
        "count": len(changed),
        "values": [_line(s) for s in changed],
    }
    return sim._respond(out, "/purchaseOrder/orderline/list", "PUT")


def _delete_line(sim: TripletexSimulator, request: Request, line_id: int) -> Response:
    _gate(sim, request)
    sim._find("purchaseOrderLines", line_id)
    del sim.store["purchaseOrderLines"][line_id]
    return Response(status=204)


def _line(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if not k.startswith("_")}


# ----- goods receipts ----------------------------------------------------------------------------
def _register(sim: TripletexSimulator, request: Request, order_id: int) -> Response:
    """OFF: the id is the purchase order's; received is set to ordered on every line."""
    _gate(sim, request, receipt=True)
    order = sim._find("purchaseOrders", order_id)
    if not request.args.get("registrationDate"):
        raise TripletexError(422, 15000, "Validation failed", [Validation("registrationDate", REQUIRED)])
    known = {
        r["_line"] for r in sim.store["goodsReceiptLines"].values() if r["purchaseOrder"]["id"] == order_id
    }
    for line in sim.store["purchaseOrderLines"].values():
        if line["purchaseOrder"]["id"] == order_id and line["id"] not in known:
            sim._insert(
                "goodsReceiptLines",
                {
                    "purchaseOrder": {"id": order_id},
                    "product": line["product"],
                    "quantityReceived": line["count"],
                    "_line": line["id"],
                },
            )
    order["status"] = "STATUS_RECEIVING"
    order["_registered"] = request.args["registrationDate"]
    sim._touch("purchaseOrders", order)
    return _receipt(sim, request, order, "/purchaseOrder/goodsReceipt/{id}/:registerGoodsReceipt")


def _confirm(sim: TripletexSimulator, request: Request, order_id: int) -> Response:
    """OFF (tripletex.no "Nytt innkjøp"): a confirmed receipt moves the stock of stock items."""
    _gate(sim, request, receipt=True)
    order = sim._find("purchaseOrders", order_id)
    if order.get("_confirmed"):
        raise validation_failed(None, "Varemottaket er allerede bekreftet.")
    for receipt_line in _lines_of(sim, order_id):
        product = sim.store["products"].get(receipt_line["product"]["id"])
        if product is not None and product.get("isStockItem"):
            product["_stock"] = product.get("_stock", 0) + receipt_line["quantityReceived"]
    order["_confirmed"] = True
    order["status"] = "STATUS_CONFIRMED"
    sim._touch("purchaseOrders", order)
    return _receipt(sim, request, order, "/purchaseOrder/goodsReceipt/{id}/:confirm")


def _receipt_lines(sim: TripletexSimulator, request: Request) -> Response:
    empty = _gate(sim, request, receipt=True)
    wanted = request.args.get("purchaseOrderId")
    found = [] if empty else _lines_of(sim, int(wanted) if wanted and wanted.isdigit() else -1)
    values = [_line(r) for r in found]
    body = {"fullResultSize": len(values), "from": 0, "count": len(values), "values": values}
    return sim._respond(body, "/purchaseOrder/goodsReceiptLine", "GET")


def _receive_line(sim: TripletexSimulator, request: Request, line_id: int) -> Response:
    _gate(sim, request, receipt=True)
    line = sim._find("goodsReceiptLines", line_id)
    body = sim._body(request, "/purchaseOrder/goodsReceiptLine/{id}")
    if "quantityReceived" in body:
        line["quantityReceived"] = body["quantityReceived"]
    sim._touch("goodsReceiptLines", line)
    return sim._respond({"value": _line(line)}, "/purchaseOrder/goodsReceiptLine/{id}", "PUT")


def _lines_of(sim: TripletexSimulator, order_id: int) -> list[dict[str, Any]]:
    return [r for r in sim.store["goodsReceiptLines"].values() if r["purchaseOrder"]["id"] == order_id]


def _receipt(sim: TripletexSimulator, request: Request, order: dict[str, Any], spec_path: str) -> Response:
    value = {
        "purchaseOrder": {"id": order["id"]},
        "registrationDate": order.get("_registered") or dt.date.today().isoformat(),
        "status": "STATUS_CONFIRMED" if order.get("_confirmed") else "STATUS_OPEN",
        "goodsReceiptLines": [_line(r) for r in _lines_of(sim, order["id"])],
    }
    return sim._respond({"value": value}, spec_path, "PUT")
