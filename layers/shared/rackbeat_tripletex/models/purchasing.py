"""Purchase orders on both sides (issue 15, stream 2; specs/EVIDENCE-NEW-STREAMS.md).

Rackbeat's shapes are the 2018 spec's (OFF 2018) read leniently: every field the evidence leaves
open (the delivery date's name, line prices) is optional, and a record without one fails alone
with a fix instead of ending a read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rackbeat_tripletex.models.rackbeat_time import OptionalDate, OptionalTimestamp

# WEAK: where a purchase order's delivery date may be (LF reads the first two; sales orders have
# deliver_at, LC); the 2018 shape has only delivery_time_in_days.
DELIVERY_FIELDS = ("preferred_delivery_date", "expected_delivery_date", "deliver_at")


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_unset(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


class PurchaseOrderLine(_Read):
    child_type: str = "product"
    child_id: str | None = None
    name: str | None = None
    quantity: Decimal = Decimal(0)
    unit_price: Decimal | None = None
    line_price: Decimal | None = None

    @field_validator("child_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class SupplierEmbedded(_Read):
    number: int


class PurchaseOrder(_Read):
    number: int
    supplier: SupplierEmbedded | None = None
    supplier_id: int | None = None
    currency: str | None = None
    is_booked: bool = False
    lines: list[PurchaseOrderLine] = Field(default_factory=list)
    delivery_date: OptionalDate = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None

    @model_validator(mode="before")
    @classmethod
    def _delivery(cls, data: Any) -> Any:
        if isinstance(data, dict) and "delivery_date" not in data:
            found = next((data[name] for name in DELIVERY_FIELDS if data.get(name)), None)
            if found is not None:
                data = {**data, "delivery_date": found}
        return data

    @property
    def supplier_number(self) -> int | None:
        return self.supplier.number if self.supplier is not None else self.supplier_id


class ReceiptLine(_Read):
    child_id: str | None = None
    quantity: Decimal = Decimal(0)

    @field_validator("child_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Receipt(_Read):
    number: int
    is_received: bool = False
    lines: list[ReceiptLine] = Field(default_factory=list)


class TripletexOrderLine(_Read):
    id: int
    product: dict[str, Any] | None = None
    count: Decimal = Decimal(0)
    unit_cost_currency: Decimal = Field(default=Decimal(0), alias="unitCostCurrency")

    @property
    def product_id(self) -> int | None:
        return (self.product or {}).get("id")


class TripletexPurchaseOrder(_Read):
    id: int
    version: int = 0
    number: str | None = None
    internal_comment: str | None = Field(default=None, alias="internalComment")
    status: str | None = None
    order_lines: list[TripletexOrderLine] = Field(default_factory=list, alias="orderLines")


class ReceivedLine(_Read):
    id: int
    product: dict[str, Any] | None = None
    quantity_received: Decimal = Field(default=Decimal(0), alias="quantityReceived")

    @property
    def product_id(self) -> int | None:
        return (self.product or {}).get("id")
