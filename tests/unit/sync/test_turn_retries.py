"""A turn whose stream stopped on a temporary error comes back delayed (sync/work.py): the tenant
stays held, the stream stays due, and the holder's next message waits a backoff that doubles
with each such turn in a row, below the sync interval. The engine and the tenant's work row are
fakes here; tests/integration/sync/test_turns.py runs the same against moto and the simulators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import pytest

from rackbeat_tripletex.clients.errors import (
    AccessDenied,
    AuthError,
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from rackbeat_tripletex.models.sync import RunOutcome, StreamName, SyncRun, TenantSyncTask, parse_sync_task
from rackbeat_tripletex.store.tenant_work import ALL, HOLD_SECONDS, TenantWork
from rackbeat_tripletex.streams.scheduled import Busy
from rackbeat_tripletex.sync.engine import TEMPORARY, DueRun, SyncEngine
from rackbeat_tripletex.sync.session import RecordBusy, StreamAborted
from rackbeat_tripletex.sync.work import RETRY_MAX_SECONDS, Turns, retry_delay

TENANT = "0123456789abcdef" * 2
HOLDER = "holder-1"
CUSTOMERS = StreamName.CUSTOMERS_TO_TRIPLETEX.value
PRODUCTS = StreamName.PRODUCTS_TO_TRIPLETEX.value
SYNC_INTERVAL_SECONDS = 300  # template.yaml's SyncScheduleExpression, rate(5 minutes)


class Row:
    """The tenant's work row as store/tenant_work.py keeps it: what is due, who holds it."""

    def __init__(self, due: set[str]) -> None:
        self.due = set(due)
        self.holder: str | None = HOLDER
        # Work a delivery adds while the n-th run is going on (n from 0).
        self.arrives: dict[int, set[str]] = {}

    def take(self, tenant_id: str, holder: str | None) -> set[str] | None:
        if self.holder != holder:
            return None
        taken, self.due = self.due, set()
        return taken

    def give_back(self, tenant_id: str, due: set[str]) -> None:
        self.due |= set(due)

    def release(self, tenant_id: str, holder: str | None) -> bool:
        if self.due:
            return False
        self.holder = None
        return True

    def abandon(self, tenant_id: str, holder: str | None) -> None:
        self.holder = None


class Engine:
    """Runs what it is given: each stream ends as ``outcomes`` says (ok by default)."""

    def __init__(self, row: Row, outcomes: dict[str, list[str]]) -> None:
        self.row = row
        self.outcomes = outcomes
        self.ran: list[set[str]] = []

    def run_due(
        self, tenant_id: str, due: set[str], trigger: str, *, time_left: Callable[[], float]
    ) -> DueRun:
        self.row.due |= self.row.arrives.pop(len(self.ran), set())
        self.ran.append(set(due))
        runs, retry = [], set()
        for name in sorted({CUSTOMERS, PRODUCTS} if ALL in due else due):
            outcome = self.outcomes[name].pop(0) if self.outcomes.get(name) else "ok"
            run = SyncRun(
                tenant_id=tenant_id,
                run_id="r",
                stream=StreamName(name),
                trigger="webhook",
                started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                outcome=RunOutcome.OK if outcome == "ok" else RunOutcome.FAILED,
            )
            runs.append(run)
            if outcome == "temporary":
                retry.add(name)
        return DueRun(runs, set(), full_done=False, retry=retry)


def _turns(row: Row, engine: Engine, sent: list[tuple[TenantSyncTask, int]]) -> Turns:
    return Turns(
        cast(SyncEngine, engine),
        cast(TenantWork, row),
        lambda task, delay: sent.append((task, delay)),
    )


def _held(attempt: int = 0) -> TenantSyncTask:
    return TenantSyncTask(tenant_id=TENANT, trigger="webhook", held=True, holder=HOLDER, attempt=attempt)


def test_a_temporary_error_keeps_the_stream_due_and_the_tenant_held_for_a_delayed_retry() -> None:
    row = Row({CUSTOMERS})
    sent: list[tuple[TenantSyncTask, int]] = []
    outcome = _turns(row, Engine(row, {CUSTOMERS: ["temporary"]}), sent).run(_held())
    assert outcome == "retrying"
    assert sent == [(_held(attempt=1), 30)]
    assert row.due == {CUSTOMERS}
    assert row.holder == HOLDER, "a delivery meanwhile only adds work: one message per tenant"


