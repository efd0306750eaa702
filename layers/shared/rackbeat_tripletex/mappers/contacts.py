"""The fields customers and suppliers share (Tripletex and Rackbeat model both alike)."""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.mappers.common import (
    clean,
    country_code,
    currency_code,
    locale,
    pick_address,
    required_name,
    vat_zone,
)
from rackbeat_tripletex.models.sync import FailureReason, ReferenceData
from rackbeat_tripletex.models.tripletex import Customer, Supplier

from .common import MapFailure


def contact_fields(
    record: Customer | Supplier, number: int | None, what: str, refs: ReferenceData
) -> dict[str, Any]:
    if number is None:
        raise MapFailure(
            FailureReason.MISSING_NUMBER,
            f"The {what} has no {what} number.",
            f"Give the {what} a {what} number in Tripletex, then retry it.",
        )
    if number < 1:
        raise MapFailure(
            FailureReason.INVALID_NUMBER,
            f"The {what} number {number} is not allowed in Rackbeat (numbers start at 1).",
            f"Give the {what} a {what} number of 1 or more in Tripletex, then retry it.",
        )
    name = required_name(record.name, what)
    address = pick_address(record.postal_address, record.physical_address)
    country = country_code(address)
    fields: dict[str, Any] = {
        "number": number,
        "company_name": name,
        # A private individual has no organisation number; only a company's is its VAT id.
        "company_vat": None if record.is_private_individual else clean(record.organization_number),
        "address_street": clean(address.address_line1) if address else None,
        "address_street2": clean(address.address_line2) if address else None,
        "address_city": clean(address.city) if address else None,
        "address_zipcode": clean(address.postal_code) if address else None,
        "address_country": country,
        "contact_email": clean(record.email) or clean(record.invoice_email),
        "contact_phone": clean(record.phone_number) or clean(record.phone_number_mobile),
        "locale": locale(record.language),
        "currency": currency_code(record.currency.id if record.currency else None, refs.currency_codes, what),
        "vat_zone": vat_zone(country),
        "is_barred": bool(record.is_inactive),
    }
    return fields
