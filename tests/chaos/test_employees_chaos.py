"""The initial import with its optional employee step under the initial-sync chaos (the real
initial_sync handler on InitialSyncQueue, the 10 % fault mix, the worker killed at random points,
before a call or after Rackbeat carried it out): it ends as the fault-free run, each Tripletex
employee in Rackbeat once, the same failures, nothing in the DLQ.

The employee step runs inside the plan message, before its pages are recorded, so a killed plan
is delivered again and runs the step again: the e-mail match and the pending claims make that
harmless, which is what this suite shows."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from local.simulators.base import SimulatorApp
from tests.support.import_harness import demo_request

from . import test_initial_sync_chaos as import_chaos
from .chaos import Chaos

KILL_RATE = 0.12


def small_seed() -> dict[str, Any]:
    seed = import_chaos.ci_seed()
    tripletex = seed["tripletex"]
    tripletex["customers"] = tripletex["customers"][:12]
    tripletex["suppliers"] = tripletex["suppliers"][:4]
    tripletex["products"] = tripletex["products"][:12]
    seed["meta"]["bad_records"] = []
    return seed


def run(moto_endpoint: str, *, chaotic: bool) -> import_chaos.ImportOutcome:
    forced: list[str] = []
    random_after = Chaos.after_api_call

    def after_api_call(chaos: Chaos, app: SimulatorApp, request: httpx.Request) -> None:
        # On top of the random kills: the first employee POST Rackbeat carries out loses its
        # answer (the worker dies right after it), so the redelivered plan meets its own write.
        site = f"{app.name} {request.method} {request.url.path}"
        if chaos.kill_rate > 0 and not forced and request.method == "POST" and site.endswith("/employees"):
            forced.append(site)
            chaos._die(site, after=True)
        random_after(chaos, app, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Chaos, "after_api_call", after_api_call)
        patch.setattr(import_chaos, "demo_request", lambda: demo_request(employees=True))
        patch.setattr(import_chaos, "COLLECTIONS", (*import_chaos.COLLECTIONS, "employees"))
        return import_chaos.run_import(
            moto_endpoint, small_seed(), chaotic=chaotic, page_size=4, kill_rate=KILL_RATE
        )


def test_the_employee_step_under_faults_and_kills_ends_as_the_fault_free_run(moto_endpoint: str) -> None:
    calm = run(moto_endpoint, chaotic=False)
    chaotic = run(moto_endpoint, chaotic=True)
    names = sorted(e["name"] for e in calm.rackbeat["employees"].values())
    assert names == ["Kari Berg", "Nils Lager", "Ola Hansen", "Åse Lagerløf"]
    assert sorted(e["name"] for e in chaotic.rackbeat["employees"].values()) == names
    assert chaotic.rackbeat["employees"] == calm.rackbeat["employees"]
    employee_posts = Counter(
        n
        for (path, n), count in chaotic.successful_creates.items()
        if path == "employees"
        for _ in range(count)
    )
    # Two employees are created (Ola, Kari): each POST that Rackbeat carried out, once.
    assert sum(employee_posts.values()) == 2
    assert chaotic.failures == calm.failures
    assert ("employee", "tripletex-14", "possible_duplicate") in calm.failures
    assert chaotic.dead_letters == 0
    assert chaotic.chaos.kills > 1
    assert "after rackbeat POST /api/employees" in chaotic.chaos.kill_sites
    for collection in import_chaos.COLLECTIONS:
        assert chaotic.rackbeat[collection] == calm.rackbeat[collection]