def test_each_turn_in_a_row_that_fails_waits_twice_as_long_up_to_below_the_sync_interval() -> None:
    delays = []
    for attempt in range(6):
        row = Row({CUSTOMERS})
        sent: list[tuple[TenantSyncTask, int]] = []
        assert _turns(row, Engine(row, {CUSTOMERS: ["temporary"]}), sent).run(_held(attempt)) == "retrying"
        ((task, delay),) = sent
        assert task.attempt == attempt + 1
        delays.append(delay)
    assert delays == [30, 60, 120, 240, 240, 240]
    assert retry_delay(10_000) == RETRY_MAX_SECONDS
    # Never later than the tick it stands in for, and the hold outlives the wait.
    assert RETRY_MAX_SECONDS < SYNC_INTERVAL_SECONDS < HOLD_SECONDS


def test_a_retry_that_succeeds_lets_go_and_the_next_holder_starts_from_the_first_delay() -> None:
    row = Row({CUSTOMERS})
    sent: list[tuple[TenantSyncTask, int]] = []
    assert _turns(row, Engine(row, {}), sent).run(_held(attempt=3)) == "done"
    assert sent == []
    assert row.holder is None
    assert row.due == set()


@pytest.mark.parametrize("failure", ["refused", "paused"])
def test_a_refusal_or_a_dead_token_is_not_retried_early(failure: str) -> None:
    # The engine names no stream to retry for either (a 4xx, or a tenant paused for relinking).
    row = Row({CUSTOMERS})
    sent: list[tuple[TenantSyncTask, int]] = []
    assert _turns(row, Engine(row, {CUSTOMERS: [failure]}), sent).run(_held()) == "done"
    assert sent == []
    assert row.holder is None


def test_work_arriving_meanwhile_runs_now_but_the_failed_stream_waits_for_its_retry() -> None:
    row = Row({CUSTOMERS})
    # During the first run, deliveries for both streams arrive.
    row.arrives[0] = {CUSTOMERS, PRODUCTS}
    engine = Engine(row, {CUSTOMERS: ["temporary"]})
    sent: list[tuple[TenantSyncTask, int]] = []
    assert _turns(row, engine, sent).run(_held()) == "retrying"
    assert engine.ran == [{CUSTOMERS}, {PRODUCTS}], "the failing API is not called again this turn"
    assert row.due == {CUSTOMERS}
    assert sent == [(_held(attempt=1), 30)]


def test_a_stream_that_failed_and_then_ran_in_the_same_turn_is_not_retried() -> None:
    row = Row({CUSTOMERS, PRODUCTS})
    row.arrives[0] = {ALL}  # a schedule tick meanwhile: every stream, the failed one too
    engine = Engine(row, {PRODUCTS: ["temporary", "ok"]})
    sent: list[tuple[TenantSyncTask, int]] = []
    assert _turns(row, engine, sent).run(_held()) == "done"
    assert engine.ran == [{CUSTOMERS, PRODUCTS}, {ALL}]
    assert sent == []
    assert row.holder is None


def test_a_turn_that_raises_gives_back_its_failed_streams_too() -> None:
    row = Row({CUSTOMERS})
    row.arrives[0] = {PRODUCTS}
    engine = Engine(row, {CUSTOMERS: ["temporary"]})
    calls = 0
    run_due = engine.run_due

    def failing_second(*args: Any, **kwargs: Any) -> DueRun:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the worker lost its connection")
        return run_due(*args, **kwargs)

    engine.run_due = failing_second  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        _turns(row, engine, []).run(_held())
    assert row.due == {CUSTOMERS, PRODUCTS}, "nothing is lost: the redelivery runs both"


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (ServerError("down", status=503), True),
        (RateLimited("over the limit", status=429, retry_after=120.0), True),
        (TransportError("timed out"), True),
        (RecordBusy(), True),
        (Busy(), True),
        (ValidationFailed("bad filter", status=422), False),
        (AccessDenied("no module", status=403), False),
        (NotFound("gone", status=404), False),
        (Conflict("changed", status=409), False),
        (AuthError("dead token", status=401), False),
        (StreamAborted("keeps changing"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_what_the_engine_retries_soon(error: Exception, temporary: bool) -> None:
    assert isinstance(error, TEMPORARY) is temporary


def test_only_a_retry_message_carries_its_attempt_and_it_comes_back_intact() -> None:
    # Every other message keeps the shape it had before retries (a worker not yet updated reads it).
    assert "attempt" not in _held().model_dump_json()
    retry = _held(attempt=2)
    assert parse_sync_task(retry.model_dump_json()) == retry
