"""A page's outcome is counted exactly once, by one conditional write of the run row, and the
import writes no DynamoDB transaction (moto copies the whole table for every item of one, and
DynamoDB bills twice the write units)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import boto3

from local.aws import ProvisionedStack
from rackbeat_tripletex.models.sync import EntityProgress, RunState
from rackbeat_tripletex.store.dynamo import tenant_pk
from rackbeat_tripletex.store.runs import RUN_SK, RunRecord, RunStore
from tests.integration.initial_sync.test_reprocessing import counts, run_import
from tests.support.import_harness import TENANT, Harness, demo_request

STARTED = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def _planned(aws_stack: ProvisionedStack, pages: int) -> tuple[Any, RunStore]:
    table = boto3.resource("dynamodb", endpoint_url=aws_stack.endpoint).Table(
        aws_stack.outputs["StateTableName"]
    )
    runs = RunStore(table)
    runs.begin(
        RunRecord(
            tenant_id=TENANT, run_id="r1", state=RunState.PLANNED, request=demo_request(), started_at=STARTED
        )
    )
    assert runs.set_plan(TENANT, pages, {"product": 30, "customer": 5}, [])
    return table, runs


def test_a_page_counted_twice_moves_the_counters_once(aws_stack: ProvisionedStack) -> None:
    _, runs = _planned(aws_stack, pages=3)
    first = EntityProgress(created=7, linked=2, failed=1)
    assert runs.complete_page(TENANT, "product", 0, first)
    # The redelivery's own outcome differs (its records were written already): ignored.
    assert not runs.complete_page(TENANT, "product", 0, EntityProgress(created=0, linked=9, failed=1))
    assert runs.complete_page(TENANT, "product", 1, EntityProgress(created=20))
    # The same page number of another entity is another page.
    assert runs.complete_page(TENANT, "customer", 0, EntityProgress(linked=5))
    run = runs.get_import(TENANT)
    assert run is not None
    assert run.pages_done == 3
    assert run.counters["product"].model_dump() == EntityProgress(created=27, linked=2, failed=1).model_dump()
    assert run.counters["customer"].linked == 5
    assert runs.finish(TENANT, RunState.COMPLETED_WITH_FAILURES, STARTED)
    assert not runs.complete_page(TENANT, "customer", 0, EntityProgress(linked=5))
    after = runs.get_import(TENANT)
    assert after is not None
    assert after.pages_done == 3


def test_a_page_finishing_after_the_run_was_deleted_leaves_no_row(aws_stack: ProvisionedStack) -> None:
    table, runs = _planned(aws_stack, pages=1)
    table.delete_item(Key={"pk": tenant_pk(TENANT), "sk": RUN_SK})
    assert not runs.complete_page(TENANT, "product", 0, EntityProgress(created=3))
    assert "Item" not in table.get_item(Key={"pk": tenant_pk(TENANT), "sk": RUN_SK}, ConsistentRead=True)
    assert runs.get_import(TENANT) is None


def test_the_import_writes_no_dynamodb_transaction(harness: Harness) -> None:
    calls: Counter[str] = Counter()
    # Every store of the context writes through this one table client.
    events = harness.ctx.runs._table.meta.client.meta.events

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    events.register("before-call.dynamodb", count)
    try:
        run_import(harness)
    finally:
        events.unregister("before-call.dynamodb", count)
    assert sum(counts(harness).values()) > 0
    assert calls["UpdateItem"] > 0  # the counting writes were seen
    assert calls["TransactWriteItems"] == 0, calls
