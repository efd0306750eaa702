"""The fields customers and suppliers share (Tripletex and Rackbeat model both alike).

A Rackbeat update is partial: a field left out stays as it is in Rackbeat, a field sent as None
is cleared there. A create must carry Rackbeat's required fields, so the mapper always fills every
field (the home country, no address, when the answer showed none); :func:`as_update` then takes
out of an update the fields whose Tripletex source the answer did not show. An address answered
as a bare ``{id, url}`` reference, or a field missing from the answer, is unknown, not empty, and
must not blank what Rackbeat holds; a field Tripletex answered empty (``""``, ``null``) is really
empty and is cleared.
"""

from __future__ import annotations

from typing import Any, cast

from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.common import (
    MapFailure,
    clean,
    country_code,
    currency_code,
    locale,
    pick_address,
    required_name,
    vat_zone,
)
from rackbeat_tripletex.models.rackbeat import CustomerWrite, SupplierWrite
from rackbeat_tripletex.models.sync import FailureReason, ReferenceData
from rackbeat_tripletex.models.tripletex import Address, Customer, Supplier

# Rackbeat field -> the Tripletex fields it is made from (sent only if one of them was read).
_SOURCES: dict[str, tuple[str, ...]] = {
    "company_vat": ("organization_number",),
    "contact_email": ("email", "invoice_email"),
    "contact_phone": ("phone_number", "phone_number_mobile"),
    "locale": ("language",),
    "currency": ("currency",),
    "is_barred": ("is_inactive",),
    # A customer's term comes from its invoicesDueIn; Tripletex keeps none on a supplier, so an
    # update never replaces a supplier's Rackbeat term with the import's default.
    "payment_terms_id": ("invoices_due_in",),
}
_ADDRESS_FIELDS = ("postal_address", "physical_address")
# Rackbeat fields made from the address (the VAT zone follows its country).
_ADDRESS_TARGETS = frozenset({
    "address_street", "address_street2", "address_city", "address_zipcode", "address_country", "vat_zone",
})  # fmt: skip


def contact_fields(
    record: Customer | Supplier, number: int | None, what: str, refs: ReferenceData
) -> dict[str, Any]:
    if number is None:
        raise MapFailure(FailureReason.MISSING_NUMBER, *detail("tx.contact_no_number", what))
    if number < 1:
        raise MapFailure(
            FailureReason.INVALID_NUMBER, *detail("tx.contact_number_too_small", what, number=number)
        )
    name = required_name(record.name, what)
    fields: dict[str, Any] = {
        "number": number,
        "company_name": name,
        # A private individual has no organisation number; only a company's is its VAT id.
        "company_vat": None if record.is_private_individual else clean(record.organization_number),
        "contact_email": clean(record.email) or clean(record.invoice_email),
        "contact_phone": clean(record.phone_number) or clean(record.phone_number_mobile),
        "locale": locale(record.language),
        "currency": currency_code(record.currency.id if record.currency else None, refs.currency_codes, what),
        "is_barred": bool(record.is_inactive),
    }
    shown = _shown_addresses(record)
    return fields | _address_fields(pick_address(*(shown or [])), refs)


def as_update[W: CustomerWrite | SupplierWrite](write: W, record: Customer | Supplier) -> W:
    """``write`` as a partial update: without the fields the Tripletex answer did not show."""
    read = record.model_fields_set
    unread = {k for k, sources in _SOURCES.items() if not read.intersection(sources)}
    if _shown_addresses(record) is None:
        unread |= _ADDRESS_TARGETS
    kept = {k: v for k, v in write.payload().items() if k not in unread}
    return cast(W, type(write).model_validate(kept))


def _shown_addresses(record: Customer | Supplier) -> list[Address | None] | None:
    """The addresses the answer really showed (``null`` counts: no address), or None when it
    showed none of them (not asked for, or only as references)."""
    read = record.model_fields_set
    shown: list[Address | None] = []
    for name in _ADDRESS_FIELDS:
        address: Address | None = getattr(record, name)
        if name in read and (address is None or not address.is_reference()):
            shown.append(address)
    return shown or None


def _address_fields(address: Address | None, refs: ReferenceData) -> dict[str, Any]:
    country = country_code(address, refs)
    return {
        "address_street": clean(address.address_line1) if address else None,
        "address_street2": clean(address.address_line2) if address else None,
        "address_city": clean(address.city) if address else None,
        "address_zipcode": clean(address.postal_code) if address else None,
        "address_country": country,
        "vat_zone": vat_zone(country),
    }
