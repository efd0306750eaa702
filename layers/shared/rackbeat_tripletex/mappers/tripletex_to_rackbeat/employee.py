"""Tripletex employee -> Rackbeat employee: the full name in Rackbeat's one name field, the
e-mail as ``contact_email`` and initials from the first and last name. Pure; ``None`` when the
employee has no name to give."""

from __future__ import annotations

from rackbeat_tripletex.models.employees import RackbeatEmployeeWrite, TripletexEmployee


def full_name(employee: TripletexEmployee) -> str:
    return " ".join(
        part.strip() for part in (employee.first_name, employee.last_name) if part and part.strip()
    )


def email_of(employee: TripletexEmployee) -> str | None:
    """The e-mail as matched: case does not tell two addresses apart."""
    email = (employee.email or "").strip()
    return email.lower() if email else None


def map_employee(employee: TripletexEmployee) -> RackbeatEmployeeWrite | None:
    name = full_name(employee)
    if not name:
        return None
    initials = "".join(word[0] for word in name.split()[:1] + name.split()[1:][-1:]).upper()
    email = (employee.email or "").strip()
    # Unset, not null, without one: Rackbeat validates a sent contact_email as a string.
    return RackbeatEmployeeWrite(name=name, initials=initials, **({"contact_email": email} if email else {}))
