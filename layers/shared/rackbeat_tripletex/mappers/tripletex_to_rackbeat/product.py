"""Tripletex product -> Rackbeat product."""

from __future__ import annotations

import math

from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.common import (
    BASE_CURRENCY,
    MAX_TEXT,
    MapFailure,
    clean,
    currency_code,
    failure,
    required_name,
)
from rackbeat_tripletex.models.rackbeat import ProductWrite
from rackbeat_tripletex.models.sync import FailureReason, InitialSyncRequest, RecordFailure, ReferenceData
from rackbeat_tripletex.models.tripletex import Product, ProductUnit

# A product without a unit in Tripletex is counted in pieces.
DEFAULT_UNIT = "stk"


def map_product(
    product: Product, request: InitialSyncRequest, refs: ReferenceData
) -> ProductWrite | RecordFailure:
    """The Rackbeat product for ``product``, or why it cannot be imported. Never raises."""
    try:
        return _map(product, request, refs)
    except MapFailure as error:
        return failure("product", product.id, clean(product.number), product.name, error)


def _map(product: Product, request: InitialSyncRequest, refs: ReferenceData) -> ProductWrite:
    number = clean(product.number)
    if number is None:
        raise MapFailure(FailureReason.MISSING_NUMBER, *detail("tx.product_no_number"))
    if len(number) > MAX_TEXT:
        raise MapFailure(
            FailureReason.INVALID_NUMBER,
            *detail("tx.product_number_too_long", length=len(number), limit=MAX_TEXT),
        )
    name = required_name(product.name, "product")
    # Rackbeat keeps one sales price in the account's base currency.
    currency = currency_code(
        product.currency.id if product.currency else None, refs.currency_codes, "product"
    )
    if currency != BASE_CURRENCY:
        raise MapFailure(
            FailureReason.UNKNOWN_CURRENCY,
            *detail("tx.product_foreign_price", currency=currency, base=BASE_CURRENCY),
        )
    price = product.price_excluding_vat_currency or 0.0
    cost = product.cost_excluding_vat_currency
    for label, value in (("sales price", price), ("cost price", cost)):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise MapFailure(
                FailureReason.INVALID_PRICE, *detail("tx.product_negative_price", label, value=value)
            )
    return ProductWrite(
        number=number,
        name=name,
        description=clean(product.description),
        group=request.product_group if _is_stock(product, request) else request.service_group,
        unit_id=_unit(product, refs),
        barcode=clean(product.ean),
        sales_price=round(price, 6),
        recommended_cost_price=None if cost is None else round(cost, 6),
        is_barred=bool(product.is_inactive),
    )


def _is_stock(product: Product, request: InitialSyncRequest) -> bool:
    """Stock goods go to the group that keeps inventory, everything else to the service group; a
    product whose answer does not say (B9) goes where the tenant chose."""
    if product.is_stock_item is None:
        return request.products_without_stock_flag == "stock"
    return product.is_stock_item


def tripletex_unit_name(unit: ProductUnit) -> str:
    """What Rackbeat must call a Tripletex unit: its short name as on invoices, else its name."""
    return unit.name_short or unit.name or ""


def unit_name(product: Product, refs: ReferenceData) -> str:
    """The name of the product's Tripletex unit (what Rackbeat must have a unit of)."""
    if product.product_unit is None:
        return DEFAULT_UNIT
    known = refs.unit_names.get(product.product_unit.id)
    if known is None:
        raise MapFailure(
            FailureReason.UNKNOWN_UNIT, *detail("tx.product_unit_id", unit_id=product.product_unit.id)
        )
    return known


def missing_unit(product: Product, refs: ReferenceData) -> str | None:
    """The product's unit when Rackbeat has none of that name: the one unit the wizard can create
    for the user (as it does for groups) to let the product import."""
    try:
        name = unit_name(product, refs)
    except MapFailure:
        return None
    return None if name.casefold() in refs.rackbeat_units else name


def _unit(product: Product, refs: ReferenceData) -> int:
    name = unit_name(product, refs)
    unit = refs.rackbeat_units.get(name.casefold())
    if unit is None:
        raise MapFailure(FailureReason.UNKNOWN_UNIT, *detail("tx.product_unit_missing", unit=name))
    return unit
