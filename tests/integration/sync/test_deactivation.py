"""Deactivation both ways (issue 15 stream 6): barred in Rackbeat is inactive in Tripletex and
back; a record deleted on either side is deactivated on the other, never deleted, and the link
says so. A redelivered deletion changes nothing more, a deletion of a record that is still there
changes nothing, and the deactivation does not echo back as a re-creation."""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.models.sync import EntitySyncTask, RunOutcome, StreamName
from rackbeat_tripletex.webhooks.rackbeat import task_for
from tests.support.sync_world import Env, initial_import_done, tripletex_rows, tripletex_user


def _by_number(env: Env, collection: str, field: str) -> dict[Any, dict[str, Any]]:
    return {row[field]: row for row in tripletex_rows(env.tripletex, collection)}


def _run(env: Env) -> dict[StreamName, Any]:
    runs = env.run()
    assert all(r.outcome == RunOutcome.OK for r in runs.values()), {s: r.detail for s, r in runs.items()}
    return runs


def _tripletex_deleted(env: Env, entity: str, tripletex_id: int) -> str:
    task = EntitySyncTask(
        tenant_id=env.tenant.tenant_id,
        source="tripletex",
        entity=entity,  # type: ignore[arg-type]
        key=str(tripletex_id),
        event=f"{entity}.delete",
        deleted=True,
    )
    return env.engine.run_entity(task)


def _tripletex_delete(env: Env, path: str) -> None:
    """Someone deletes the record in Tripletex."""
    with tripletex_user(env.tripletex) as user:
        user._call("DELETE", path)


def test_a_product_deleted_in_rackbeat_is_made_inactive_in_tripletex_never_deleted(env: Env) -> None:
    env.user.create_product("P-1", "Hammer", 100.0)
    _run(env)
    product_id = _by_number(env, "products", "number")["P-1"]["id"]
    env.user._send("DELETE", "/products/P-1")
    task = task_for(env.tenant.tenant_id, "product.deleted", {"key_name": "number", "key": "P-1"})
    assert task is not None
    assert task.deleted
    assert env.engine.run_entity(task) == "written"
    product = _by_number(env, "products", "number")["P-1"]
    assert product["id"] == product_id
    assert product["isInactive"] is True
    link = env.ctx.links.get(env.tenant.tenant_id, "product", "P-1")
    assert link is not None
    assert link.deleted_in == "rackbeat"
    assert link.deactivated_at
    assert link.tripletex_id == product_id
    # The history says what happened, in the tenant's language (Norwegian by default).
    [run] = [
        r
        for r in env.ctx.runs.latest(env.tenant.tenant_id)
        if r.stream == StreamName.PRODUCTS_TO_TRIPLETEX and r.trigger == "webhook"
    ]
    assert run.written == 1
    assert run.detail is not None
    assert "satt inaktiv i Tripletex" in run.detail
    # Redelivered: nothing more happens; the next scheduled run leaves it too.
    assert env.engine.run_entity(task) == "skipped"
    _run(env)
    assert _by_number(env, "products", "number")["P-1"]["isInactive"] is True


def test_the_deactivation_does_not_come_back_as_a_rackbeat_product(env: Env) -> None:
    initial_import_done(env)
    env.enable(StreamName.PRODUCTS_TO_RACKBEAT.value)
    env.user.create_product("P-1", "Hammer", 100.0)
    _run(env)
    env.user._send("DELETE", "/products/P-1")
    task = task_for(env.tenant.tenant_id, "product.deleted", {"key": "P-1"})
    assert task is not None
    env.engine.run_entity(task)
    product_id = _by_number(env, "products", "number")["P-1"]["id"]
    # Tripletex announces our deactivation as product.update: the product stays deleted in Rackbeat.
    echo = EntitySyncTask(
        tenant_id=env.tenant.tenant_id,
        source="tripletex",
        entity="product",
        key=str(product_id),
        event="product.update",
    )
    assert env.engine.run_entity(echo) == "skipped"
    _run(env)
    assert "P-1" not in env.rackbeat.records("products")


def test_a_deletion_of_a_record_that_is_still_there_changes_nothing(env: Env) -> None:
    env.user.create_product("P-1", "Hammer", 100.0)
    _run(env)
    forged = task_for(env.tenant.tenant_id, "product.deleted", {"key": "P-1"})
    assert forged is not None
    assert env.engine.run_entity(forged) == "skipped"
    assert _by_number(env, "products", "number")["P-1"]["isInactive"] is False
    assert env.ctx.links.get(env.tenant.tenant_id, "product", "P-1").deleted_in is None


