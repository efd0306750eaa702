"""What customers and suppliers share: names, organization numbers, addresses, contact data.

Organization numbers are checked the way Tripletex checks them: against the country of the
physical address (Norway when there is none). A Norwegian number is sent only when it is valid
(9 digits, MOD11); a foreign company's number is sent only together with its foreign country,
so Tripletex never validates it as a Norwegian one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import HOME_COUNTRY, Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import FailureReason, Unmappable, Warnings
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx

Language = Literal["NO", "EN"]
INT32_MAX = 2**31 - 1
_MOD11_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Rackbeat stores whatever the user typed as the country; names seen in Nordic accounts.
_COUNTRY_NAMES = {
    "NORGE": "NO", "NORWAY": "NO", "NOREG": "NO", "NOR": "NO",
    "SVERIGE": "SE", "SWEDEN": "SE", "SWE": "SE",
    "DANMARK": "DK", "DENMARK": "DK", "DNK": "DK",
    "FINLAND": "FI", "SUOMI": "FI", "FIN": "FI",
    "TYSKLAND": "DE", "GERMANY": "DE", "DEUTSCHLAND": "DE", "DEU": "DE",
    "STORBRITANNIA": "GB", "UNITED KINGDOM": "GB", "UK": "GB", "GBR": "GB",
    "USA": "US", "UNITED STATES": "US",
}  # fmt: skip
_NORWEGIAN_LOCALES = ("nb", "nn", "no")


def valid_norwegian_organization_number(digits: str) -> bool:
    """9 digits whose last is the MOD11 check digit of the first 8 (Brønnøysund's rule)."""
    if not re.fullmatch(r"\d{9}", digits):
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:8], _MOD11_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[8])


def norwegian_organization_number(company_vat: str | None) -> str | None:
    """``NO 999 999 999 MVA`` -> ``999999999`` when valid, else None."""
    if not company_vat:
        return None
    text = re.sub(r"[\s.\-]", "", company_vat).upper()
    text = text.removeprefix("NO").removesuffix("MVA")
    return text if valid_norwegian_organization_number(text) else None


def clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = " ".join(text.split())
    return stripped or None


def required_name(name: str | None, what: str) -> str:
    value = clean(name)
    if value is None:
        raise Unmappable(FailureReason.MISSING_NAME, *detail("rb.missing_name", what))
    return value


def record_number(number: int, what: str) -> int:
    if not 0 <= number <= INT32_MAX:
        raise Unmappable(
            FailureReason.INVALID_NUMBER, *detail("rb.number_too_large", what, number=number, limit=INT32_MAX)
        )
    return number


def country_code(text: str | None, vat_zone: str | None) -> str | None:
    """ISO alpha-2 of a Rackbeat address country. No country on a domestic record means Norway;
    on a foreign one it stays unknown (None)."""
    value = clean(text)
    if value is None:
        return HOME_COUNTRY if vat_zone in (None, "domestic") else None
    upper = value.upper()
    code = _COUNTRY_NAMES.get(upper, upper)
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise Unmappable(FailureReason.UNKNOWN_COUNTRY, *detail("rb.country_code", country=value))
    return code


def email(text: str | None, warnings: Warnings) -> str | None:
    value = clean(text)
    if value is None:
        return None
    if not _EMAIL.fullmatch(value):
        warnings.add(f"The email address '{value}' is not valid and was left out.")
        return None
    return value


def language(locale: str | None) -> Language | None:
    if not locale:
        return None
    return "NO" if locale.strip().lower()[:2] in _NORWEGIAN_LOCALES else "EN"


@dataclass(frozen=True)
class Party:
    """The fields customers and suppliers have in common, as Tripletex wants them."""

    name: str
    country: str | None
    organization_number: str | None
    email: str | None
    phone: str | None
    address: tx.Address | None
    address_complete: bool
    currency_id: int
    language: Language | None


def party(record: rb.Customer | rb.Supplier, what: str, reference: Reference, warnings: Warnings) -> Party:
    name = required_name(record.company_name, what)
    country = country_code(record.address_country, record.vat_zone)
    country_id = reference.country_id(country) if country is not None else None
    street, city, zipcode = (
        clean(record.address_street),
        clean(record.address_city),
        clean(record.address_zipcode),
    )
    street2 = clean(record.address_street2)
    address = None
    if any((street, street2, city, zipcode)) or country_id is not None:
        address = tx.Address(
            address_line1=street,
            address_line2=street2,
            postal_code=zipcode,
            city=city,
            country=tx.Country(id=country_id) if country_id is not None else None,
        )
    complete = bool(street and city and zipcode)
    if country == HOME_COUNTRY:
        complete = complete and bool(re.fullmatch(r"\d{4}", zipcode or ""))
    return Party(
        name=name,
        country=country,
        organization_number=_organization_number(record.company_vat, country, warnings),
        email=email(record.contact_email, warnings),
        phone=clean(record.contact_phone),
        address=address,
        address_complete=complete,
        currency_id=reference.currency_id(record.currency),
        language=language(record.locale),
    )


def _organization_number(company_vat: str | None, country: str | None, warnings: Warnings) -> str | None:
    given = clean(company_vat)
    if given is None:
        return None
    if country == HOME_COUNTRY:
        number = norwegian_organization_number(given)
        if number is None:
            warnings.add(
                f"'{given}' is not a valid Norwegian organization number (9 digits, MOD11) and was left out."
            )
        return number
    if country is None:
        # Without a country Tripletex would check it as a Norwegian number.
        warnings.add(f"The organization number '{given}' was left out: the record's country is unknown.")
        return None
    return re.sub(r"\s", "", given)
