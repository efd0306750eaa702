"""The Tripletex entities the integration reads and writes (a subset of tripletex-openapi.json).

Field names are snake_case in Python and camelCase on the wire (``by_alias``). Fields the API
computes (amounts, urls) are read but excluded from write payloads; unknown fields in answers
are ignored so a new Tripletex field never breaks a sync.

Read leniently (TRIPLETEX-EVIDENCE F1): a real answer carries the whole DTO, with ``""``,
``null``, ``0`` and ``false`` for what is not filled in, and an enum value we do not know yet is
read as "not set" rather than refusing the record. References arrive as ``{id, url}`` unless the
read expanded them (``field(*)`` in ``fields``); :meth:`Address.is_reference` tells the two apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr
from pydantic.alias_generators import to_camel


def _known(kind: Any) -> BeforeValidator:
    """Read a value outside the enum (or ``""``) as None: Tripletex adds values without notice."""
    allowed = set(get_args(kind))
    return BeforeValidator(lambda value: value if value in allowed else None)


InvoiceSendMethod = Literal["EMAIL", "EHF", "EFAKTURA", "AVTALEGIRO", "VIPPS", "PAPER", "MANUAL"]
Language = Literal["NO", "EN"]
DueInType = Literal["DAYS", "MONTHS", "RECURRING_DAY_OF_MONTH"]
WeightUnit = Literal["kg", "g", "hg"]
SubscriptionStatus = Literal[
    "ACTIVE", "DISABLED", "DISABLED_TOO_MANY_ERRORS", "DISABLED_RATE_LIMIT_EXCEEDED", "DISABLED_MISUSE"
]


class TripletexModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def payload(self) -> dict[str, Any]:
        """The JSON body for a write: only fields that are set, in Tripletex's names."""
        data: dict[str, Any] = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        return data


class Ref(TripletexModel):
    """A reference to another object; Tripletex answers these as {id, url}."""

    id: int
    url: str | None = Field(default=None, exclude=True)


class Country(TripletexModel):
    """A country of Tripletex's ``GET /country`` list, or a reference to one (id only)."""

    id: int
    iso_alpha2_code: str | None = None
    name: str | None = None


class Address(TripletexModel):
    id: int | None = None
    url: str | None = Field(default=None, exclude=True)
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: Country | None = None

    def is_reference(self) -> bool:
        """Answered as ``{id, url}`` (not expanded): what it holds is unknown, not empty."""
        return not (self.model_fields_set - {"id", "url"})


class _Versioned(TripletexModel):
    id: int | None = None
    version: int | None = None
    url: str | None = Field(default=None, exclude=True)


class _Party(_Versioned):
    """What a customer and a supplier share in Tripletex."""

    name: str | None = None
    organization_number: str | None = None
    email: str | None = None
    invoice_email: str | None = None
    phone_number: str | None = None
    phone_number_mobile: str | None = None
    is_private_individual: bool | None = None
    is_inactive: bool | None = None
    postal_address: Address | None = None
    physical_address: Address | None = None
    currency: Ref | None = None
    language: Annotated[Language | None, _known(Language)] = None
    description: str | None = None
    website: str | None = None


class Customer(_Party):
    customer_number: int | None = None
    invoice_send_method: Annotated[InvoiceSendMethod | None, _known(InvoiceSendMethod)] = None
    single_customer_invoice: bool | None = None
    invoices_due_in: int | None = None
    invoices_due_in_type: Annotated[DueInType | None, _known(DueInType)] = None


class Supplier(_Party):
    supplier_number: int | None = None


class Product(_Versioned):
    name: str | None = None
    number: str | None = None
    description: str | None = None
    ean: str | None = None
    cost_excluding_vat_currency: float | None = None
    price_excluding_vat_currency: float | None = None
    price_including_vat_currency: float | None = None
    is_inactive: bool | None = None
    is_stock_item: bool | None = None
    product_unit: Ref | None = None
    vat_type: Ref | None = None
    currency: Ref | None = None
    weight: float | None = None
    weight_unit: Annotated[WeightUnit | None, _known(WeightUnit)] = None


