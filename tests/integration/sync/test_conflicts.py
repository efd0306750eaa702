"""The 409 path: a record changed in Tripletex between the engine's read and its write.

The policy (sync/engine.py): with the Tripletex -> Rackbeat stream on, the Tripletex change is
the newer one and wins: it is not overwritten, and it travels to Rackbeat. With that stream off,
Rackbeat is the only source of truth: the engine re-reads and applies its change on the fresh
version, so fields it does not own keep what the Tripletex user wrote. Never a blind overwrite:
every PUT carries the version it was built on.
"""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from tests.support.sync_world import Env, initial_import_done, tripletex_rows, tripletex_user

CUSTOMER_PUT = r"/v2/customer/\d+"


def _customer_puts(env: Env, customer_id: int) -> list[dict[str, Any]]:
    return [
        e
        for e in env.tripletex.request_log
        if e["method"] == "PUT" and e["path"] == f"/v2/customer/{customer_id}"
    ]


def _edit_in_tripletex(env: Env, customer_number: int, **changes: Any) -> dict[str, int]:
    """Arrange for a Tripletex user to save ``changes`` just before the engine's next PUT.
    Returns (after the fact) the version the user's save produced, under "version"."""
    saved: dict[str, int] = {}

    def edit() -> None:
        with tripletex_user(env.tripletex) as api:
            current = api.find_customer_by_number(customer_number)
            assert current is not None
            result = api.update_customer(tx.Customer(id=current.id, version=current.version, **changes))
            assert result.version is not None
            saved["version"] = result.version

    env.tripletex_wire.before("PUT", CUSTOMER_PUT, edit)
    return saved


def test_with_rackbeat_the_only_source_the_change_is_applied_on_the_fresh_version(env: Env) -> None:
    env.user.create_customer(5101, "Konflikt AS")
    env.run()
    (customer,) = tripletex_rows(env.tripletex, "customers")

    env.user.update_customer(5101, company_name="Konflikt Rackbeat AS")
    user_save = _edit_in_tripletex(env, 5101, name="Konflikt Tripletex AS", description="Ring før levering")
    env.tripletex.request_log.clear()
    assert env.webhook("customer", "5101") == "written"

    puts = _customer_puts(env, customer["id"])
    # The user's save, the engine's stale PUT refused, then the engine's PUT on the fresh version.
    assert [p["status"] for p in puts] == [200, 409, 200]
    stale, fresh = puts[1]["body"]["version"], puts[2]["body"]["version"]
    assert stale == customer["version"]
    assert fresh == user_save["version"] != stale
    (after,) = tripletex_rows(env.tripletex, "customers")
    assert after["name"] == "Konflikt Rackbeat AS"  # Rackbeat owns the customer's name
    assert after["description"] == "Ring før levering"  # what the engine does not own is kept


def test_with_both_directions_the_newer_tripletex_change_wins_and_reaches_rackbeat(env: Env) -> None:
    initial_import_done(env)
    env.enable("customers_to_rackbeat")
    env.user.create_customer(5102, "Begge Veier AS")
    runs = env.run()
    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    (customer,) = tripletex_rows(env.tripletex, "customers")

    env.user.update_customer(5102, company_name="Endret i Rackbeat AS")
    _edit_in_tripletex(env, 5102, name="Endret i Tripletex AS")
    env.tripletex.request_log.clear()
    env.rackbeat.request_log.clear()
    runs = env.run()

    forward = runs[StreamName.CUSTOMERS_TO_TRIPLETEX]
    assert (forward.written, forward.failed, forward.outcome) == (0, 0, RunOutcome.OK)
    puts = _customer_puts(env, customer["id"])
    assert [p["status"] for p in puts] == [200, 409]  # the user's save, then ours refused: no retry
    (after,) = tripletex_rows(env.tripletex, "customers")
    assert after["name"] == "Endret i Tripletex AS"
    # The same run's Tripletex -> Rackbeat stream carries the winner to Rackbeat.
    assert runs[StreamName.CUSTOMERS_TO_RACKBEAT].written == 1
    assert env.user.http.get("/customers/5102").json()["customer"]["company_name"] == "Endret i Tripletex AS"

    # Settled: the next run writes nothing either way (no echo of the winner).
    env.tripletex.request_log.clear()
    env.rackbeat.request_log.clear()
    again = env.run()
    assert all(r.written == 0 for r in again.values()), {s.value: r.written for s, r in again.items()}
    assert [e for e in env.tripletex.request_log if e["method"] in ("PUT", "POST")] == []
    assert [e for e in env.rackbeat.request_log if e["method"] in ("PUT", "POST")] == []
