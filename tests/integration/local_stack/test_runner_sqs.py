"""SQS through the local stack: partial batch failures, whole-batch retries, redrive to the DLQ."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from local.aws import aws_client
from local.stack import LocalStack
from tests.support.paths import RUNNER_TEMPLATE

# Visibility timeouts shrink to 0 s on failure, so a retried message is back at once.
SPEEDUP = 10_000.0
DEADLINE_S = 30.0


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def stack(start_local_stack: Callable[..., LocalStack]) -> LocalStack:
    return start_local_stack(RUNNER_TEMPLATE, speedup=SPEEDUP, run_schedules=False)


def attempts(stack: LocalStack, key: str) -> int:
    assert stack.aws is not None
    table = aws_client("dynamodb", stack.aws.endpoint)
    item = table.get_item(
        TableName=stack.aws.outputs["MarkerTableName"], Key={"pk": {"S": f"attempts#{key}"}}
    )
    return int(item["Item"]["attempts"]["N"]) if "Item" in item else 0


def batches(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.aws is not None
    table = aws_client("dynamodb", stack.aws.endpoint)
    items = table.scan(TableName=stack.aws.outputs["MarkerTableName"])["Items"]
    return [
        {
            "keys": [k["S"] for k in item["keys"]["L"]],
            "label": item["label"]["S"],
            "record": item["record"]["S"],
        }
        for item in items
        if item["pk"]["S"].startswith("batch#")
    ]


def queue_depth(stack: LocalStack, output: str) -> int:
    assert stack.aws is not None
    sqs = aws_client("sqs", stack.aws.endpoint)
    attributes = sqs.get_queue_attributes(
        QueueUrl=stack.aws.outputs[output],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def send(stack: LocalStack, output: str, *bodies: dict[str, str]) -> None:
    assert stack.aws is not None
    sqs = aws_client("sqs", stack.aws.endpoint)
    entries = [{"Id": str(i), "MessageBody": json.dumps(body)} for i, body in enumerate(bodies)]
    sqs.send_message_batch(QueueUrl=stack.aws.outputs[output], Entries=entries)


def test_a_message_that_fails_five_times_ends_in_the_dlq(stack: LocalStack) -> None:
    send(stack, "WorkQueueUrl", {"key": "doomed", "mode": "fail-always"})

    wait_for(lambda: queue_depth(stack, "WorkDLQUrl") == 1, "the message to reach the DLQ")

    assert attempts(stack, "doomed") == 5
    assert queue_depth(stack, "WorkQueueUrl") == 0
    assert stack.aws is not None
    dead = aws_client("sqs", stack.aws.endpoint).receive_message(QueueUrl=stack.aws.outputs["WorkDLQUrl"])
    assert json.loads(dead["Messages"][0]["Body"]) == {"key": "doomed", "mode": "fail-always"}


def test_a_message_that_fails_once_then_succeeds_does_not_reach_the_dlq(stack: LocalStack) -> None:
    send(stack, "WorkQueueUrl", {"key": "flaky", "mode": "fail-once"})

    wait_for(lambda: attempts(stack, "flaky") == 2 and queue_depth(stack, "WorkQueueUrl") == 0, "the retry")

    assert queue_depth(stack, "WorkDLQUrl") == 0
    assert attempts(stack, "flaky") == 2


def test_in_a_batch_only_the_failed_items_are_retried(stack: LocalStack) -> None:
    send(
        stack,
        "WorkQueueUrl",
        {"key": "good-1", "mode": "ok"},
        {"key": "bad", "mode": "fail-once"},
        {"key": "good-2", "mode": "ok"},
    )

    wait_for(lambda: attempts(stack, "bad") == 2 and queue_depth(stack, "WorkQueueUrl") == 0, "the retry")

    assert attempts(stack, "good-1") == 1
    assert attempts(stack, "good-2") == 1
    assert queue_depth(stack, "WorkDLQUrl") == 0
    retried = [b for b in batches(stack) if "bad" in b["keys"]]
    assert len(retried) == 2
    assert any(b["keys"] == ["bad"] for b in retried), "the retry batch carries only the failed item"


def test_without_report_batch_item_failures_an_exception_returns_the_whole_batch(stack: LocalStack) -> None:
    send(stack, "PlainQueueUrl", {"key": "innocent", "mode": "ok"}, {"key": "culprit", "mode": "raise-once"})

    wait_for(
        lambda: attempts(stack, "culprit") == 2 and queue_depth(stack, "PlainQueueUrl") == 0, "the retry"
    )

    assert attempts(stack, "innocent") == 2


def test_records_have_the_real_sqs_event_shape_and_the_functions_environment(stack: LocalStack) -> None:
    assert stack.aws is not None
    sqs = aws_client("sqs", stack.aws.endpoint)
    sqs.send_message(
        QueueUrl=stack.aws.outputs["WorkQueueUrl"],
        MessageBody=json.dumps({"key": "shaped", "mode": "ok"}),
        MessageAttributes={
            "tenant": {"DataType": "String", "StringValue": "t-1"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )

    (batch,) = wait_for(lambda: batches(stack), "the batch")

    record = json.loads(batch["record"])
    assert batch["label"] == "worker/worker"
    assert set(record) >= {
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == stack.aws.physical["WorkQueue"].attributes["Arn"]
    assert record["awsRegion"] == "eu-west-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId"} <= set(record["attributes"])
    assert record["messageAttributes"]["tenant"] == {
        "stringValue": "t-1",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AQI="
