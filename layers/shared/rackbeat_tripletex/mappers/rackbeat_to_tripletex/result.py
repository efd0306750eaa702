"""What every Rackbeat -> Tripletex mapper returns: a mapped record or a failure the user can act on.

A mapper never raises for bad data: inside it, :class:`Unmappable` carries the reason up to the
mapper's edge, where it becomes a :class:`MappingFailure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models.sync import Entity, FailureReason
from rackbeat_tripletex.models.tripletex import TripletexModel

__all__ = ["Dependency", "FailureReason", "Mapped", "MappingFailure", "Unmappable", "Warnings", "mapped"]

SourceEntity = Entity
DependencyEntity = Literal["customer", "supplier", "product", "lot"]


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
