"""A tenant's turn (sync/work.py) against moto and both simulators in-process: the due streams
run, a turn that runs out of time stops between records with its cursor unmoved and goes to
the back of the queue, and nothing is written twice or lost across turns."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.domain import TenantStatus
from rackbeat_tripletex.models.sync import EntitySyncTask, StreamName, TenantSyncTask
from rackbeat_tripletex.store.tenant_work import ALL, TenantWork
from rackbeat_tripletex.sync import work as turns_module
from rackbeat_tripletex.sync.engine import CONTINUED
from rackbeat_tripletex.sync.work import Turns
from tests.support.sync_world import Env, tripletex_rows


class Ticks:
    """A monotonic clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def tenant_work(aws_stack: ProvisionedStack) -> TenantWork:
    table = boto3.resource("dynamodb", endpoint_url=aws_stack.endpoint).Table(
        aws_stack.physical["IdempotencyTable"].ref
    )
    return TenantWork(table)


def _turns(env: Env, work: TenantWork, sent: list[TenantSyncTask]) -> Turns:
    return Turns(env.engine, work, lambda task, delay: sent.append(task), monotonic=Ticks())


def test_a_webhook_turn_runs_only_the_due_stream_and_lets_go(env: Env, tenant_work: TenantWork) -> None:
    env.user.create_customer(5401, "Tur Kunde AS")
    env.user.create_product("T-1", "Tur Produkt", 10.0)
    tenant_id = env.tenant.tenant_id
    holder = tenant_work.request(tenant_id, {StreamName.CUSTOMERS_TO_TRIPLETEX.value})
    sent: list[TenantSyncTask] = []
    held = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    assert _turns(env, tenant_work, sent).run(held) == "done"
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5401]
    assert tripletex_rows(env.tripletex, "products") == []  # not due
    assert sent == []
    # Let go: the next request holds the tenant again, and the old holder's copy drops itself.
    assert tenant_work.request(tenant_id, {ALL}) is not None
    assert _turns(env, tenant_work, sent).run(held) == "superseded"


def test_a_turn_that_failed_is_taken_up_again_by_its_redelivered_message(
    env: Env, tenant_work: TenantWork, monkeypatch: Any
) -> None:
    env.user.create_customer(5402, "Feil Kunde AS")
    tenant_id = env.tenant.tenant_id
    holder = tenant_work.request(tenant_id, {StreamName.CUSTOMERS_TO_TRIPLETEX.value})
    held = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    run_due = env.engine.run_due
    failures = [RuntimeError("the worker lost its connection")]

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return run_due(*args, **kwargs)

    monkeypatch.setattr(env.engine, "run_due", failing_once)
    sent: list[TenantSyncTask] = []
    with pytest.raises(RuntimeError):
        _turns(env, tenant_work, sent).run(held)
    assert tripletex_rows(env.tripletex, "customers") == []
    # SQS redelivers the same message: it runs the work it gave back, no delivery needed.
    assert _turns(env, tenant_work, sent).run(held) == "done"
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5402]
    assert sent == []


def test_a_schedule_task_for_a_held_tenant_only_adds_its_work(env: Env, tenant_work: TenantWork) -> None:
    tenant_id = env.tenant.tenant_id
    holder = tenant_work.request(tenant_id, {StreamName.CUSTOMERS_TO_TRIPLETEX.value})
    sent: list[TenantSyncTask] = []
    assert _turns(env, tenant_work, sent).run(TenantSyncTask(tenant_id=tenant_id)) == "coalesced"
    assert tenant_work.take(tenant_id, holder) == {StreamName.CUSTOMERS_TO_TRIPLETEX.value, ALL}


