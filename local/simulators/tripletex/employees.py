"""``GET /employee`` in the Tripletex simulator (issue 15's optional employee import).

OFF (specs/tripletex-openapi.json): filters ``firstName``/``lastName``/``email`` (containing),
``employeeNumber`` (equals), ``includeContacts`` (default false: contacts are left out).
REAL (EVIDENCE-NEW-STREAMS stream 4): an employee without a number answers ``employeeNumber: ""``.
The area is governed by the token's grants like the others: Rackbeat's setup guide does not ask
for employee access, so a token without it answers 403 (REAL: seen in sandbox runs).
"""

from __future__ import annotations

from typing import Any

COLLECTION = "employees"
PATH = "/employee"
AREA = "employee"


def defaults(record: dict[str, Any]) -> None:
    record.setdefault("employeeNumber", "")
    record.setdefault("isContact", False)
    record.setdefault("email", "")
    record["displayName"] = f"{record.get('firstName', '')} {record.get('lastName', '')}".strip()


def matches(record: dict[str, Any], args: Any) -> bool:
    if (args.get("includeContacts") or "false").lower() != "true" and record.get("isContact"):
        return False
    for name in ("firstName", "lastName", "email"):
        wanted = args.get(name)
        if wanted and wanted.lower() not in str(record.get(name) or "").lower():
            return False
    number = args.get("employeeNumber")
    return not number or str(record.get("employeeNumber")) == number
