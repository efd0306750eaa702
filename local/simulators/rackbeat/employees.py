"""Employees in the Rackbeat simulator: creatable (issue 15's optional import step), with the
``employee_initials`` switch playing what Rackbeat may do with ``initials`` (NONE/WEAK; see
:mod:`.assumptions`). A ``contact_email`` already in use is accepted, as nothing shows Rackbeat
refusing it: the integration must not rely on Rackbeat to stop duplicates."""

from __future__ import annotations

from typing import Any

COLLECTION: dict[str, Any] = {
    "path": "employees",
    "singular": "employee",
    "plural": "employees",
    # The read shape lists every field a create may set (EmployeeCreate is an allOf).
    "write_schema": "Employee",
    "create_schema": "EmployeeCreate",
    "event_prefix": "employee",
}


def derived_initials(name: str) -> str:
    """Initials as Rackbeat might compute them (assumed): each word's first letter, upper case."""
    return "".join(word[0] for word in name.split() if word).upper()[:4]


class Employees:
    def employee_inserted(self, record: dict[str, Any]) -> None:
        app: Any = self  # the simulator this is mixed into
        mode = app.options.employee_initials
        if mode == "ignored":
            record["initials"] = None
        elif mode == "derived":
            record["initials"] = derived_initials(str(record.get("name", "")))