def test_a_turn_out_of_time_yields_and_the_next_turns_finish_with_each_record_written_once(
    env: Env, tenant_work: TenantWork, monkeypatch: Any
) -> None:
    for n in range(6):
        env.user.create_product(f"Y-{n}", f"Vare {n}", 10.0 + n)
    tenant_id = env.tenant.tenant_id
    stream = StreamName.PRODUCTS_TO_TRIPLETEX.value
    # A slice of a few ticks: each record's check reads the clock once.
    monkeypatch.setattr(turns_module, "SLICE_SECONDS", 3.0)
    holder = tenant_work.request(tenant_id, {stream})
    sent: list[TenantSyncTask] = []
    outcome = _turns(env, tenant_work, sent).run(
        TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    )
    assert outcome == "yielded"
    assert sent == [TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)]
    written_first = len(tripletex_rows(env.tripletex, "products"))
    assert 0 < written_first < 6
    # The cursor stayed: the next turn reads from the same place.
    assert env.ctx.cursors.get(tenant_id, stream) is None
    turns = 1
    while sent:
        task = sent.pop()
        _turns(env, tenant_work, sent).run(task)
        turns += 1
        assert turns < 20
    products = tripletex_rows(env.tripletex, "products")
    assert sorted(p["number"] for p in products) == [f"Y-{n}" for n in range(6)]
    posts = [e for e in env.tripletex.request_log if e["method"] == "POST" and e["path"] == "/v2/product"]
    assert len(posts) == 6, "a record written by one turn is skipped by the next"
    assert env.ctx.cursors.get(tenant_id, stream) is not None
    assert tenant_work.request(tenant_id, {stream}) is not None, "the last turn let go"


def test_a_stream_cut_short_says_so_in_its_history(env: Env) -> None:
    for n in range(3):
        env.user.create_product(f"H-{n}", f"Historikk {n}", 5.0)
    ran = env.engine.run_due(
        env.tenant.tenant_id, {StreamName.PRODUCTS_TO_TRIPLETEX.value}, "webhook", time_left=lambda: 0.0
    )
    (run,) = ran.runs
    assert run.detail == text(CONTINUED, env.tenant.language)
    assert run.written == 0
    assert ran.left == {StreamName.PRODUCTS_TO_TRIPLETEX.value}


def test_many_updates_cost_one_tripletex_call_each_not_a_read_and_a_write(env: Env) -> None:
    for n in range(12):
        env.user.create_product(f"S-{n}", f"Storm {n}", 10.0)
    env.run()
    for n in range(12):
        env.user.update_product(f"S-{n}", name=f"Storm {n} endret")
    env.tripletex.request_log.clear()
    runs = env.run()
    assert runs[StreamName.PRODUCTS_TO_TRIPLETEX].written == 12
    calls = [
        e
        for e in env.tripletex.request_log
        if e["path"]
        in ("/v2/product", *(f"/v2/product/{p['id']}" for p in tripletex_rows(env.tripletex, "products")))
    ]
    puts = [e for e in calls if e["method"] == "PUT"]
    assert [p["status"] for p in puts] == [200] * 12
    # One list read of the twelve by id, then a PUT each: no GET per record.
    reads = [e for e in calls if e["method"] == "GET"]
    assert [(e["path"], e["query"].get("ids")) for e in reads] == [
        ("/v2/product", ",".join(str(i) for i in range(1, 13)))
    ]
    assert {p["body"]["name"] for p in puts} == {f"Storm {n} endret" for n in range(12)}


def _recording_turns(env: Env, work: TenantWork, sent: list[tuple[TenantSyncTask, int]]) -> Turns:
    return Turns(env.engine, work, lambda task, delay: sent.append((task, delay)), monotonic=Ticks())


def test_a_change_made_during_a_tripletex_outage_lands_once_by_the_delayed_retry_without_a_tick(
    env: Env, tenant_work: TenantWork
) -> None:
    env.user.create_customer(5410, "Utfall Kunde AS")
    tenant_id = env.tenant.tenant_id
    stream = StreamName.CUSTOMERS_TO_TRIPLETEX.value
    holder = tenant_work.request(tenant_id, {stream})
    env.tripletex.set_faults({"error_rates": {"503": 1.0}, "only_paths": "^/v2/customer"})
    sent: list[tuple[TenantSyncTask, int]] = []
    first = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    assert _recording_turns(env, tenant_work, sent).run(first) == "retrying"
    retry = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder, attempt=1)
    assert sent == [(retry, 30)]
    # Held while the retry waits: another delivery only adds work, so one message per tenant.
    assert tenant_work.request(tenant_id, {stream}) is None
    assert env.ctx.cursors.get(tenant_id, stream) is None
    # The outage goes on: the retry's retry waits twice as long.
    sent.clear()
    assert _recording_turns(env, tenant_work, sent).run(retry) == "retrying"
    ((again, delay),) = sent
    assert (again.attempt, again.holder, delay) == (2, holder, 60)
    # Tripletex is back: the delayed message (no schedule tick) carries the change, once.
    env.tripletex.set_faults({})
    sent.clear()
    assert _recording_turns(env, tenant_work, sent).run(again) == "done"
    assert sent == []
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5410]
    created = [
        e
        for e in env.tripletex.request_log
        if e["method"] == "POST" and e["path"] == "/v2/customer" and e["status"] in (200, 201)
    ]
    assert len(created) == 1
    assert env.ctx.cursors.get(tenant_id, stream) is not None
    assert tenant_work.request(tenant_id, {stream}) is not None, "the last turn let go"


