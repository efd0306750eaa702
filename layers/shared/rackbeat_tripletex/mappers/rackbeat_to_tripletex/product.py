"""Rackbeat product -> Tripletex product: stock goods or services, prices, unit and VAT type.

Rackbeat prices exclude VAT (``sales_price``), so only ``priceExcludingVatCurrency`` is sent and
Tripletex derives the other from the VAT type. The VAT type is the product group's domestic rate:
that is what the product is sold at unless a document says otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.parties import clean, required_name
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    FailureReason,
    Mapped,
    MappingFailure,
    Unmappable,
    Warnings,
    mapped,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx


def _price(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if Decimal(str(value)) < 0:
        raise Unmappable(FailureReason.INVALID_PRICE, *detail("rb.negative_price", what, value=value))
    return value


def map_product(product: rb.Product, reference: Reference) -> Mapped[tx.Product] | MappingFailure:
    warnings = Warnings()
    try:
        name = required_name(product.name, "product")
        number = clean(product.number)
        if number is None:
            raise Unmappable(FailureReason.INVALID_NUMBER, *detail("rb.product_no_number"))
        group = reference.product_group(product.group.number)
        stock_item = (
            product.group.has_inventory if product.group.has_inventory is not None else group.has_inventory
        )
        rate = group.vat_domestic if group.vat_domestic is not None else 0
        vat_type_id = reference.vat_type_id(rate, "domestic")
        unit_id = reference.product_unit_id(product.unit_id) if product.unit_id is not None else None
        price = _price(product.sales_price, "sales price")
        cost = _price(
            product.cost_price if product.cost_price is not None else product.recommended_cost_price,
            "cost price",
        )
    except Unmappable as error:
        return error.failure("product", product.number)
    record = tx.Product(
        number=number,
        name=name,
        description=clean(product.description),
        ean=clean(product.barcode),
        price_excluding_vat_currency=price,
        cost_excluding_vat_currency=cost,
        is_inactive=product.is_barred,
        is_stock_item=stock_item,
        product_unit=tx.Ref(id=unit_id) if unit_id is not None else None,
        vat_type=tx.Ref(id=vat_type_id),
    )
    return mapped(record, warnings)
