"""Rackbeat bill of materials (lot) -> Tripletex product: the BOM is sold as one item, so
Tripletex knows it as a product with the BOM's number, name, price, VAT type and unit.

What a lot carries is thinly evidenced (EVIDENCE-NEW-STREAMS stream 1): the price is read from
``sales_price`` and, failing that, from the 2018 ``total_price``; a lot with neither fails with a
fix rather than reaching Tripletex priceless. A unit is sent only when the lot has one; VAT comes
from the lot's product group as for products.
"""

from __future__ import annotations

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.parties import clean, required_name
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.product import _price
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    FailureReason,
    Mapped,
    MappingFailure,
    Unmappable,
    mapped,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx


def _fail(reason: FailureReason, key: str, number: str) -> Unmappable:
    return Unmappable(reason, text(f"{key}.message", number=number), text(f"{key}.fix"))


def lot_price(lot: rb.Lot) -> float | None:
    """The BOM's sales price excluding VAT: ``sales_price``, else the 2018 ``total_price``."""
    return lot.sales_price if lot.sales_price is not None else lot.total_price


def map_lot(lot: rb.Lot, reference: Reference) -> Mapped[tx.Product] | MappingFailure:
    try:
        name = required_name(lot.name, "bill of materials")
        number = clean(lot.number)
        if number is None:
            raise _fail(FailureReason.INVALID_NUMBER, "lot.no_number", lot.number)
        if lot.group is None:
            raise _fail(FailureReason.UNKNOWN_PRODUCT_GROUP, "lot.no_group", number)
        group = reference.product_group(lot.group.number)
        stock_item = lot.group.has_inventory if lot.group.has_inventory is not None else group.has_inventory
        rate = group.vat_domestic if group.vat_domestic is not None else 0
        vat_type_id = reference.vat_type_id(rate, "domestic")
        unit_id = reference.product_unit_id(lot.unit_id) if lot.unit_id is not None else None
        price = lot_price(lot)
        if price is None:
            raise _fail(FailureReason.INVALID_PRICE, "lot.no_price", number)
        price = _price(price, "sales price")
        cost = _price(lot.cost_price, "cost price")
    except Unmappable as error:
        return error.failure("lot", lot.number)
    return mapped(
        tx.Product(
            number=number,
            name=name,
            price_excluding_vat_currency=price,
            cost_excluding_vat_currency=cost,
            is_inactive=lot.is_barred,
            is_stock_item=stock_item,
            product_unit=tx.Ref(id=unit_id) if unit_id is not None else None,
            vat_type=tx.Ref(id=vat_type_id),
        )
    )
