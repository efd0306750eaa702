"""Rackbeat -> Tripletex mappers: pure functions, one module per entity, no I/O.

Each returns either the Tripletex record with its write payload and content hash, or a
:class:`MappingFailure` saying why and what to do; none raises for bad data.
"""

from rackbeat_tripletex.mappers.rackbeat_to_tripletex.amounts import InvoiceTotals, tripletex_totals
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.customer import invoice_send_method, map_customer
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.invoice import (
    ORDER_NUMBER_PREFIX,
    MappedInvoice,
    lines_without_vat_rate,
    map_invoice,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.product import map_product
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    Dependency,
    FailureReason,
    Mapped,
    MappingFailure,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.supplier import map_supplier

__all__ = [
    "ORDER_NUMBER_PREFIX",
    "Dependency",
    "FailureReason",
    "InvoiceTotals",
    "Mapped",
    "MappedInvoice",
    "MappingFailure",
    "Reference",
    "invoice_send_method",
    "lines_without_vat_rate",
    "map_customer",
    "map_invoice",
    "map_product",
    "map_supplier",
    "tripletex_totals",
]
