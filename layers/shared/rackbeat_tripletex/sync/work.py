"""A tenant's turn on SyncQueue: run what is due for it, at most one slice of time, then let go
or go to the back of the queue.

Fairness between tenants rests on two rules (store/tenant_work.py holds the first):

1. **One holder per tenant.** Deliveries and the schedule add work to the tenant's row; only the
   one that finds the tenant free enqueues a task. So a tenant has at most one message waiting
   on SyncQueue however many webhooks it fires, and its API budget (a token pair's 100 requests
   per 10 s) is spent by one worker at a time, which may therefore spend all of it.
2. **A turn is at most** :data:`SLICE_SECONDS`. A holder with work left when its slice ends
   gives the work back (cursors unmoved) and sends itself to the back of the queue. A tenant
   waiting behind a storm waits for at most one slice per worker, never for the storm.

A stream that stops on a temporary error (the API down or over its rate limit past the client's
retries; ``SyncEngine.run_due``'s ``retry``) is handed back with the tenant still held and a
*delayed* message: the turn comes back after :func:`retry_delay` (30 s, doubling with each turn
in a row that ended so, at most :data:`RETRY_MAX_SECONDS`), so a change lands within about a
minute of a short outage's end instead of at the next schedule tick. The count travels in the
message (``TenantSyncTask.attempt``): it belongs to one holder's run of turns, starts again with
the next holder, and costs no write. Work arriving meanwhile joins the held tenant (one message,
as ever); a refusal (4xx) is a record's or a stream's failure and never retried early, and a dead
token pauses the tenant, which ends its retries.

Concurrency then scales with the number of active tenants: the queue holds about one message
per busy tenant, and Lambda's SQS pollers scale with the queue up to the event source's
``MaximumConcurrency`` (template parameter ``SyncMaxConcurrency``), with no per-tenant limit to
guard because no tenant ever has two workers.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from rackbeat_tripletex.clients.tenant import MissingCredentials
from rackbeat_tripletex.models.sync import EntitySyncTask, TenantSyncTask, Trigger
from rackbeat_tripletex.store.tenant_work import ALL, FULL, TenantWork
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.sync.engine import DELETED_PREFIX, RECORD_PREFIX, DueRun, SyncEngine

logger = logging.getLogger(__name__)

# One turn's work. Well inside the function's 60 s, so a turn never times out.
SLICE_SECONDS = 40.0
# Kept back from the function's remaining time for the history, the hand-back and the send.
MARGIN_SECONDS = 8.0
# A retry after a temporary error: soon enough that a change lands within about a minute of a
# short outage, doubling so a long one costs a turn every few minutes, and at most below the sync
# interval (5 minutes), so a retry is never later than the schedule tick it replaces.
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 240


def retry_delay(attempt: int) -> int:
    """Seconds before the retry of a turn that is the ``attempt``-th in a row (from 0) to end on a
    temporary error."""
    return min(RETRY_FIRST_SECONDS << min(attempt, 8), RETRY_MAX_SECONDS)


@dataclass
class Turns:
    engine: SyncEngine
    work: TenantWork
    # Sends the holder's next message, delayed by the given seconds (0: the back of the queue).
    requeue: Callable[[TenantSyncTask, int], None]
    # Called when a nightly reconcile ran to its end (the failure digest goes out then).
    reconciled: Callable[[str], None] = lambda tenant_id: None
    monotonic: Callable[[], float] = time.monotonic

    def run(
        self,
        task: TenantSyncTask,
        remaining: Callable[[], float] = lambda: math.inf,
        *,
        message_id: str | None = None,
    ) -> str:
        """One message: ``coalesced`` (a holder has it), ``superseded`` (this message's holder
        was replaced, or it finds nothing due and nobody holding), ``done``, ``yielded`` or
        ``retrying`` (a stream stopped on a temporary error; the turn comes back delayed).
        ``message_id`` (the SQS message's) names the holder an unheld message becomes, so its
        redelivery after a crash resumes the turn."""
        holder = task.holder
        if not task.held:
            holder = self.work.request(task.tenant_id, {FULL if task.full else ALL}, claimant=message_id)
            if holder is None:
                return "coalesced"
        return self._turn(task.tenant_id, holder, task.attempt, remaining)

    def run_record(
        self,
        task: EntitySyncTask,
        remaining: Callable[[], float] = lambda: math.inf,
        *,
        message_id: str | None = None,
    ) -> str:
        """A record's own task (the failures' retry, a reconciliation resend, a deletion): the
        record joins the tenant's due work and the tenant's turn runs it, so no second worker
        spends the tenant's API budget beside its turn. ``coalesced`` when a holder has it now;
        else this message holds the tenant and runs the turn (``ignored``: no stream reads it)."""
        entry = record_entry(task)
        if entry is None:
            return "ignored"
        holder = self.work.request(task.tenant_id, {entry}, claimant=message_id)
        if holder is None:
            return "coalesced"
        return self._turn(task.tenant_id, holder, 0, remaining)

    def _turn(self, tenant_id: str, holder: str | None, attempt: int, remaining: Callable[[], float]) -> str:
        ends = self.monotonic() + min(SLICE_SECONDS, remaining() - MARGIN_SECONDS)

        def time_left() -> float:
            return ends - self.monotonic()

        # Streams stopped by a temporary error in this turn: they wait for the delayed retry.
        retry: set[str] = set()
        while True:
            due = self.work.take(tenant_id, holder)
            if due is None:
                self.work.give_back(tenant_id, retry)  # the newer holder runs them
                return "superseded"  # a newer holder carries the tenant's work
            # A stream that just failed is not run again in the same turn (a storm of deliveries
            # for it would hammer an API that is down); it waits, with its new work, for the retry.
            now = due - retry
            if now:
                try:
                    ran = self.engine.run_due(tenant_id, now, _trigger(now), time_left=time_left)
                except Exception as error:
                    # Due again, and the tenant free: this message's redelivery takes the turn up
                    # again (TenantWork.take), or a delivery or tick meanwhile starts a holder.
                    back = due | retry
                    if isinstance(error, MissingCredentials):
                        # Named records go with their own messages to the DLQ (a redrive brings
                        # them back); left on the row they would fail every tick's turn as well.
                        back = {name for name in back if not name.startswith((RECORD_PREFIX, DELETED_PREFIX))}
                    self.work.give_back(tenant_id, back)
                    self.work.abandon(tenant_id, holder)
                    raise
                if ran.full_done:
                    self.reconciled(tenant_id)
                retry = (retry - _covered(now, ran)) | ran.retry
                if ran.left:
                    # Out of time, not a failure: back of the queue at once, the count kept.
                    return self._yield(tenant_id, holder, ran.left | retry, attempt if retry else 0)
                if retry and time_left() > 0:
                    continue  # work that arrived meanwhile runs now; the failed streams wait
            if retry:
                return self._retry_later(tenant_id, holder, retry, attempt)
            if self.work.release(tenant_id, holder):
                return "done"
            if time_left() <= 0:
                return self._yield(tenant_id, holder, set(), 0)

    def _yield(self, tenant_id: str, holder: str | None, left: set[str], attempt: int) -> str:
        self.work.give_back(tenant_id, left)
        self.requeue(
            TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder, attempt=attempt),
            0,
        )
        logger.info("tenant turn ended with work left", extra={"tenant_id": tenant_id, "left": sorted(left)})
        return "yielded"

    def _retry_later(self, tenant_id: str, holder: str | None, retry: set[str], attempt: int) -> str:
        """Still holding the tenant (deliveries meanwhile only add work): the failed streams are
        due again, and this holder's next message waits out the backoff."""
        self.work.give_back(tenant_id, retry)
        delay = retry_delay(attempt)
        self.requeue(
            TenantSyncTask(
                tenant_id=tenant_id, trigger="webhook", held=True, holder=holder, attempt=attempt + 1
            ),
            delay,
        )
        logger.info(
            "tenant turn stopped on a temporary error; retried later",
            extra={
                "tenant_id": tenant_id,
                "retry": sorted(retry),
                "delay_seconds": delay,
                "attempt": attempt + 1,
            },
        )
        return "retrying"


def record_entry(task: EntitySyncTask) -> str | None:
    """The task's record as the tenant's due work names it (sync/engine.py), if a stream reads it."""
    stream = registry.find(task.source, task.entity)
    if stream is None:
        return None
    return f"{DELETED_PREFIX if task.deleted else RECORD_PREFIX}{stream.name.value}:{task.key}"


def _covered(now: set[str], ran: DueRun) -> set[str]:
    """What a run of ``now`` settled: the names it ran, and every stream when it ran them all."""
    if ALL in now or FULL in now:
        return now | {run.stream.value for run in ran.runs}
    return now


def _trigger(due: set[str]) -> Trigger:
    if FULL in due:
        return "reconcile"
    return "schedule" if ALL in due else "webhook"
