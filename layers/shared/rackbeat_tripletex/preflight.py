"""Invoicing pre-flight: what the Tripletex company must have before an invoice can reach it.

The most common invoice failures Tripletex integrators report are company setup, not records: no
registered bank account ("Faktura kan ikke opprettes før selskapet har registrert et
bankkontonummer." on every invoice), a VAT type the mapping needs switched off, EHF chosen on a
company that cannot send it. These are checked once (in the wizard, and again per sync run
before the first invoice) and reported once, for the tenant, with the fix, instead of as one
failure per invoice. Pure: the callers read ``/invoice/settings`` and the reference data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from rackbeat_tripletex.clients.http import ApiError
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import GROUP_RATE_FIELDS, Reference
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import Unmappable
from rackbeat_tripletex.models.tripletex import InvoiceSettings

# REAL (tripletex-samples/error-422-bank-account-missing-on-invoice.json), field null.
BANK_ACCOUNT_REFUSAL = "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
_BANK_ACCOUNT_WORD = "bankkontonummer"

BANK_ACCOUNT = "bank-account"
VAT_TYPES = "vat-types"
ZONE_VAT_TYPES = "zone-vat-types"
# Every finding key, so a run can clear the ones that no longer apply.
FINDING_KEYS = (BANK_ACCOUNT, VAT_TYPES, ZONE_VAT_TYPES)


@dataclass(frozen=True)
class Finding:
    """One thing about the company's setup; ``blocking`` stops invoicing until it is fixed."""

    key: str
    blocking: bool
    message: str
    fix: str


def bank_account_finding() -> Finding:
    return Finding(BANK_ACCOUNT, True, *detail("setup.bank_account", refusal=BANK_ACCOUNT_REFUSAL))


def is_bank_account_refusal(error: ApiError) -> bool:
    """Tripletex's 422 for invoicing in a company without a bank account (on ``:invoice`` and
    ``POST /invoice``); matched on its one distinctive word, as the wording may vary slightly."""
    texts = [error.message, *(vm.message for vm in error.validation_messages)]
    return any(_BANK_ACCOUNT_WORD in (text or "").lower() for text in texts)


def invoicing_findings(
    settings: InvoiceSettings | None,
    reference: Reference,
    zone_vat_types: Mapping[str, str] | None = None,
) -> list[Finding]:
    """What stands in the way of invoicing, most serious first. ``settings`` is None when the
    company's invoice settings could not be read: the bank account is then not known in advance,
    and Tripletex's own refusal is recognised when it comes (``is_bank_account_refusal``)."""
    findings: list[Finding] = []
    if settings is not None and settings.bank_account_ready is False:
        findings.append(bank_account_finding())
    missing = missing_vat_types(reference)
    if missing:
        findings.append(Finding(VAT_TYPES, False, *detail("setup.vat_types", rates="; ".join(missing))))
    unknown = unknown_zone_vat_types(reference, zone_vat_types or {})
    if unknown:
        findings.append(
            Finding(
                ZONE_VAT_TYPES,
                False,
                *detail(
                    "setup.zone_vat_types",
                    zones=", ".join(
                        text("failure.setup.zone", zone=zone, number=number) for zone, number in unknown
                    ),
                ),
            )
        )
    return findings


def missing_vat_types(reference: Reference) -> list[str]:
    """The (rate, zone) pairs Rackbeat's product groups use that no active Tripletex VAT type
    serves, in words ("25 % domestic")."""
    needed: set[tuple[Decimal, str]] = set()
    for number in reference.product_groups:
        for zone in GROUP_RATE_FIELDS:
            rate = reference.group_rate(number, zone)
            if rate is not None:
                needed.add((rate, zone))
    missing = []
    for rate, zone in sorted(needed):
        try:
            reference.vat_type_id(rate, zone)
        except Unmappable:
            missing.append(f"{rate} % ({zone.replace('_', ' ')})")
    return missing


def unknown_zone_vat_types(reference: Reference, zone_vat_types: Mapping[str, str]) -> list[tuple[str, str]]:
    active = {vat.number for vat in reference.vat_types.values()}
    return [(zone, number) for zone, number in sorted(zone_vat_types.items()) if number not in active]


def ehf_note(settings: InvoiceSettings | None) -> str | None:
    """What the wizard says about EHF: None when EHF works (or is not known not to)."""
    if settings is None or settings.can_send("EHF") is not False:
        return None
    return (
        "The Tripletex company cannot send EHF invoices, so customers get their invoices by e-mail "
        "(or on paper when they have no e-mail address)."
    )
