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

from rackbeat_tripletex.models.sync import TenantSyncTask, Trigger
from rackbeat_tripletex.store.tenant_work import ALL, FULL, TenantWork
from rackbeat_tripletex.sync.engine import SyncEngine

logger = logging.getLogger(__name__)

# One turn's work. Well inside the function's 60 s, so a turn never times out.
SLICE_SECONDS = 40.0
# Kept back from the function's remaining time for the history, the hand-back and the send.
MARGIN_SECONDS = 8.0


@dataclass
class Turns:
    engine: SyncEngine
    work: TenantWork
    requeue: Callable[[TenantSyncTask], None]
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
        was replaced, or it finds nothing due and nobody holding), ``done`` or ``yielded``.
        ``message_id`` (the SQS message's) names the holder an unheld message becomes, so its
        redelivery after a crash resumes the turn."""
        tenant_id = task.tenant_id
        holder = task.holder
        if not task.held:
            holder = self.work.request(tenant_id, {FULL if task.full else ALL}, claimant=message_id)
            if holder is None:
                return "coalesced"
        ends = self.monotonic() + min(SLICE_SECONDS, remaining() - MARGIN_SECONDS)

        def time_left() -> float:
            return ends - self.monotonic()

        while True:
            due = self.work.take(tenant_id, holder)
            if due is None:
                return "superseded"  # a newer holder carries the tenant's work
            if due:
                try:
                    ran = self.engine.run_due(tenant_id, due, _trigger(due), time_left=time_left)
                except Exception:
                    # Due again, and the tenant free: this message's redelivery takes the turn up
                    # again (TenantWork.take), or a delivery or tick meanwhile starts a holder.
                    self.work.give_back(tenant_id, due)
                    self.work.abandon(tenant_id, holder)
                    raise
                if ran.full_done:
                    self.reconciled(tenant_id)
                if ran.left:
                    return self._yield(tenant_id, holder, ran.left)
            if self.work.release(tenant_id, holder):
                return "done"
            if time_left() <= 0:
                return self._yield(tenant_id, holder, set())

    def _yield(self, tenant_id: str, holder: str | None, left: set[str]) -> str:
        self.work.give_back(tenant_id, left)
        self.requeue(TenantSyncTask(tenant_id=tenant_id, trigger="webhook", held=True, holder=holder))
        logger.info("tenant turn ended with work left", extra={"tenant_id": tenant_id, "left": sorted(left)})
        return "yielded"


def _trigger(due: set[str]) -> Trigger:
    if FULL in due:
        return "reconcile"
    return "schedule" if ALL in due else "webhook"
