"""Sending many messages to one SQS queue: SendMessageBatch, ten at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BATCH = 10  # SendMessageBatch's maximum


def send_bodies(sqs: Any, queue_url: str, bodies: Sequence[str], *, attempts: int = 1) -> int:
    """Send every body; entries SQS reports failed are sent again up to ``attempts`` times in all.
    Returns how many could not be sent (the caller decides whether that fails its own message)."""
    unsent = 0
    for start in range(0, len(bodies), BATCH):
        entries = [
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + BATCH])
        ]
        for _ in range(attempts):
            answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            failed = {f["Id"] for f in answer.get("Failed") or []}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                break
        unsent += len(entries)
    return unsent
