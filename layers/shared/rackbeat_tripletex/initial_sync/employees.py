"""The initial import's optional employee step (``InitialSyncRequest.employees``): Tripletex
employees become Rackbeat employees once, with no duplicates by e-mail.

Rackbeat is not shown to refuse a second employee with the same e-mail (NONE), so the step reads
Rackbeat's employees first and matches case-insensitively on ``contact_email``; an employee with
no e-mail is matched by name and, when one exists, reported as a possible duplicate rather than
created. Each Tripletex employee has a link (``employee``, ``tripletex-<id>``) claimed as pending
before its POST and marked synced after it, so a redelivered plan message or a killed worker
never creates one twice: a pending claim whose employee is found (by e-mail or name) is our own
lost answer. A token without access to employees (Rackbeat's setup guide does not ask for it)
skips the step with one failure saying so. Created employees get no login and no invitation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rackbeat_tripletex.clients.employees import create_employee, rackbeat_employees, tripletex_employees
from rackbeat_tripletex.clients.http import AccessDenied
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.clients.tenant import Clients
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.employee import email_of, full_name, map_employee
from rackbeat_tripletex.models.employees import RackbeatEmployee
from rackbeat_tripletex.models.sync import FailureReason, RecordFailure

logger = logging.getLogger(__name__)
ACCESS_KEY = "employees"


@dataclass
class EmployeeCounts:
    created: int = 0
    linked: int = 0
    unchanged: int = 0
    failed: int = 0


def import_employees(ctx: InitialSyncContext, tenant_id: str, clients: Clients) -> EmployeeCounts:
    counts = EmployeeCounts()
    try:
        employees = [e for e in tripletex_employees(clients.tripletex) if not e.is_contact]
    except AccessDenied:
        _fail(ctx, tenant_id, ACCESS_KEY, None, FailureReason.REJECTED, "employees.unavailable", {})
        counts.failed += 1
        return counts
    ctx.failures.resolve(tenant_id, "initial_sync", "employee", ACCESS_KEY)
    by_email: dict[str, RackbeatEmployee] = {}
    by_name: dict[str, RackbeatEmployee] = {}
    for existing in readable(rackbeat_employees(clients.rackbeat)):
        _index(existing, by_email, by_name)
    for employee in employees:
        key = f"tripletex-{employee.id}"
        link = ctx.links.get(tenant_id, "employee", key)
        if link is not None and link.state == "synced":
            counts.unchanged += 1
            continue
        claimed = link is not None  # a pending claim: a previous attempt may have created it
        email, name = email_of(employee), full_name(employee)
        found = by_email.get(email) if email else by_name.get(_name_key(name)) if name else None
        if found is not None and (email or claimed):
            ctx.links.record(tenant_id, "employee", key, tripletex_id=employee.id, origin="linked")
            counts.linked += 0 if claimed else 1
            counts.created += 1 if claimed else 0
            ctx.failures.resolve(tenant_id, "initial_sync", "employee", key)
            continue
        write = map_employee(employee)
        if write is None or found is not None:
            reason = FailureReason.MISSING_NAME if write is None else FailureReason.POSSIBLE_DUPLICATE
            message = "employees.no_name.message" if write is None else "employees.possible_duplicate"
            _fail(ctx, tenant_id, key, name or None, reason, message, {"name": name})
            counts.failed += 1
            continue
        ctx.links.record(tenant_id, "employee", key, tripletex_id=employee.id, state="pending")
        created = create_employee(clients.rackbeat, write)
        ctx.links.record(tenant_id, "employee", key, tripletex_id=employee.id, origin="created")
        ctx.failures.resolve(tenant_id, "initial_sync", "employee", key)
        _index(
            created.model_copy(update={"contact_email": write.contact_email, "name": write.name}),
            by_email,
            by_name,
        )
        counts.created += 1
    # Prefixed: "created" is a LogRecord attribute, and logging refuses to overwrite it.
    logger.info(
        "employees imported",
        extra={"tenant_id": tenant_id, **{f"employees_{k}": v for k, v in counts.__dict__.items()}},
    )
    return counts


def _index(
    employee: RackbeatEmployee, by_email: dict[str, RackbeatEmployee], by_name: dict[str, RackbeatEmployee]
) -> None:
    if employee.contact_email and employee.contact_email.strip():
        by_email.setdefault(employee.contact_email.strip().lower(), employee)
    if employee.name and employee.name.strip():
        by_name.setdefault(_name_key(employee.name), employee)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _fail(
    ctx: InitialSyncContext,
    tenant_id: str,
    key: str,
    name: str | None,
    reason: FailureReason,
    message: str,
    params: dict[str, str],
) -> None:
    failure = RecordFailure(
        entity="employee",
        key=key,
        name=name,
        reason=reason,
        message=text(message, **params),
        suggested_fix=text(f"{message.removesuffix('.message')}.fix"),
    )
    ctx.failures.record(tenant_id, failure, ctx.now())