@pytest.mark.parametrize(("status", "paused"), [("422", False), ("401", True)])
def test_a_refused_record_or_a_dead_token_is_not_retried_early(
    env: Env, tenant_work: TenantWork, status: str, paused: bool
) -> None:
    env.user.create_customer(5411, "Avvist Kunde AS")
    tenant_id = env.tenant.tenant_id
    stream = StreamName.CUSTOMERS_TO_TRIPLETEX.value
    holder = tenant_work.request(tenant_id, {stream})
    env.tripletex.set_faults({"error_rates": {status: 1.0}, "only_paths": "^/v2/customer"})
    sent: list[tuple[TenantSyncTask, int]] = []
    held = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    assert _recording_turns(env, tenant_work, sent).run(held) == "done"
    assert sent == []
    assert tripletex_rows(env.tripletex, "customers") == []
    tenant = env.ctx.tenants.get(tenant_id)
    assert tenant is not None
    assert (tenant.status != TenantStatus.ACTIVE) is paused
    assert tenant_work.request(tenant_id, {stream}) is not None, "let go: nothing loops"


def _retry_task(env: Env, number: int) -> EntitySyncTask:
    return EntitySyncTask(
        tenant_id=env.tenant.tenant_id, source="rackbeat", entity="customer", key=str(number), event="retry"
    )


def test_a_record_task_for_a_held_tenant_joins_its_turn_instead_of_running_beside_it(
    env: Env, tenant_work: TenantWork
) -> None:
    """The failures' retry and a resend send one task per record: none may spend the tenant's API
    budget while its turn runs. The record joins the due work and the holder's turn runs it."""
    env.user.create_customer(5420, "Retry Kunde AS")
    tenant_id = env.tenant.tenant_id
    holder = tenant_work.request(tenant_id, {StreamName.PRODUCTS_TO_TRIPLETEX.value})
    sent: list[tuple[TenantSyncTask, int]] = []
    env.tripletex.request_log.clear()
    assert _recording_turns(env, tenant_work, sent).run_record(_retry_task(env, 5420), message_id="m-1") == (
        "coalesced"
    )
    assert env.tripletex.request_log == [], "nothing ran beside the turn"
    held = TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder)
    assert _recording_turns(env, tenant_work, sent).run(held) == "done"
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5420]
    assert sent == []
    assert tenant_work.request(tenant_id, {ALL}) is not None, "the turn let go"


def test_a_record_task_for_a_free_tenant_takes_the_turn_and_runs_only_its_record(
    env: Env, tenant_work: TenantWork
) -> None:
    env.user.create_customer(5421, "Egen Tur AS")
    env.user.create_customer(5422, "Ikke Bedt Om AS")
    tenant_id = env.tenant.tenant_id
    sent: list[tuple[TenantSyncTask, int]] = []
    turns = _recording_turns(env, tenant_work, sent)
    assert turns.run_record(_retry_task(env, 5421), message_id="m-2") == "done"
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5421]
    posts = [e for e in env.tripletex.request_log if e["method"] == "POST" and e["path"] == "/v2/customer"]
    assert len(posts) == 1
    assert sent == []
    # A record no stream reads is acknowledged and holds nothing.
    employee = EntitySyncTask(
        tenant_id=tenant_id, source="rackbeat", entity="employee", key="1", event="retry"
    )
    assert turns.run_record(employee, message_id="m-3") == "ignored"
    assert tenant_work.request(tenant_id, {ALL}) is not None, "free"
