"""Move messages from a queue's dead-letter queue back to the queue.

    .venv/bin/python -m ops.redrive <QueueLogicalId | queue URL> [--max N] [--stack NAME]

A logical id (``InitialSyncQueue``, ``SyncQueue``) is looked up in the CloudFormation stack
(``--stack``, default ``$STACK_NAME`` or ``rackbeat-tripletex``). The DLQ is whatever the
queue's RedrivePolicy names, so the command never guesses. Each message is received from the DLQ,
sent to the queue with the same body and message attributes, and only then deleted from the DLQ:
a crash in between leaves a copy in both, which is safe because every consumer is idempotent;
the other order could lose a message. Works against AWS and against moto (``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3

SQS_BATCH = 10
DEFAULT_STACK = "rackbeat-tripletex"
# Long enough that a batch is sent and deleted before the DLQ shows the messages again.
RECEIVE_VISIBILITY_S = 60


class RedriveError(Exception):
    """Something the operator must fix first (unknown queue, no DLQ); the message says what."""


@dataclass
class RedriveResult:
    queue_url: str
    dlq_url: str
    moved: int
    failed: int


def resolve_queue_url(target: str, *, stack_name: str, cloudformation: Any, sqs: Any) -> str:
    """A URL as given; a logical id through the stack, else by the queue name CloudFormation
    (``<stack>-<LogicalId>-<suffix>``) or the local stack (``<stack>-<LogicalId>``) gives it."""
    if target.startswith(("https://", "http://")):
        return target
    try:
        detail = cloudformation.describe_stack_resource(StackName=stack_name, LogicalResourceId=target)[
            "StackResourceDetail"
        ]
    except Exception:  # botocore's ClientError, or no CloudFormation at all (the local stack)
        detail = None
    if detail is not None:
        if detail.get("ResourceType") != "AWS::SQS::Queue":
            raise RedriveError(f"{target} is a {detail.get('ResourceType')}, not a queue")
        return str(detail["PhysicalResourceId"])  # an SQS queue's physical id is its URL
    prefix = f"{stack_name}-{target}"
    urls = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    matches = [u for u in urls if (name := u.rsplit("/", 1)[-1]) == prefix or name.startswith(prefix + "-")]
    if len(matches) != 1:
        found = ", ".join(matches) or "none"
        raise RedriveError(
            f"cannot tell which queue {target} is in stack {stack_name} (found: {found}); pass its URL"
        )
    return str(matches[0])


def dead_letter_queue_url(sqs: Any, queue_url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    policy = (attributes.get("Attributes") or {}).get("RedrivePolicy")
    if not policy:
        raise RedriveError(f"{queue_url} has no RedrivePolicy, so it has no dead-letter queue")
    arn = str(json.loads(policy)["deadLetterTargetArn"])
    _, _, _, _region, account, name = arn.split(":", 5)
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def redrive(sqs: Any, queue_url: str, *, max_messages: int | None = None) -> RedriveResult:
    """Move up to ``max_messages`` (all when None) from the queue's DLQ back to the queue."""
    dlq_url = dead_letter_queue_url(sqs, queue_url)
    moved = failed = 0
    while max_messages is None or moved < max_messages:
        wanted = SQS_BATCH if max_messages is None else min(SQS_BATCH, max_messages - moved)
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=wanted,
            VisibilityTimeout=RECEIVE_VISIBILITY_S,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        entries = []
        for index, message in enumerate(messages):
            entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
            entries.append(entry)
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        sent_ids = {item["Id"] for item in sent.get("Successful", [])}
        failed += len(messages) - len(sent_ids)
        done = [
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
            for index, message in enumerate(messages)
            if str(index) in sent_ids
        ]
        if done:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        moved += len(done)
        if not done:
            # Nothing could be sent: stop rather than spin on the same messages.
            break
    return RedriveResult(queue_url=queue_url, dlq_url=dlq_url, moved=moved, failed=failed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.redrive", description=__doc__.split("\n\n")[0])
    parser.add_argument("queue", help="the queue's logical id in template.yaml (e.g. SyncQueue) or its URL")
    parser.add_argument("--max", type=int, default=None, help="move at most this many messages")
    parser.add_argument(
        "--stack",
        default=os.environ.get("STACK_NAME", DEFAULT_STACK),
        help="CloudFormation stack to resolve a logical id in (default: $STACK_NAME or %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.max is not None and args.max < 1:
        parser.error("--max must be at least 1")
    sqs = boto3.client("sqs")
    try:
        url = resolve_queue_url(
            args.queue, stack_name=args.stack, cloudformation=boto3.client("cloudformation"), sqs=sqs
        )
        result = redrive(sqs, url, max_messages=args.max)
    except RedriveError as error:
        print(f"redrive: {error}", file=sys.stderr)
        return 2
    print(f"moved {result.moved} message(s) from {result.dlq_url} back to {result.queue_url}")
    if result.failed:
        print(f"{result.failed} message(s) could not be sent and stay in the DLQ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
