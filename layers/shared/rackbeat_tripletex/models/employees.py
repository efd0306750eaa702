"""Employees, both sides, for the initial import's optional employee step (issue 15 stream 4;
EVIDENCE-NEW-STREAMS): a Tripletex employee as ``GET /employee`` answers it, and a Rackbeat
employee as read and written (one full-name field; ``initials`` writable only by LC's model,
WEAK, so it is sent but never relied on)."""

from __future__ import annotations

from pydantic import field_validator

from rackbeat_tripletex.models.rackbeat import _Read, _Write
from rackbeat_tripletex.models.tripletex import TripletexModel

# What the import reads from Tripletex; contacts are left out by Tripletex's own default.
TRIPLETEX_EMPLOYEE_FIELDS = "id,firstName,lastName,email,employeeNumber,isContact"


class TripletexEmployee(TripletexModel):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    # REAL: "" when the employee has no number.
    employee_number: str | None = None
    is_contact: bool | None = None


class RackbeatEmployee(_Read):
    number: int
    name: str | None = None
    initials: str | None = None
    contact_email: str | None = None

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_int(cls, value: object) -> object:
        return int(value) if isinstance(value, str) and value.isdigit() else value


class RackbeatEmployeeWrite(_Write):
    name: str
    initials: str | None = None
    contact_email: str | None = None
