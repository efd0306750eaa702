"""Bills of materials ("lots") in the Rackbeat simulator: the collection, how a lot is rendered
under the evidence switches, and a product converted to a BOM.

Registered from ``app.py`` (the collection, its references, and :class:`Lots` as a mixin of the
simulator). What each behaviour rests on is in :mod:`.assumptions` (``LOT_*``).
"""

from __future__ import annotations

from typing import Any

from local.simulators.rackbeat import assumptions as A
from local.simulators.rackbeat.wire import encode_once

Record = dict[str, Any]

# The Collection fields for /lots (app.Collection is built from them; kept here so the lot
# behaviour is in one module).
COLLECTION: dict[str, Any] = {
    "path": "lots",
    "singular": "lot",
    "plural": "lots",
    "numeric": False,
    # The read shape: it names every field a write may set (LotCreate adds number via allOf).
    "write_schema": "Lot",
    "create_schema": "LotCreate",
    "update_schema": "LotUpdate",
    "event_prefix": "lot",
    "updated_at_filter": True,
    "auto_number": False,
    "boolean_filters": ("is_barred",),
}
REFERENCES: dict[str, str] = {"group": "product-groups"}


class Lots:
    """Mixed into the simulator: ``_render_lots`` is found by the collection's path."""

    def lot_event_emitted(self, event: str) -> bool:
        """``lot.updated`` only where the switch says Rackbeat has it; ``lot.deleted`` never."""
        if event == "lot.updated":
            app: Any = self
            return bool(app.options.lot_events == "created_updated")
        return event != "lot.deleted"

    def lot_event_known(self, event: str) -> bool | None:
        """Whether a webhook may subscribe to ``event``; None when it is not a lot event."""
        if not event.startswith("lot."):
            return None
        return self.lot_event_emitted(event)

    def _render_lots(self, record: Record, out: Record) -> None:
        app: Any = self
        products = app.state.records["products"]
        group = app.state.records["product-groups"].get(record.get("group"))
        total = 0.0
        lines = []
        for index, line in enumerate(record.get("lines") or []):
            product = products.get(str(line.get("product_id")), {})
            unit_price = float(product.get("sales_price") or 0)
            quantity = float(line.get("quantity") or 0)
            total += unit_price * quantity
            lines.append(
                {
                    "id": index + 1,
                    "product_id": str(line.get("product_id")),
                    "location_id": None,
                    "name": product.get("name"),
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "line_price": round(unit_price * quantity, 2),
                }
            )
        out.update(
            type="lot",
            urlfriendly_number=encode_once(str(record["number"])),
            group={k: group.get(k) for k in A.EMBEDDED_GROUP_FIELDS} if group else None,
            total_price=round(total, 2),
            cost_price=None,
            lines=lines,
            stock_quantity=0.0,
            in_order_quantity=0.0,
            available_quantity=0.0,
            purchased_quantity=0.0,
        )
        out.setdefault("is_barred", False)
        out.setdefault("add_products_individually", False)
        if app.options.lot_price_field == "total_price":
            out.pop("sales_price", None)
        else:
            out.setdefault("sales_price", None)
        if app.options.lot_unit == "present":
            first = products.get(str(lines[0]["product_id"]), {}) if lines else {}
            out["unit_id"] = first.get("unit_id")
        else:
            out.pop("unit_id", None)

    def convert_product_to_lot(self, number: str, lines: list[Record]) -> None:
        """What Rackbeat does when a product becomes a BOM (DEV changelog 2026-04-27): the
        product is gone, ``product.deleted`` says ``converted_to_lot``, and ``lot.created`` follows
        with the same number."""
        app: Any = self  # the simulator this is mixed into: its stamp and its webhook queue
        product = app.state.records["products"].pop(number)
        lot: Record = {
            "number": number,
            "name": product["name"],
            "group": product["group"],
            "sales_price": product.get("sales_price"),
            "is_barred": bool(product.get("is_barred")),
            "lines": [dict(line) for line in lines],
            "created_at": product["created_at"],
        }
        app._stamp(lot)
        app.state.records["lots"][number] = lot
        app._emit(
            "product.deleted",
            number,
            body={"key_name": "number", "key": number, A.CONVERTED_TO_LOT_FIELD: True},
        )
        app._emit("lot.created", number)
