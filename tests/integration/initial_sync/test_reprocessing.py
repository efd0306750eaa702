"""Redelivery, the one-time guard, the dry run, retrying failed records, and the handler."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rackbeat_tripletex.initial_sync import records, service
from rackbeat_tripletex.models.sync import Accepted, DryRunReport, FailureReason, RunState, parse_task
from tests.support.import_harness import TENANT, Harness, demo_request

EVENTS = Path(__file__).resolve().parents[3] / "events" / "initial_sync"
COLLECTIONS = ("customers", "suppliers", "products")


def counts(harness: Harness) -> dict[str, int]:
    return {c: len(harness.rackbeat_records(c)) for c in COLLECTIONS}


def run_import(harness: Harness) -> list[str]:
    accepted = service.start_initial_sync(harness.ctx, TENANT, demo_request())
    assert isinstance(accepted, Accepted)
    bodies: list[str] = []
    harness.drain(on_message=lambda m: bodies.append(m["Body"]))
    return bodies


def test_a_redelivered_page_creates_nothing_twice(harness: Harness) -> None:
    bodies = run_import(harness)
    before = counts(harness)
    progress_before = service.initial_sync_progress(harness.ctx, TENANT)
    harness.rackbeat.clear_requests()
    assert any(parse_task(b).kind == "page" for b in bodies)
    for body in bodies:
        harness.sqs.send_message(QueueUrl=harness.queue_url, MessageBody=body)
    harness.drain()
    assert counts(harness) == before
    # Only the records Rackbeat refused are tried again; nothing is written.
    writes = [r for r in harness.rackbeat.request_log if r["method"] != "GET"]
    assert writes
    assert all(w["status"] == 422 for w in writes)
    progress_after = service.initial_sync_progress(harness.ctx, TENANT)
    assert progress_after is not None
    assert progress_before is not None
    assert progress_after.entities == progress_before.entities


def test_a_page_cut_off_after_its_writes_finishes_on_redelivery_without_duplicates(harness: Harness) -> None:
    """The worker dies after writing to Rackbeat but before recording anything (links lost)."""
    service.start_initial_sync(harness.ctx, TENANT, demo_request())
    plan = harness.receive(1)[0]
    harness.drain_one(plan)
    page = harness.receive(1)[0]
    task = parse_task(page["Body"])
    saved = harness.ctx.links.save_synced
    harness.ctx.links.save_synced = lambda *_a, **_k: (_ for _ in ()).throw(RuntimeError("killed"))  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="killed"):
        harness.drain_one(page, delete=False)
    harness.ctx.links.save_synced = saved  # type: ignore[method-assign]
    harness.sqs.send_message(QueueUrl=harness.queue_url, MessageBody=page["Body"])
    harness.drain()
    progress = service.initial_sync_progress(harness.ctx, TENANT)
    assert progress is not None
    assert progress.state == RunState.COMPLETED_WITH_FAILURES
    entity = progress.entities[task.entity]  # type: ignore[union-attr]
    assert entity.done == entity.total
    expected = {
        "customers": len(harness.seed["tripletex"]["customers"]) - 2,
        "suppliers": len(harness.seed["tripletex"]["suppliers"]),
        "products": len(harness.seed["tripletex"]["products"]) - 2,
    }
    assert counts(harness) == expected


def test_the_import_runs_once(harness: Harness) -> None:
    run_import(harness)
    with pytest.raises(service.AlreadyRan) as refused:
        service.start_initial_sync(harness.ctx, TENANT, demo_request())
    assert refused.value.state == RunState.COMPLETED_WITH_FAILURES
    assert refused.value.finished_at is not None
    assert "already ran" in str(refused.value)
    assert harness.receive() == []


def test_groups_of_the_wrong_kind_are_refused(harness: Harness) -> None:
    with pytest.raises(service.InvalidRequest) as refused:
        service.start_initial_sync(
            harness.ctx, TENANT, demo_request(product_group=2, service_group=1, customer_group=9)
        )
    assert set(refused.value.problems) == {"product_group", "service_group", "customer_group"}
    assert harness.ctx.runs.get_import(TENANT) is None


def test_dry_run_reports_and_writes_nothing(harness: Harness) -> None:
    harness.rackbeat.clear_requests()
    harness.tripletex.clear_requests()
    report = service.start_initial_sync(harness.ctx, TENANT, demo_request(), dry_run=True)
    assert isinstance(report, DryRunReport)
    customers = report.entities["customer"]
    assert customers.total == len(harness.seed["tripletex"]["customers"])
    assert customers.would_link == 3
    # The duplicate number and the GBP customer: Rackbeat's currency list lacks GBP.
    assert customers.would_fail == 2
    assert customers.sample
    assert "password" not in json.dumps(customers.sample)
    assert {f.reason for f in report.failures} == {
        FailureReason.DUPLICATE_NUMBER,
        FailureReason.UNKNOWN_UNIT,
        FailureReason.MISSING_NUMBER,
        FailureReason.UNKNOWN_CURRENCY,
    }
    assert report.currencies_checked
    assert report.missing_currencies == ["GBP"]
    assert all(r["method"] == "GET" for r in harness.rackbeat.request_log)
    # The session token is the one PUT Tripletex needs before any read.
    assert all(
        r["method"] == "GET" or r["path"].endswith("/token/session/:create")
        for r in harness.tripletex.request_log
    )
    assert harness.ctx.runs.get_import(TENANT) is None
    assert harness.receive() == []


def test_retry_imports_failed_records_once_the_cause_is_fixed(harness: Harness) -> None:
    run_import(harness)
    failures = {f.reason: f for f in service.list_failures(harness.ctx, TENANT)}
    unit_failure = failures[FailureReason.UNKNOWN_UNIT]
    # The user creates the missing unit in Rackbeat.
    harness.rackbeat.put_record("units", 6, {"number": 6, "name": "pk"})
    accepted = service.retry_failures(
        harness.ctx, TENANT, [service.FailureRef(entity="product", key=unit_failure.key)]
    )
    assert accepted.enqueued == 1
    harness.drain()
    assert unit_failure.number in harness.rackbeat_records("products")
    remaining = service.list_failures(harness.ctx, TENANT)
    assert unit_failure.key not in {f.key for f in remaining}
    progress = service.initial_sync_progress(harness.ctx, TENANT)
    assert progress is not None
    assert progress.entities["product"].failed == 1

    # Retrying the rest without fixing them: they stay, with one more attempt each.
    service.retry_failures(harness.ctx, TENANT)
    harness.drain()
    again = service.list_failures(harness.ctx, TENANT)
    assert {f.key for f in again} == {f.key for f in remaining}
    assert all(f.attempts == 2 for f in again)


def load_event(name: str, run_id: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text().replace("RUN_ID", run_id))
    return event


def test_handler_runs_the_sample_plan_and_page_events(harness: Harness, lambda_context: Any) -> None:
    from functions.initial_sync import app

    accepted = service.start_initial_sync(harness.ctx, TENANT, demo_request())
    assert isinstance(accepted, Accepted)
    harness.receive()  # the real plan message is replaced by the sample event
    app.use_context(harness.ctx)
    try:
        answer = app.lambda_handler(load_event("plan.json", accepted.run_id), lambda_context)
        assert answer == {"batchItemFailures": []}
        run = harness.ctx.runs.get_import(TENANT)
        assert run is not None
        assert run.pages_total
        answer = app.lambda_handler(load_event("page.json", accepted.run_id), lambda_context)
        assert answer == {"batchItemFailures": []}
        assert {5000, 5001, 5002} <= {
            int(s["number"]) - 20001 + 5000 for s in harness.rackbeat_records("suppliers").values()
        }
        bad = load_event("page.json", accepted.run_id)
        bad["Records"][0]["body"] = '{"kind": "page"}'
        answer = app.lambda_handler(
            bad | {"Records": bad["Records"] + load_event("plan.json", "x")["Records"]}, lambda_context
        )
        assert answer["batchItemFailures"] == [{"itemIdentifier": bad["Records"][0]["messageId"]}]
    finally:
        app.use_context(None)


def _written_numbers(harness: Harness) -> list[str]:
    """The Rackbeat numbers written (created or updated) since the request log was cleared."""
    numbers = []
    for entry in harness.rackbeat.request_log:
        if entry["method"] == "POST" and 200 <= entry["status"] < 300:
            numbers.append(str((entry["body"] or {}).get("number")))
        elif entry["method"] == "PUT" and 200 <= entry["status"] < 300:
            numbers.append(entry["path"].rsplit("/", 1)[-1])
    return numbers


def test_links_are_stored_while_a_page_runs_so_a_hard_kill_loses_only_the_last_few(harness: Harness) -> None:
    """A container killed mid-page cannot run its ``finally``: the links flushed before the kill
    are all the next delivery has, and the records they cover are not written again."""
    service.start_initial_sync(harness.ctx, TENANT, demo_request())
    harness.drain_one(harness.receive(1)[0])
    page = harness.receive(1)[0]
    links = harness.ctx.links
    claim, save_synced = links.claim, links.save_synced
    stored: list[str] = []
    dead = False
    kill_at = records.LINKS_PER_FLUSH * 2 + 3

    def claim_until_killed(*args: Any, **kwargs: Any) -> Any:
        nonlocal dead
        if len(claimed) + 1 >= kill_at:
            dead = True
            raise RuntimeError("killed")
        claimed.append(args)
        return claim(*args, **kwargs)

    def save_while_alive(tenant_id: str, synced: list[Any]) -> None:
        if dead:
            raise RuntimeError("a killed worker writes nothing")
        save_synced(tenant_id, synced)
        stored.extend(link.rackbeat_key for link in synced)

    claimed: list[Any] = []
    harness.rackbeat.clear_requests()
    links.claim = claim_until_killed  # type: ignore[method-assign]
    links.save_synced = save_while_alive  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(RuntimeError):
            harness.drain_one(page, delete=False)
    finally:
        links.claim, links.save_synced = claim, save_synced  # type: ignore[method-assign]
    written_before_kill = _written_numbers(harness)
    assert len(stored) == records.LINKS_PER_FLUSH * 2
    assert set(stored) <= set(written_before_kill)
    assert len(written_before_kill) > len(stored)  # some writes were not yet recorded

    harness.rackbeat.clear_requests()
    harness.sqs.send_message(QueueUrl=harness.queue_url, MessageBody=page["Body"])
    harness.drain()
    assert not set(stored) & set(_written_numbers(harness))
    expected = {
        "customers": len(harness.seed["tripletex"]["customers"]) - 2,
        "suppliers": len(harness.seed["tripletex"]["suppliers"]),
        "products": len(harness.seed["tripletex"]["products"]) - 2,
    }
    assert counts(harness) == expected
    progress = service.initial_sync_progress(harness.ctx, TENANT)
    assert progress is not None
    for entity in progress.entities.values():
        assert entity.done == entity.total
