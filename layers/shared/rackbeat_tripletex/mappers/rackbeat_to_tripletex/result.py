"""What every Rackbeat -> Tripletex mapper returns: a mapped record or a failure the user can act on.

A mapper never raises for bad data: inside it, :class:`Unmappable` carries the reason up to the
mapper's edge, where it becomes a :class:`MappingFailure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.tripletex import TripletexModel

SourceEntity = Literal["customer", "supplier", "product", "invoice"]
DependencyEntity = Literal["customer", "product"]


class FailureReason(StrEnum):
    MISSING_NAME = "missing_name"
    INVALID_NUMBER = "invalid_number"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_PRODUCT_GROUP = "unknown_product_group"
    UNKNOWN_VAT_TYPE = "unknown_vat_type"
    UNKNOWN_VAT_ZONE = "unknown_vat_zone"
    UNKNOWN_VAT_RATE = "unknown_vat_rate"
    CHANGED_AFTER_SYNC = "changed_after_sync"
    UNKNOWN_CREDITED_INVOICE = "unknown_credited_invoice"
    INVALID_PRICE = "invalid_price"
    NOT_BOOKED = "not_booked"
    NO_LINES = "no_lines"
    MISSING_DATE = "missing_date"
    MISSING_DEPENDENCY = "missing_dependency"
    # A record the invoice needs (its customer, a product) could not be synced first.
    DEPENDENCY_FAILED = "dependency_failed"
    AMOUNTS_DO_NOT_ADD_UP = "amounts_do_not_add_up"


@dataclass(frozen=True)
class Dependency:
    """A Rackbeat record that must be synced to Tripletex before this one can be."""

    entity: DependencyEntity
    rackbeat_key: str


@dataclass(frozen=True)
class MappingFailure:
    entity: SourceEntity
    rackbeat_key: str
    reason: FailureReason
    message: str
    suggested_fix: str
    # Set for MISSING_DEPENDENCY: the engine syncs these first and then retries, never fails them.
    missing: tuple[Dependency, ...] = ()


@dataclass(frozen=True)
class Mapped[T: TripletexModel]:
    record: T
    payload: dict[str, Any]
    # Echo suppression: a change whose hash equals the last one written is skipped.
    content_hash: str
    warnings: tuple[str, ...] = ()


class Unmappable(Exception):
    def __init__(
        self, reason: FailureReason, message: str, suggested_fix: str, missing: tuple[Dependency, ...] = ()
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.suggested_fix = suggested_fix
        self.missing = missing

    def failure(self, entity: SourceEntity, rackbeat_key: object) -> MappingFailure:
        return MappingFailure(
            entity=entity,
            rackbeat_key=str(rackbeat_key),
            reason=self.reason,
            message=self.message,
            suggested_fix=self.suggested_fix,
            missing=self.missing,
        )


@dataclass
class Warnings:
    """Things the mapper left out on purpose; the record still syncs."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.items.append(text)


def mapped[T: TripletexModel](record: T, warnings: Warnings | None = None) -> Mapped[T]:
    payload = record.payload()
    return Mapped(
        record=record,
        payload=payload,
        content_hash=content_hash(payload),
        warnings=tuple(warnings.items) if warnings else (),
    )
