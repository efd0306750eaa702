"""Sending many messages to one SQS queue: SendMessageBatch, ten at a time.

Every message of the service carries its tenant as ``MessageGroupId``. On a standard queue that
makes it an SQS *fair queue*: when one tenant (message group) has a backlog, SQS delivers the
other tenants' messages first, so one tenant's burst of import pages or sync turns does not
add to everyone else's dwell time. No cost, no change to the queues; ordering is unaffected
(the queues are not FIFO).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BATCH = 10  # SendMessageBatch's maximum


def send_bodies(
    sqs: Any, queue_url: str, bodies: Sequence[str], *, attempts: int = 1, groups: Sequence[str] | None = None
) -> int:
    """Send every body (``groups``: each body's tenant, its message group); entries SQS reports
    failed are sent again up to ``attempts`` times in all. Returns how many could not be sent
    (the caller decides whether that fails its own message)."""
    unsent = 0
    for start in range(0, len(bodies), BATCH):
        entries: list[dict[str, Any]] = [
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + BATCH])
        ]
        if groups is not None:
            for entry, group in zip(entries, groups[start : start + BATCH], strict=True):
                entry["MessageGroupId"] = group
        for _ in range(attempts):
            answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            failed = {f["Id"] for f in answer.get("Failed") or []}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                break
        unsent += len(entries)
    return unsent
