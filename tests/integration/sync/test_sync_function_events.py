"""Each sample event in events/webhooks and events/ongoing_sync fed to its handler, in the
function's own environment (the local runner on moto provisioned from template.yaml)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.stack import LocalStack
from rackbeat_tripletex.models.sync import parse_sync_task
from rackbeat_tripletex.webhooks.store import WebhookStore

EVENTS = Path(__file__).resolve().parents[3] / "events"
TENANT = "0123456789abcdef0123456789abcdef"


def _event(*parts: str) -> Any:
    return json.loads(EVENTS.joinpath(*parts).read_text())


@pytest.fixture
def stack(start_local_stack: Callable[..., LocalStack]) -> LocalStack:
    return start_local_stack(poll_queues=False, run_schedules=False)


def _queued(stack: LocalStack) -> list[str]:
    assert stack.aws is not None
    answer = boto3.client("sqs").receive_message(
        QueueUrl=stack.aws.outputs["SyncQueueUrl"], MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    return [m["Body"] for m in answer.get("Messages", [])]


def test_rackbeat_delivery_is_verified_and_enqueued(stack: LocalStack) -> None:
    assert stack.aws is not None
    assert stack.runner is not None
    event = _event("webhooks", "rackbeat_customer_created.json")
    refused = stack.runner.invoke("WebhooksFunction", event)
    assert refused.ok, refused.error
    assert refused.payload["statusCode"] == 401  # no subscription stored for the tenant yet

    table = boto3.resource("dynamodb").Table(stack.aws.outputs["StateTableName"])
    token = event["headers"]["Rackbeat-Webhook-Token"]
    WebhookStore(table).put_rackbeat(TENANT, "customer.created", 1, "https://example/hook", token)
    accepted = stack.runner.invoke("WebhooksFunction", event)
    assert accepted.payload["statusCode"] == 202
    (body,) = _queued(stack)
    task = parse_sync_task(body)
    assert (task.kind, task.tenant_id) == ("entity", TENANT)
    assert token not in body


def test_tripletex_delivery_needs_a_valid_signature(stack: LocalStack) -> None:
    assert stack.aws is not None
    assert stack.runner is not None
    event = _event("webhooks", "tripletex_customer_update.json")
    boto3.client("secretsmanager").create_secret(
        Name=f"{stack.aws.outputs['TenantSecretPrefix']}{TENANT}/tripletex-webhook",
        SecretString=json.dumps({"hmac_shared_secret": "example-hmac-shared-secret"}),
    )
    accepted = stack.runner.invoke("WebhooksFunction", event)
    assert accepted.payload["statusCode"] == 202, accepted.payload
    (body,) = _queued(stack)
    assert json.loads(body)["source"] == "tripletex"

    tampered = {**event, "body": event["body"].replace("Kunde AS", "Annen AS")}
    assert stack.runner.invoke("WebhooksFunction", tampered).payload["statusCode"] == 401


@pytest.mark.parametrize("name", ["schedule_tick.json", "nightly_reconcile.json"])
def test_schedule_events_fan_out_over_active_tenants(stack: LocalStack, name: str) -> None:
    assert stack.runner is not None
    result = stack.runner.invoke("OngoingSyncFunction", _event("ongoing_sync", name))
    assert result.ok, result.error
    assert result.payload == {"enqueued": 0}


def test_sync_queue_tasks_of_an_unknown_tenant_are_acknowledged(stack: LocalStack) -> None:
    assert stack.runner is not None
    result = stack.runner.invoke("OngoingSyncFunction", _event("ongoing_sync", "sync_queue_tasks.json"))
    assert result.ok, result.error
    assert result.payload == {"batchItemFailures": []}
