"""The schedule's half of ongoing_sync: one SyncQueue message per active tenant."""

from __future__ import annotations

import logging
from typing import Any

from rackbeat_tripletex.models.domain import TenantStatus
from rackbeat_tripletex.models.sync import TenantSyncTask
from rackbeat_tripletex.store.queue import send_bodies
from rackbeat_tripletex.store.tenants import TenantStore

logger = logging.getLogger(__name__)


class FanOutError(Exception):
    """Some tenants' messages could not be enqueued even after a retry."""


def fan_out(tenants: TenantStore, sqs: Any, queue_url: str, *, full: bool) -> int:
    """Enqueue a tenant-level task per active tenant (gsi1 ``STATUS#active``); returns how many."""
    trigger = "reconcile" if full else "schedule"
    tasks = [
        TenantSyncTask(tenant_id=t.tenant_id, trigger=trigger, full=full)
        for t in tenants.list_by_status(TenantStatus.ACTIVE)
    ]
    bodies = [task.model_dump_json() for task in tasks]
    unsent = send_bodies(sqs, queue_url, bodies, attempts=2, groups=[task.tenant_id for task in tasks])
    if unsent:
        raise FanOutError(f"{unsent} tenant sync messages could not be enqueued")
    logger.info("tenant syncs enqueued", extra={"tenants": len(bodies), "full": full})
    return len(bodies)