def test_a_customer_deleted_in_tripletex_is_barred_in_rackbeat_never_deleted(env: Env) -> None:
    initial_import_done(env)
    env.enable(StreamName.CUSTOMERS_TO_RACKBEAT.value)
    env.user.create_customer(5001, "Kunde En AS")
    _run(env)
    customer_id = _by_number(env, "customers", "customerNumber")[5001]["id"]
    _tripletex_delete(env, f"/customer/{customer_id}")
    assert _tripletex_deleted(env, "customer", customer_id) == "written"
    customer = env.rackbeat.records("customers")[5001]
    assert customer["is_barred"] is True
    link = env.ctx.links.get(env.tenant.tenant_id, "customer", "5001")
    assert link is not None
    assert link.deleted_in == "tripletex"
    assert link.deactivated_at
    assert _tripletex_deleted(env, "customer", customer_id) == "skipped"  # redelivered
    # Rackbeat announces the barring as customer.updated: nothing is created again in Tripletex.
    assert env.webhook("customer", "5001") == "skipped"
    _run(env)
    assert 5001 not in _by_number(env, "customers", "customerNumber")


def test_a_tripletex_deletion_of_a_record_that_is_still_there_changes_nothing(env: Env) -> None:
    initial_import_done(env)
    env.enable(StreamName.CUSTOMERS_TO_RACKBEAT.value)
    env.user.create_customer(5001, "Kunde En AS")
    _run(env)
    customer_id = _by_number(env, "customers", "customerNumber")[5001]["id"]
    assert _tripletex_deleted(env, "customer", customer_id) == "skipped"
    assert env.rackbeat.records("customers")[5001]["is_barred"] is False


def test_barred_in_rackbeat_is_inactive_in_tripletex_and_back(env: Env) -> None:
    initial_import_done(env)
    env.user.create_customer(5001, "Kunde En AS")
    _run(env)
    env.rackbeat.set_clock(offset_seconds=5)
    env.user.update_customer(5001, is_barred=True)
    _run(env)
    assert _by_number(env, "customers", "customerNumber")[5001]["isInactive"] is True
    env.rackbeat.set_clock(offset_seconds=10)
    env.user.update_customer(5001, is_barred=False)
    _run(env)
    assert _by_number(env, "customers", "customerNumber")[5001]["isInactive"] is False


def test_the_nightly_reconcile_deactivates_what_no_event_announced(env: Env) -> None:
    initial_import_done(env)
    env.enable(StreamName.PRODUCTS_TO_RACKBEAT.value)
    env.user.create_customer(5001, "Kunde En AS")
    env.user.create_product("P-1", "Hammer", 100.0)
    _run(env)
    customer_id = _by_number(env, "customers", "customerNumber")[5001]["id"]
    # Deleted in Rackbeat (customer.deleted is not documented) and in Tripletex, without events.
    env.user._send("DELETE", "/customers/5001")
    product_id = _by_number(env, "products", "number")["P-1"]["id"]
    _tripletex_delete(env, f"/product/{product_id}")
    runs = env.run(full=True)
    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    assert runs[StreamName.PRODUCTS_TO_RACKBEAT].written == 1
    customer = _by_number(env, "customers", "customerNumber")[5001]
    assert (customer["id"], customer["isInactive"]) == (customer_id, True)
    assert env.rackbeat.records("products")["P-1"]["is_barred"] is True
    assert env.ctx.links.get(env.tenant.tenant_id, "customer", "5001").deleted_in == "rackbeat"
    assert env.ctx.links.get(env.tenant.tenant_id, "product", "P-1").deleted_in == "tripletex"
    # The next night finds nothing more to do.
    again = env.run(full=True)
    assert again[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 0
    assert again[StreamName.PRODUCTS_TO_RACKBEAT].written == 0


def test_the_nightly_reconcile_leaves_a_product_converted_to_a_bom_active(env: Env) -> None:
    env.enable(StreamName.LOTS_TO_TRIPLETEX.value)
    env.user.create_product("P-9", "Sett", 300.0)
    _run(env)
    env.rackbeat.set_clock(offset_seconds=5)
    env.rackbeat.convert_product_to_lot("P-9", [])
    runs = env.run(full=True)  # the lot is read and takes the product over; the product is gone
    assert runs[StreamName.LOTS_TO_TRIPLETEX].written == 1
    [product] = [p for p in tripletex_rows(env.tripletex, "products") if p["number"] == "P-9"]
    assert product["isInactive"] is False
    assert env.ctx.links.get(env.tenant.tenant_id, "product", "P-9").deleted_in is None
