"""The sample events in events/webhooks fed to the webhooks function in its own environment (the
local runner on moto provisioned from template.yaml): a header-less delivery verified by the URL
secret alone, and what a rotation does to it."""

from __future__ import annotations

import datetime as dt

import boto3

from local.stack import LocalStack
from rackbeat_tripletex.models.domain import Settings, Streams
from rackbeat_tripletex.models.sync import parse_sync_task
from rackbeat_tripletex.store.tenant_work import work_id
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.webhooks.store import WebhookStore
from tests.support.events import queued_sync_tasks, sample_event

TENANT = "0123456789abcdef0123456789abcdef"
NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def test_a_delivery_without_token_header_is_verified_by_the_url_secret(handler_stack: LocalStack) -> None:
    assert handler_stack.aws is not None
    assert handler_stack.runner is not None
    event = sample_event("webhooks", "rackbeat_product_updated_url_secret.json")
    secret = event["queryStringParameters"]["secret"]
    assert not {k.lower() for k in event["headers"]} & {"rackbeat-webhook-token"}
    status = handler_stack.runner.invoke("WebhooksFunction", event)
    assert status.payload["statusCode"] == 401  # no registration stored for the tenant yet

    table = boto3.resource("dynamodb").Table(handler_stack.aws.outputs["StateTableName"])
    store = WebhookStore(table)
    store.put_url_secret(TENANT, secret, NOW)
    # Verified, but the tenant has no settings yet (so no stream runs): acknowledged, not queued.
    dropped = handler_stack.runner.invoke("WebhooksFunction", event)
    assert dropped.payload["statusCode"] == 202, dropped.payload
    assert queued_sync_tasks(handler_stack) == []
    streams = Streams(products_to_tripletex=True)
    TenantStore(table).put_settings(TENANT, Settings(streams=streams, notification_email="drift@nordlys.no"))
    accepted = handler_stack.runner.invoke("WebhooksFunction", event)
    assert accepted.payload["statusCode"] == 202, accepted.payload
    (body,) = queued_sync_tasks(handler_stack)
    task = parse_sync_task(body)
    # The tenant's turn; the delivery made its stream due (the turn reads P-1001 from there).
    assert (task.kind, task.tenant_id, task.trigger) == ("tenant", TENANT, "webhook")
    work = boto3.resource("dynamodb").Table(handler_stack.aws.outputs["IdempotencyTableName"])
    assert work.get_item(Key={"id": work_id(TENANT)})["Item"]["due"] == {"products_to_tripletex"}
    assert secret not in body

    # Another tenant's path with this secret, and this secret after a rotation: refused.
    other = {
        **event,
        "path": event["path"].replace(TENANT, "f" * 32),
        "pathParameters": {"tenant_id": "f" * 32},
    }
    assert handler_stack.runner.invoke("WebhooksFunction", other).payload["statusCode"] == 401
    store.put_url_secret(TENANT, "a-newer-secret-from-the-next-registration-xx", NOW)
    assert handler_stack.runner.invoke("WebhooksFunction", event).payload["statusCode"] == 401
