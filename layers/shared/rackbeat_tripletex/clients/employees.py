"""The two calls the employee import makes beyond the entity streams' own: Tripletex's employee
list and Rackbeat's employees (list, create). Small functions over the clients' paging and
write helpers, kept out of the clients' modules because only the optional import step uses them."""

from __future__ import annotations

from collections.abc import Iterator

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.models.employees import (
    TRIPLETEX_EMPLOYEE_FIELDS,
    RackbeatEmployee,
    RackbeatEmployeeWrite,
    TripletexEmployee,
)

PAGE_SIZE = 1000


def tripletex_employees(api: TripletexClient) -> Iterator[TripletexEmployee]:
    """Every employee who is not only a contact (Tripletex leaves contacts out by default)."""
    for raw in api._iterate_raw("/employee", {"fields": TRIPLETEX_EMPLOYEE_FIELDS}, PAGE_SIZE):
        yield TripletexEmployee.model_validate(raw)


def rackbeat_employees(api: RackbeatClient) -> Iterator[RackbeatEmployee | Unreadable]:
    return api._read("/employees", "employees", RackbeatEmployee)


def create_employee(api: RackbeatClient, employee: RackbeatEmployeeWrite) -> RackbeatEmployee:
    """One POST, never repeated blindly: the import looks the employee up by e-mail (or by its
    pending link) before it creates again."""
    return api._write("POST", "/employees", "employee", RackbeatEmployee, employee.payload())
