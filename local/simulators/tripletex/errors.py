"""Tripletex's error answers: ``{status, code, message, link, developerMessage,
validationMessages: [{field, message, path, rootId}], requestId}`` (REAL, tripletex-samples/)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Validation:
    """One item of ``validationMessages``; ``path``/``root_id`` are set where Tripletex sets them
    (REAL: wrong type -> path = field; a /list item -> path "[0].number", rootId 0)."""

    field: str | None
    message: str
    path: str | None = None
    root_id: int | None = None

    def at_index(self, index: int) -> Validation:
        return Validation(self.field, self.message, f"[{index}].{self.field}", index)


class TripletexError(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        message: str | None,
        validation: list[Validation] | None = None,
        developer_message: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or f"HTTP {status}")
        self.status = status
        self.code = code
        self.message = message
        self.validation = validation or []
        self.developer_message = developer_message
        self.headers = headers or {}


def validation_failed(field: str | None, message: str, code: int = 18000) -> TripletexError:
    """REAL: 18000 says "Validering feilet." with developerMessage VALIDATION_ERROR; 15000 (a
    required query parameter) says "Validation failed" with developerMessage null."""
    if code == 15000:
        return TripletexError(422, code, "Validation failed", [Validation(field, message)])
    return TripletexError(
        422, code, "Validering feilet.", [Validation(field, message)], developer_message="VALIDATION_ERROR"
    )
