"""Two invocations of one handler at once, in one process (as the local stack runs them, on
threads): neither may see the other's event. Lambda runs one invocation per process, but the
local stack's SQS pollers and API threads do not, and a shared Powertools batch processor or
resolver there ran one tenant's turn twice and never ran another's (the storm benchmark hung
waiting for it), or answered one tenant's delivery with another's body."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.initial_sync import app as initial_sync_app
from functions.ongoing_sync import app as ongoing_sync_app
from functions.webhooks import app as webhooks_app
from rackbeat_tripletex.webhooks.deliveries import Outcome
from tests.support.events import sample_event
from tests.support.lambda_context import FakeLambdaContext

# How long the first invocation waits for the second to reach the same point. A handler that
# lets only one invocation in at a time never gets there: the first goes on alone after this.
MEET_S = 1.0


class Meeting:
    """The first arrival waits (at most MEET_S) until the second arrives too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived = 0
        self._both = threading.Event()

    def arrive(self) -> None:
        with self._lock:
            self._arrived += 1
            if self._arrived == 2:
                self._both.set()
        self._both.wait(MEET_S)


def _sqs_event(message_id: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"handle-{message_id}",
                "body": json.dumps({"name": message_id}),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "0" * 32,
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:SyncQueue",
                "awsRegion": "eu-west-1",
            }
        ]
    }


@pytest.mark.parametrize("module", [ongoing_sync_app, initial_sync_app], ids=["ongoing_sync", "initial_sync"])
def test_two_batches_at_once_each_answer_for_their_own_record(
    module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = Meeting()
    failed_batch_answered = threading.Event()
    handled: list[str] = []

    def record_handler(record: Any, *_: Any) -> None:
        handled.append(record.message_id)
        meeting.arrive()
        if record.message_id == "fails":
            raise RuntimeError("a transient failure of this record alone")
        failed_batch_answered.wait(MEET_S)  # the other batch answers first

    monkeypatch.setattr(module, "record_handler", record_handler)
    handler: Callable[..., Any] = module.lambda_handler

    def failing_batch() -> Any:
        try:
            return handler(_sqs_event("fails"), FakeLambdaContext())
        finally:
            failed_batch_answered.set()

    with ThreadPoolExecutor(2) as pool:
        failing = pool.submit(failing_batch)
        passing = pool.submit(handler, _sqs_event("passes"), FakeLambdaContext())
        # A batch whose every record failed fails whole: its message returns to the queue.
        with pytest.raises(BatchProcessingError):
            failing.result()
        answer = passing.result()

    assert sorted(handled) == ["fails", "passes"], "each record runs once"
    assert answer == {"batchItemFailures": []}, "the other batch's failure is not this one's"


def _delivery(tenant_id: str, event_name: str, key: str) -> dict[str, Any]:
    event = copy.deepcopy(sample_event("webhooks", "rackbeat_customer_created.json"))
    event["path"] = f"/webhooks/rackbeat/{tenant_id}"
    event["pathParameters"] = {"tenant_id": tenant_id}
    event["body"] = json.dumps({"key_name": "number", "key": key})
    event["headers"]["Rackbeat-Webhook-Event"] = event_name
    event["multiValueHeaders"]["Rackbeat-Webhook-Event"] = [event_name]
    return event


def test_two_deliveries_at_once_are_each_read_with_their_own_tenant_and_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meeting = Meeting()
    seen: list[tuple[str, str | None, str]] = []

    class Deliveries:
        def rackbeat(
            self, tenant_id: str, *, event: str | None, token: str | None, url_secret: str | None, body: str
        ) -> Outcome:
            seen.append((tenant_id, event, json.loads(body)["key"]))
            return Outcome.ACCEPTED

    def deliveries() -> Deliveries:
        # Called before the delivery's event name and body are read from the request.
        meeting.arrive()
        return Deliveries()

    monkeypatch.setattr(webhooks_app, "deliveries", deliveries)
    noisy, quiet = "a" * 32, "b" * 32
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(
            webhooks_app.lambda_handler, _delivery(noisy, "product.updated", "P-1"), FakeLambdaContext()
        )
        second = pool.submit(
            webhooks_app.lambda_handler, _delivery(quiet, "customer.updated", "10001"), FakeLambdaContext()
        )
        answers = first.result(), second.result()

    assert [answer["statusCode"] for answer in answers] == [202, 202]
    assert sorted(seen) == [(noisy, "product.updated", "P-1"), (quiet, "customer.updated", "10001")]
