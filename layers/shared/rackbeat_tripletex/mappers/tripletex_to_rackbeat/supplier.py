"""Tripletex supplier -> Rackbeat supplier."""

from __future__ import annotations

from rackbeat_tripletex.mappers.common import MapFailure, failure
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.contacts import contact_fields
from rackbeat_tripletex.models.rackbeat import SupplierWrite
from rackbeat_tripletex.models.sync import InitialSyncRequest, RecordFailure, ReferenceData
from rackbeat_tripletex.models.tripletex import Supplier


def map_supplier(
    supplier: Supplier, request: InitialSyncRequest, refs: ReferenceData
) -> SupplierWrite | RecordFailure:
    """The Rackbeat supplier for ``supplier``, or why it cannot be imported. Never raises.

    Tripletex keeps no payment term on a supplier, so every supplier gets the default term.
    """
    try:
        fields = contact_fields(supplier, supplier.supplier_number, "supplier", refs)
    except MapFailure as error:
        return failure("supplier", supplier.id, supplier.supplier_number, supplier.name, error)
    return SupplierWrite(
        **fields,
        payment_terms_id=request.payment_terms.default,
        supplier_group_id=request.supplier_group,
    )
