"""The subset of Rackbeat records the integration reads and writes (``specs/rackbeat-openapi.yaml``).

Read models are tolerant readers (RACKBEAT-EVIDENCE mismatch 1): they ignore fields they do not
name (Rackbeat adds fields without notice), take ``null`` in a field that has a default as "not
set", numbers given as strings, both timestamp forms (:mod:`.rackbeat_time`), and any VAT zone
text (Rackbeat has a fourth zone, VAT exempt, and country-specific zones; HD ht-00061): which
zones we can map is the mappers' decision, per record, not the reader's. Only what identifies a
record or gives it its meaning stays required; a record without it becomes an ``Unreadable``
(``clients.records``) that fails alone.

Write models send only what is set (``exclude_unset``) because PUT is a partial update, and
write only the zones we choose.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rackbeat_tripletex.models.rackbeat_time import OptionalDate, OptionalTimestamp

# The zones we write. Read models take any text: see the module docstring.
VatZone = Literal["domestic", "eu", "abroad"]


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_unset(cls, data: Any) -> Any:
        # Rackbeat answers null for fields it has no value for (a line's discount, a barred
        # flag); where the field has a default, null means the default, not a refusal.
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            name: value
            for name, value in data.items()
            if value is not None or name not in fields or fields[name].is_required()
        }


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, mode="json")


class UserAccount(_Read):
    id: int
    company_name: str


class SelfInfo(_Read):
    user_account: UserAccount


class GroupRef(_Read):
    number: int
    name: str | None = None


class PaymentTerm(_Read):
    number: int
    name: str
    maturity_days: int
    type: str
    description: str | None = None
    updated_at: OptionalTimestamp = None


class Unit(_Read):
    number: int
    name: str


class CustomerGroup(_Read):
    number: int
    name: str


class SupplierGroup(_Read):
    number: int
    name: str


class ProductGroup(_Read):
    number: int
    name: str
    has_inventory: bool
    vat_domestic: float | None = None
    vat_eu: float | None = None
    vat_abroad: float | None = None
    vat_domestic_exempt: float | None = None


class _Contact(_Read):
    """What a customer and a supplier share as Rackbeat answers them."""

    number: int
    # Null does not make the record unreadable: the mapper fails it by number with a fix.
    company_name: str | None = None
    company_vat: str | None = None
    address_street: str | None = None
    address_street2: str | None = None
    address_city: str | None = None
    address_zipcode: str | None = None
    address_country: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    locale: str | None = None
    currency: str | None = None
    vat_zone: str | None = None
    payment_terms_id: int | None = None
    is_barred: bool = False
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None


class Customer(_Contact):
    ean: str | None = None
    customer_group_id: int | None = None


class Supplier(_Contact):
    supplier_group_id: int | None = None


class ProductGroupEmbedded(_Read):
    number: int
    name: str | None = None
    has_inventory: bool | None = None


class Product(_Read):
    number: str
    name: str | None = None
    group: ProductGroupEmbedded
    sales_price: float | None = None
    urlfriendly_number: str | None = None
    unit_id: int | None = None
    barcode: str | None = None
    description: str | None = None
    recommended_cost_price: float | None = None
    cost_price: float | None = None
    is_barred: bool = False
    inventory_enabled: bool | None = None
    stock_quantity: float | None = None
    default_supplier_id: int | None = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # Older accounts answer plain-digit numbers as JSON numbers.
        return str(value) if isinstance(value, int) else value


class Lot(_Read):
    """A bill of materials (Rackbeat's "lot"). Only the 2018 spec lists a lot's own fields
    (EVIDENCE-NEW-STREAMS stream 1): its price may be ``sales_price`` (as items share product
    fields) or only the 2018 ``total_price``; no source shows a unit or the group on a lot, so
    neither is required here and the mapper decides what a lot without them means."""

    number: str
    name: str | None = None
    group: ProductGroupEmbedded | None = None
    sales_price: float | None = None
    total_price: float | None = None
    cost_price: float | None = None
    unit_id: int | None = None
    urlfriendly_number: str | None = None
    is_barred: bool = False
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class DocumentLine(_Read):
    id: int | None = None
    child_type: str | None = None
    child_id: str | None = None  # null on a text line
    name: str | None = None
    quantity: float
    line_price: float = 0.0  # null on a text line: it adds nothing
    discount_percentage: float = 0.0
    vat_percentage: float | None = None
    unit_id: int | None = None
    total: float | None = None

    @field_validator("child_id", mode="before")
    @classmethod
    def _child_id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class CustomerInvoice(_Read):
    number: int
    customer_id: int
    currency: str
    is_booked: bool
    lines: list[DocumentLine] = Field(default_factory=list)
    currency_rate: float | None = None
    vat_zone: str | None = None
    payment_terms_id: int | None = None
    order_id: int | None = None
    heading: str | None = None
    note: str | None = None
    total_subtotal: float | None = None
    total_vat: float | None = None
    total_total: float
    booked_at: OptionalTimestamp = None
    invoice_date: OptionalDate = None
    due_date: OptionalDate = None
    address_name: str | None = None
    address_street: str | None = None
    address_city: str | None = None
    address_zipcode: str | None = None
    address_country: str | None = None
    created_at: OptionalTimestamp = None
    # Without a stamp the record counts as changed; its content hash stops a second write.
    updated_at: OptionalTimestamp = None
    # A credit note made with create-creditnote, and the invoice it credits (names NONE-graded:
    # the simulator's; without them a credit note is known only by its negative total).
    is_credit_note: bool | None = None
    credited_invoice_id: int | None = None


class Order(_Read):
    number: int
    customer_id: int
    is_booked: bool
    lines: list[DocumentLine] = Field(default_factory=list)
    currency: str | None = None
    order_date: OptionalDate = None
    is_invoiced: bool | None = None
    total_total: float | None = None
    updated_at: OptionalTimestamp = None


class Webhook(_Read):
    id: int
    event: str
    url: str
    is_active: bool = True
    failures_since_last_success: int | None = None


class CreatedWebhook(Webhook):
    """A webhook as its creating POST answers: the only time Rackbeat shows the token."""

    token: str | None = Field(default=None, repr=False)


# ----- writes --------------------------------------------------------------------------------
class _ContactWrite(_Write):
    """What a customer and a supplier write share: number, name, address, contact and terms."""

    number: int | None = None
    company_name: str | None = None
    company_vat: str | None = None
    address_street: str | None = None
    address_street2: str | None = None
    address_city: str | None = None
    address_zipcode: str | None = None
    address_country: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    locale: str | None = None
    currency: str | None = None
    vat_zone: VatZone | None = None
    payment_terms_id: int | None = None
    is_barred: bool | None = None


class CustomerWrite(_ContactWrite):
    ean: str | None = None
    customer_group_id: int | None = None


class SupplierWrite(_ContactWrite):
    supplier_group_id: int | None = None


class ProductWrite(_Write):
    number: str | None = None
    name: str | None = None
    group: int | None = None
    unit_id: int | None = None
    barcode: str | None = None
    description: str | None = None
    sales_price: float | None = None
    recommended_cost_price: float | None = None
    is_barred: bool | None = None
    default_supplier_id: int | None = None
    stock_quantity: float | None = None


class NamedWrite(_Write):
    """A record Rackbeat keys by number and people know by name: groups and units. Left out, the
    number is Rackbeat's next free one, so the name is what finds the record again."""

    number: int | None = None
    name: str


class GroupWrite(NamedWrite):
    pass


class UnitWrite(NamedWrite):
    pass


class ProductGroupWrite(NamedWrite):
    has_inventory: bool
    vat_domestic: float | None = None
    vat_domestic_exempt: float | None = None
    vat_eu: float | None = None
    vat_abroad: float | None = None


class DocumentLineWrite(_Write):
    item_id: str
    quantity: float
    name: str | None = None
    line_price: float | None = None
    discount_percentage: float | None = None
    vat_percentage: float | None = None
    unit_id: int | None = None


class CustomerInvoiceDraftWrite(_Write):
    customer_id: int
    lines: list[DocumentLineWrite]
    number: int | None = None
    currency: str | None = None
    vat_zone: VatZone | None = None
    payment_terms_id: int | None = None
    invoice_date: str | None = None
    heading: str | None = None
    note: str | None = None
