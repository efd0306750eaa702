"""Pieces every Tripletex -> Rackbeat mapper shares: countries, VAT zones, locales, failures.

Pure: no I/O. Everything a mapper needs to know about the tenant's accounts comes in as
:class:`~rackbeat_tripletex.models.sync.ReferenceData` and the start request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.models.rackbeat import VatZone
from rackbeat_tripletex.models.sync import FailureReason, ImportEntity, RecordFailure, ReferenceData
from rackbeat_tripletex.models.tripletex import Address

# Rackbeat's reference caps names and numbers at 255 characters.
MAX_TEXT = 255
HOME_COUNTRY = "NO"
BASE_CURRENCY = "NOK"

# EU member states: a sale there is Rackbeat's "eu" VAT zone; everything else abroad is "abroad".
# A constant, not vendor reference data: membership is a fact of EU law (the member list on
# european-union.europa.eu) that neither API serves, and it changes only by treaty. Countries
# themselves (Tripletex id -> ISO code) come from Tripletex's GET /country via ReferenceData.
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip

# Tripletex language -> Rackbeat locale.
LOCALES = {"NO": "nb", "EN": "en"}
DEFAULT_LOCALE = "nb"


@dataclass(frozen=True)
class MapFailure(Exception):
    """Raised inside a mapper and turned into a RecordFailure at its edge; never escapes it."""

    reason: FailureReason
    message: str
    suggested_fix: str


def failure(
    entity: ImportEntity, key: int | None, number: Any, name: str | None, error: MapFailure
) -> RecordFailure:
    return RecordFailure(
        entity=entity,
        key=str(key) if key is not None else "",
        number=None if number is None else str(number),
        name=name,
        reason=error.reason,
        message=error.message,
        suggested_fix=error.suggested_fix,
    )


def clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def required_name(name: str | None, what: str) -> str:
    value = clean(name)
    if value is None:
        raise MapFailure(FailureReason.MISSING_NAME, *detail("tx.missing_name", what))
    if len(value) > MAX_TEXT:
        raise MapFailure(
            FailureReason.NAME_TOO_LONG, *detail("tx.name_too_long", what, length=len(value), limit=MAX_TEXT)
        )
    return value


def country_code(address: Address | None, refs: ReferenceData) -> str:
    """ISO code of an address's country by Tripletex's own country list; an address (or country)
    left empty is the home country."""
    if address is None or address.country is None:
        return HOME_COUNTRY
    code = address.country.iso_alpha2_code or refs.country_codes.get(address.country.id)
    if not code:
        raise MapFailure(
            FailureReason.UNKNOWN_COUNTRY, *detail("tx.unknown_country", country_id=address.country.id)
        )
    return code.upper()


def vat_zone(country: str) -> VatZone:
    if country == HOME_COUNTRY:
        return "domestic"
    return "eu" if country in EU_COUNTRIES else "abroad"


def locale(language: str | None) -> str:
    return LOCALES.get(language or "", DEFAULT_LOCALE)


def currency_code(currency_id: int | None, codes: dict[int, str], what: str) -> str:
    if currency_id is None:
        return BASE_CURRENCY
    code = codes.get(currency_id)
    if code is None:
        raise MapFailure(
            FailureReason.UNKNOWN_CURRENCY, *detail("tx.unknown_currency", what, currency_id=currency_id)
        )
    return code


def pick_address(*candidates: Address | None) -> Address | None:
    """The first address that holds anything at all."""
    for address in candidates:
        if address is not None and any(
            clean(v)
            for v in (address.address_line1, address.address_line2, address.postal_code, address.city)
        ):
            return address
    for address in candidates:
        if address is not None and address.country is not None:
            return address
    return None


def content_hash(payload: dict[str, Any]) -> str:
    """Stable hash of a write payload: equal payloads, equal hash, whatever the key order."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
