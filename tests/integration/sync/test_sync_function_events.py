"""Each sample event in events/webhooks and events/ongoing_sync fed to its handler, in the
function's own environment (the local runner on moto provisioned from template.yaml)."""

from __future__ import annotations

import json

import boto3
import pytest

from local.stack import LocalStack
from rackbeat_tripletex.models.domain import Settings, Streams
from rackbeat_tripletex.models.sync import parse_sync_task
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.webhooks.store import WebhookStore
from tests.support.events import queued_sync_tasks, sample_event

TENANT = "0123456789abcdef0123456789abcdef"


def _sync_customers(stack: LocalStack) -> None:
    """Deliveries for streams the tenant does not sync never queue (tests/integration/webhooks):
    the tenant here syncs customers both ways, so the samples' deliveries do."""
    assert stack.aws is not None
    table = boto3.resource("dynamodb").Table(stack.aws.outputs["StateTableName"])
    streams = Streams(customers_to_tripletex=True, customers_to_rackbeat=True)
    TenantStore(table).put_settings(TENANT, Settings(streams=streams, notification_email="drift@nordlys.no"))


def test_rackbeat_delivery_is_verified_and_enqueued(handler_stack: LocalStack) -> None:
    assert handler_stack.aws is not None
    assert handler_stack.runner is not None
    _sync_customers(handler_stack)
    event = sample_event("webhooks", "rackbeat_customer_created.json")
    refused = handler_stack.runner.invoke("WebhooksFunction", event)
    assert refused.ok, refused.error
    assert refused.payload["statusCode"] == 401  # no subscription stored for the tenant yet

    table = boto3.resource("dynamodb").Table(handler_stack.aws.outputs["StateTableName"])
    token = event["headers"]["Rackbeat-Webhook-Token"]
    WebhookStore(table).put_rackbeat(TENANT, "customer.created", 1, "https://example/hook", token)
    accepted = handler_stack.runner.invoke("WebhooksFunction", event)
    assert accepted.payload["statusCode"] == 202
    (body,) = queued_sync_tasks(handler_stack)
    task = parse_sync_task(body)
    assert (task.kind, task.tenant_id, task.trigger) == ("tenant", TENANT, "webhook")
    assert token not in body


def test_tripletex_delivery_needs_a_valid_signature(handler_stack: LocalStack) -> None:
    assert handler_stack.aws is not None
    assert handler_stack.runner is not None
    _sync_customers(handler_stack)
    event = sample_event("webhooks", "tripletex_customer_update.json")
    boto3.client("secretsmanager").create_secret(
        Name=f"{handler_stack.aws.outputs['TenantSecretPrefix']}{TENANT}/tripletex-webhook",
        SecretString=json.dumps({"hmac_shared_secret": "example-hmac-shared-secret"}),
    )
    accepted = handler_stack.runner.invoke("WebhooksFunction", event)
    assert accepted.payload["statusCode"] == 202, accepted.payload
    (body,) = queued_sync_tasks(handler_stack)
    assert (json.loads(body)["kind"], json.loads(body)["tenant_id"]) == ("tenant", TENANT)

    tampered = {**event, "body": event["body"].replace("Kunde AS", "Annen AS")}
    assert handler_stack.runner.invoke("WebhooksFunction", tampered).payload["statusCode"] == 401


@pytest.mark.parametrize("name", ["schedule_tick.json", "nightly_reconcile.json"])
def test_schedule_events_fan_out_over_active_tenants(handler_stack: LocalStack, name: str) -> None:
    assert handler_stack.runner is not None
    result = handler_stack.runner.invoke("OngoingSyncFunction", sample_event("ongoing_sync", name))
    assert result.ok, result.error
    assert result.payload == {"enqueued": 0}


def test_sync_queue_tasks_of_an_unknown_tenant_are_acknowledged(handler_stack: LocalStack) -> None:
    assert handler_stack.runner is not None
    result = handler_stack.runner.invoke(
        "OngoingSyncFunction", sample_event("ongoing_sync", "sync_queue_tasks.json")
    )
    assert result.ok, result.error
    assert result.payload == {"batchItemFailures": []}