class ProductUnit(_Versioned):
    name: str | None = None
    name_short: str | None = None
    common_code: str | None = None


class VatType(_Versioned):
    name: str | None = None
    number: str | None = None
    percentage: float | None = None


class Currency(_Versioned):
    code: str | None = None
    description: str | None = None


class PaymentType(_Versioned):
    description: str | None = None


class OrderLine(_Versioned):
    product: Ref | None = None
    description: str | None = None
    count: float | None = None
    unit_price_excluding_vat_currency: float | None = None
    unit_price_including_vat_currency: float | None = None
    discount: float | None = None
    vat_type: Ref | None = None
    amount_excluding_vat_currency: float | None = Field(default=None, exclude=True)
    amount_including_vat_currency: float | None = Field(default=None, exclude=True)


class Order(_Versioned):
    customer: Ref | None = None
    number: str | None = None
    reference: str | None = None
    order_date: dt.date | None = None
    delivery_date: dt.date | None = None
    is_prioritize_amounts_including_vat: bool | None = None
    currency: Ref | None = None
    # The invoice made of the order is due this long after its invoice date (Tripletex takes the
    # due date from here on ``:invoice``, not from a parameter).
    invoices_due_in: int | None = None
    invoices_due_in_type: Literal["DAYS", "MONTHS", "RECURRING_DAY_OF_MONTH"] | None = None
    order_lines: list[OrderLine] = Field(default_factory=list)
    is_closed: bool | None = None


class Invoice(_Versioned):
    invoice_number: int | None = Field(default=None, exclude=True)
    invoice_date: dt.date | None = None
    invoice_due_date: dt.date | None = None
    customer: Ref | None = None
    orders: list[Order | Ref] = Field(default_factory=list)
    amount: float | None = Field(default=None, exclude=True)
    amount_excluding_vat: float | None = Field(default=None, exclude=True)
    amount_outstanding: float | None = Field(default=None, exclude=True)
    is_credit_note: bool | None = Field(default=None, exclude=True)
    is_credited: bool | None = Field(default=None, exclude=True)
    credited_invoice: int | Ref | None = Field(default=None, exclude=True)


class EventSubscription(_Versioned):
    event: str
    target_url: str
    fields: str | None = None
    status: SubscriptionStatus | None = Field(default=None, exclude=True)
    auth_header_name: str | None = None
    # Secrets: never shown in a repr; Tripletex does not echo them back (assumption).
    auth_header_value: SecretStr | None = None
    hmac_shared_secret: SecretStr | None = None

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        for name, value in (
            ("authHeaderValue", self.auth_header_value),
            ("hmacSharedSecret", self.hmac_shared_secret),
        ):
            if value is not None:
                data[name] = value.get_secret_value()
        return data


class Company(TripletexModel):
    id: int
    name: str | None = None
    organization_number: str | None = None


class Employee(TripletexModel):
    id: int
    first_name: str | None = None
    last_name: str | None = None


class WhoAmI(TripletexModel):
    employee_id: int | None = None
    company_id: int | None = None
    employee: Employee | None = None
    company: Company | None = None


class SessionToken(TripletexModel):
    token: SecretStr
    expiration_date: dt.date


class Page[T](BaseModel):
    """One list answer. ``full_result_size`` is deliberately inexact at Tripletex: never trust it."""

    values: list[T]
    version_digest: str | None = None
    full_result_size: int | None = None


class InvoiceSettings(TripletexModel):
    """The company's invoicing setup (``GET /invoice/settings``): whether it can invoice at all
    (a registered bank account) and which send types it has."""

    bank_account_ready: bool | None = None
    default_send_type_b2b: str | None = Field(default=None, alias="defaultSendTypeB2B")
    default_send_type_b2c: str | None = Field(default=None, alias="defaultSendTypeB2C")
    send_types: list[str] | None = None

    def can_send(self, send_type: str) -> bool | None:
        """None when the company did not say (the field was not in the answer)."""
        return None if self.send_types is None else send_type in self.send_types
