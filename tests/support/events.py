"""The sample events in events/ (what API Gateway, EventBridge and SQS hand each function), and
what a handler left on the SyncQueue."""

from __future__ import annotations

import json
from typing import Any

import boto3

from local.stack import LocalStack
from tests.support.paths import REPO

EVENTS = REPO / "events"


def sample_event(*parts: str) -> Any:
    """``sample_event("webhooks", "rackbeat_customer_created.json")``."""
    return json.loads(EVENTS.joinpath(*parts).read_text())


def queued_sync_tasks(stack: LocalStack) -> list[str]:
    """Bodies of the messages waiting on the stack's SyncQueue (up to ten, left in flight)."""
    assert stack.aws is not None
    answer = boto3.client("sqs").receive_message(
        QueueUrl=stack.aws.outputs["SyncQueueUrl"], MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    return [m["Body"] for m in answer.get("Messages", [])]
