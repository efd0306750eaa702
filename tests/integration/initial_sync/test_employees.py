"""The initial import's optional employee step (issue 15 stream 4) against both simulators:
Tripletex employees become Rackbeat employees, none twice by e-mail, contacts left out, a
nameless or same-named employee without e-mail reported instead of created; under each variant
of what Rackbeat does with ``initials``; safe to run again (a redelivered plan) and after a lost
POST answer; a token without employee access skips the step with one failure saying why."""

from __future__ import annotations

from typing import Any

import pytest

from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.initial_sync import employees as employees_step
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.initial_sync.employees import import_employees
from rackbeat_tripletex.models.sync import FailureReason
from tests.support.import_harness import TENANT, Harness, demo_request


def _employees(harness: Harness) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in harness.rackbeat_records("employees").values()}


def _employee_failures(harness: Harness) -> dict[str, Any]:
    return {f.key: f for f in harness.ctx.failures.list_import(TENANT) if f.entity == "employee"}


def _import_employees_only(harness: Harness) -> Any:
    with harness.ctx.clients(TENANT) as clients:
        return import_employees(harness.ctx, TENANT, clients)


@pytest.mark.parametrize("initials", ["accepted", "ignored", "derived"])
def test_the_employee_step_creates_each_employee_once_by_email(harness: Harness, initials: str) -> None:
    harness.rackbeat.set_options({"employee_initials": initials})
    service.start_initial_sync(harness.ctx, TENANT, demo_request(employees=True))
    harness.drain()
    employees = _employees(harness)
    # Åse was in Rackbeat already (same e-mail, other case); the contact is no employee.
    assert sorted(employees) == ["Kari Berg", "Nils Lager", "Ola Hansen", "Åse Lagerløf"]
    assert employees["Ola Hansen"]["contact_email"] == "ola.hansen@nordlysverktoy.no"
    # Initials never fail an employee, whatever Rackbeat does with them.
    expected = {"accepted": "OH", "ignored": None, "derived": "OH"}[initials]
    assert employees["Ola Hansen"]["initials"] == expected
    failures = _employee_failures(harness)
    assert set(failures) == {"tripletex-14"}
    assert failures["tripletex-14"].reason == FailureReason.POSSIBLE_DUPLICATE
    assert "Nils Lager" in failures["tripletex-14"].message
    links = {k: harness.ctx.links.get(TENANT, "employee", k) for k in ("tripletex-11", "tripletex-12")}
    assert links["tripletex-11"] is not None
    assert links["tripletex-11"].origin == "linked"
    assert links["tripletex-12"] is not None
    assert links["tripletex-12"].origin == "created"


def test_without_the_flag_no_employee_is_imported(harness: Harness) -> None:
    service.start_initial_sync(harness.ctx, TENANT, demo_request())
    harness.drain()
    assert sorted(_employees(harness)) == ["Nils Lager", "Åse Lagerløf"]


def test_running_the_step_again_creates_nobody_twice(harness: Harness) -> None:
    first = _import_employees_only(harness)
    assert (first.created, first.linked, first.failed) == (2, 1, 1)
    again = _import_employees_only(harness)
    assert (again.created, again.linked, again.unchanged) == (0, 0, 3)
    assert len(harness.rackbeat_records("employees")) == 4


class AnswerLost(BaseException):
    """The worker died after Rackbeat carried out the POST (a Lambda timeout): nothing after runs."""


def test_a_lost_post_answer_is_found_again_not_created_twice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kari has no e-mail: only the pending claim tells her Rackbeat employee is ours.
    def create_then_die(api: Any, write: Any) -> Any:
        created = real_create(api, write)
        if write.name == "Kari Berg":
            raise AnswerLost
        return created

    real_create = employees_step.create_employee
    monkeypatch.setattr(employees_step, "create_employee", create_then_die)
    with pytest.raises(AnswerLost):
        _import_employees_only(harness)
    monkeypatch.setattr(employees_step, "create_employee", real_create)
    counts = _import_employees_only(harness)
    names = [e["name"] for e in harness.rackbeat_records("employees").values()]
    assert sorted(names) == ["Kari Berg", "Nils Lager", "Ola Hansen", "Åse Lagerløf"]
    assert "tripletex-13" not in _employee_failures(harness)
    assert counts.created == 1  # Kari's, found by her claim and her name
    link = harness.ctx.links.get(TENANT, "employee", "tripletex-13")
    assert link is not None
    assert link.state == "synced"


def test_a_token_without_employee_access_skips_the_step_and_says_why(harness: Harness) -> None:
    harness.tripletex.grants.discard("employee")
    counts = _import_employees_only(harness)
    assert counts.failed == 1
    [failure] = _employee_failures(harness).values()
    # The harness's tenant keeps the default language, Norwegian: the step writes in it.
    assert failure.message == text("employees.unavailable", Language.NB)
    assert failure.suggested_fix == text("employees.unavailable.fix", Language.NB)
    assert sorted(_employees(harness)) == ["Nils Lager", "Åse Lagerløf"]
