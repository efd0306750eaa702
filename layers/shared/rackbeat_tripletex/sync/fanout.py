"""The schedule's half of ongoing_sync: one SyncQueue message per active tenant."""

from __future__ import annotations

import logging
from typing import Any

from rackbeat_tripletex.models.domain import TenantStatus
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.model import TenantSyncTask

logger = logging.getLogger(__name__)
BATCH = 10  # SendMessageBatch's maximum


class FanOutError(Exception):
    """Some tenants' messages could not be enqueued even after a retry."""


def fan_out(tenants: TenantStore, sqs: Any, queue_url: str, *, full: bool) -> int:
    """Enqueue a tenant-level task per active tenant (gsi1 ``STATUS#active``); returns how many."""
    trigger = "reconcile" if full else "schedule"
    bodies = [
        TenantSyncTask(tenant_id=t.tenant_id, trigger=trigger, full=full).model_dump_json()
        for t in tenants.list_by_status(TenantStatus.ACTIVE)
    ]
    for start in range(0, len(bodies), BATCH):
        entries = [
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + BATCH])
        ]
        for _ in range(2):
            answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            failed = {f["Id"] for f in answer.get("Failed", [])}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                break
        if entries:
            raise FanOutError(f"{len(entries)} tenant sync messages could not be enqueued")
    logger.info("tenant syncs enqueued", extra={"tenants": len(bodies), "full": full})
    return len(bodies)
