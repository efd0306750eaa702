"""A pure lookup from Rackbeat's codes to Tripletex ids, built once per run from reference data.

Tripletex side: ``/ledger/vatType?typeOfVat=OUTGOING``, ``/product/unit``, ``/currency`` and the
country ids (Tripletex's ``/country``; Norway is 161). Rackbeat side: units, payment terms and
product groups, which records refer to by number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import FailureReason, Unmappable
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx

HOME_COUNTRY = "NO"
BASE_CURRENCY = "NOK"

# Tripletex's standard outgoing VAT codes, preferred in this order for a (zone, rate). Numbers
# are the codes every Norwegian company has (SAF-T standard codes); ids may differ per company,
# so the ids always come from the company's own /ledger/vatType.
_DOMESTIC_CODES: dict[Decimal, tuple[str, ...]] = {
    Decimal(25): ("3",),
    Decimal(15): ("31",),
    Decimal(12): ("33",),
    # Zero-rated sales inside the VAT act first; "outside the VAT act" only if that is all there is.
    Decimal(0): ("5", "6"),
}
# A 0 % sale to another country is an export ("utførsel"), code 52; never a domestic 0 % code.
_EXPORT_ZERO_CODES = ("52",)
# Rackbeat's VAT zones and the rate field a product group has for each (evidence: four zones,
# ``vat_domestic``/``vat_eu``/``vat_abroad``/``vat_domestic_exempt`` on groups; the fourth zone's
# API string is inferred). Country-specific zones have no field and no standard Tripletex code.
ABROAD_ZONES = ("eu", "abroad")
DOMESTIC_ZONES = ("domestic", "domestic_exempt")
GROUP_RATE_FIELDS = {
    "domestic": "vat_domestic",
    "eu": "vat_eu",
    "abroad": "vat_abroad",
    "domestic_exempt": "vat_domestic_exempt",
}


def percent(value: float | int | str | Decimal) -> Decimal:
    """A rate as an exact decimal (25 == 25.0 == Decimal('25.00'))."""
    return Decimal(str(value)).normalize()


@dataclass(frozen=True)
class Reference:
    vat_types: Mapping[int, tx.VatType] = field(default_factory=dict)
    product_units: Mapping[int, tx.ProductUnit] = field(default_factory=dict)
    currency_ids: Mapping[str, int] = field(default_factory=dict)
    country_ids: Mapping[str, int] = field(default_factory=dict)
    rackbeat_units: Mapping[int, str] = field(default_factory=dict)
    payment_terms: Mapping[int, rb.PaymentTerm] = field(default_factory=dict)
    product_groups: Mapping[int, rb.ProductGroup] = field(default_factory=dict)
    # The company's invoicing setup, read once per run; None when it could not be read.
    invoice_settings: tx.InvoiceSettings | None = None
    # The tenant's choice of Tripletex VAT type (its number) for a Rackbeat VAT zone the standard
    # codes do not cover (e.g. a country-specific zone), from the settings.
    zone_vat_types: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        vat_types: Iterable[tx.VatType],
        product_units: Iterable[tx.ProductUnit],
        currencies: Iterable[tx.Currency],
        countries: Mapping[str, int],
        rackbeat_units: Iterable[rb.Unit] = (),
        payment_terms: Iterable[rb.PaymentTerm] = (),
        product_groups: Iterable[rb.ProductGroup] = (),
    ) -> Reference:
        """``vat_types`` are the company's OUTGOING types; ``countries`` ISO alpha-2 -> Tripletex id."""
        return cls(
            vat_types={v.id: v for v in vat_types if v.id is not None and v.percentage is not None},
            product_units={u.id: u for u in product_units if u.id is not None},
            currency_ids={c.code.upper(): c.id for c in currencies if c.id is not None and c.code},
            country_ids={code.upper(): country_id for code, country_id in countries.items()},
            rackbeat_units={u.number: u.name for u in rackbeat_units},
            payment_terms={t.number: t for t in payment_terms},
            product_groups={g.number: g for g in product_groups},
        )

    # ----- VAT ------------------------------------------------------------------------------
    def vat_type_id(self, rate: float | Decimal, zone: str | None) -> int:
        """The outgoing vatType for a Rackbeat VAT rate (percent) in a VAT zone."""
        wanted = percent(rate)
        zone = zone or "domestic"
        chosen = self.zone_vat_types.get(zone)
        if chosen is not None:
            return self._chosen_vat_type(zone, chosen, wanted)
        if zone not in ABROAD_ZONES and zone not in DOMESTIC_ZONES:
            raise Unmappable(FailureReason.UNKNOWN_VAT_ZONE, *detail("rb.vat_zone", zone=zone))
        matching = sorted(
            (v for v in self.vat_types.values() if percent(v.percentage or 0) == wanted),
            key=lambda v: v.id or 0,
        )
        abroad = zone in ABROAD_ZONES
        codes = _EXPORT_ZERO_CODES if abroad and wanted == 0 else _DOMESTIC_CODES.get(wanted, ())
        for code in codes:
            for vat in matching:
                if vat.number == code and vat.id is not None:
                    return vat.id
        if matching and not (abroad and wanted == 0) and matching[0].id is not None:
            # A rate without a standard code (e.g. a special rate the company set up itself).
            return matching[0].id
        where = text("failure.rb.where.export" if abroad and wanted == 0 else "failure.rb.where.domestic")
        raise Unmappable(FailureReason.UNKNOWN_VAT_TYPE, *detail("rb.no_vat_type", rate=wanted, where=where))

    def _chosen_vat_type(self, zone: str, number: str, wanted: Decimal) -> int:
        for vat in sorted(self.vat_types.values(), key=lambda v: v.id or 0):
            if vat.number == number and vat.id is not None:
                rate = percent(vat.percentage or 0)
                if rate != wanted:
                    raise Unmappable(
                        FailureReason.UNKNOWN_VAT_TYPE,
                        *detail("rb.vat_type_rate", number=number, zone=zone, rate=rate, wanted=wanted),
                    )
                return vat.id
        raise Unmappable(
            FailureReason.UNKNOWN_VAT_TYPE, *detail("rb.vat_type_inactive", number=number, zone=zone)
        )

    def group_rate(self, group_number: int | None, zone: str | None) -> Decimal | None:
        """The VAT rate a Rackbeat product group gives sales in ``zone``, if the group says."""
        group = self.product_groups.get(group_number) if group_number is not None else None
        name = GROUP_RATE_FIELDS.get(zone or "domestic")
        value = getattr(group, name, None) if group is not None and name else None
        return percent(value) if isinstance(value, (int, float, str, Decimal)) else None

    @property
    def can_send_ehf(self) -> bool:
        """False only when the company said it cannot send EHF; unknown keeps Tripletex's default."""
        settings = self.invoice_settings
        return settings is None or settings.can_send("EHF") is not False

    def vat_rates(self) -> frozenset[Decimal]:
        return frozenset(percent(v.percentage or 0) for v in self.vat_types.values())

    def vat_percentage(self, vat_type_id: int) -> Decimal:
        return percent(self.vat_types[vat_type_id].percentage or 0)

    # ----- currencies, countries --------------------------------------------------------------
    def currency_id(self, code: str | None) -> int:
        wanted = (code or BASE_CURRENCY).strip().upper()
        found = self.currency_ids.get(wanted)
        if found is None:
            raise Unmappable(FailureReason.UNKNOWN_CURRENCY, *detail("rb.currency", currency=wanted))
        return found

    def country_id(self, code: str) -> int:
        found = self.country_ids.get(code)
        if found is None:
            raise Unmappable(FailureReason.UNKNOWN_COUNTRY, *detail("rb.country", code=code))
        return found

    # ----- units, payment terms, groups ---------------------------------------------------------
    def product_unit_id(self, rackbeat_unit: int) -> int:
        name = self.rackbeat_units.get(rackbeat_unit)
        if name is not None:
            wanted = name.strip().casefold()
            for attribute in ("name_short", "name", "common_code"):
                for unit_id, unit in sorted(self.product_units.items()):
                    value = getattr(unit, attribute)
                    if value and value.strip().casefold() == wanted:
                        return unit_id
        shown = (
            text("failure.rb.unit_named", unit=name)
            if name is not None
            else text("failure.rb.unit_number", unit=rackbeat_unit)
        )
        raise Unmappable(FailureReason.UNKNOWN_UNIT, *detail("rb.unit", unit=shown))

    def payment_days(self, term_number: int | None) -> int | None:
        term = self.payment_terms.get(term_number) if term_number is not None else None
        return term.maturity_days if term is not None else None

    def product_group(self, number: int) -> rb.ProductGroup:
        group = self.product_groups.get(number)
        if group is None:
            raise Unmappable(FailureReason.UNKNOWN_PRODUCT_GROUP, *detail("rb.product_group", number=number))
        return group
