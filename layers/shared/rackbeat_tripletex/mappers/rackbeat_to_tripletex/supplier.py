"""Rackbeat supplier -> Tripletex supplier."""

from __future__ import annotations

from rackbeat_tripletex.mappers.rackbeat_to_tripletex.parties import party, record_number
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import (
    Mapped,
    MappingFailure,
    Unmappable,
    Warnings,
    mapped,
)
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx


def map_supplier(supplier: rb.Supplier, reference: Reference) -> Mapped[tx.Supplier] | MappingFailure:
    warnings = Warnings()
    try:
        number = record_number(supplier.number, "supplier")
        p = party(supplier, "supplier", reference, warnings)
    except Unmappable as error:
        return error.failure("supplier", supplier.number)
    # Tripletex's supplier has no due-date field: Rackbeat's payment terms have nowhere to go.
    record = tx.Supplier(
        supplier_number=number,
        name=p.name,
        organization_number=p.organization_number,
        email=p.email,
        invoice_email=p.email,
        phone_number=p.phone,
        is_inactive=supplier.is_barred,
        postal_address=p.address,
        physical_address=p.address,
        currency=tx.Ref(id=p.currency_id),
        language=p.language,
    )
    return mapped(record, warnings)
