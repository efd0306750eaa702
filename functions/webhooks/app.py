"""webhooks: verify Rackbeat and Tripletex deliveries and enqueue an entity-level sync task.

The answer is fast (202) and carries nothing: the work happens on SyncQueue. Duplicates and
late deliveries are normal and harmless, because the worker fetches the record's current state
and writes through the entity links. A Rackbeat delivery is verified by its subscription's
``Rackbeat-Webhook-Token`` header or by the ``?secret=`` of the URL we registered (either one);
an unverifiable delivery gets the same 401 whether the tenant exists or not.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.webhooks import rackbeat, tripletex
from rackbeat_tripletex.webhooks.store import WebhookStore

logger = Logger()
app = APIGatewayRestResolver()
NO_TOKEN_METRIC = "RackbeatDeliveriesWithoutToken"  # noqa: S105 - a metric name

MAX_BODY = 64 * 1024
_TENANT_ID_LENGTH = 32


@cache
def store() -> WebhookStore:
    return WebhookStore(boto3.resource("dynamodb").Table(runtime_config().require("state_table_name")))


@cache
def sqs() -> Any:
    return boto3.client("sqs")


@cache
def secrets() -> Any:
    return boto3.client("secretsmanager")


def _plausible(tenant_id: str) -> bool:
    return len(tenant_id) == _TENANT_ID_LENGTH and all(c in "0123456789abcdef" for c in tenant_id)


def _reply(status: int, message: str) -> Response[str]:
    return Response(
        status_code=status, content_type="application/json", body=json.dumps({"message": message})
    )


def _enqueue(task: EntitySyncTask) -> Response[str]:
    sqs().send_message(
        QueueUrl=runtime_config().require("sync_queue_url"), MessageBody=task.model_dump_json()
    )
    logger.info(
        "webhook accepted",
        extra={"tenant_id": task.tenant_id, "source": task.source, "event": task.event, "key": task.key},
    )
    return _reply(202, "accepted")


def _header(name: str) -> str | None:
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    return headers.get(name.lower()) or None


@app.post("/webhooks/rackbeat/<tenant_id>")
def rackbeat_delivery(tenant_id: str) -> Response[str]:
    event = _header("Rackbeat-Webhook-Event")
    token = _header("Rackbeat-Webhook-Token")
    url_secret = app.current_event.get_query_string_value(rackbeat.SECRET_PARAMETER) or None
    verified = store().verify_rackbeat(tenant_id, event, token, url_secret) if _plausible(tenant_id) else None
    if verified is None:
        return _reply(401, "unverified delivery")
    if token is None:
        # Rackbeat documents the token header; no public consumer has been seen relying on it.
        # Counting its absence tells us which is true in production.
        logger.info("rackbeat delivery without token header", extra={"tenant_id": tenant_id, "event": event})
        with single_metric(name=NO_TOKEN_METRIC, unit=MetricUnit.Count, value=1):
            pass
    body = app.current_event.body or ""
    if len(body) > MAX_BODY:
        return _reply(413, "delivery too large")
    try:
        payload = json.loads(body or "{}")
    except ValueError:
        return _reply(400, "the delivery body is not JSON")
    task = rackbeat.task_for(tenant_id, event or "", payload if isinstance(payload, dict) else {})
    if task is None:
        # An event we do not sync: acknowledged so Rackbeat does not retry it for a day.
        return _reply(202, "ignored")
    return _enqueue(task)


def _tripletex_secret(tenant_id: str) -> str | None:
    prefix = runtime_config().require("tenant_secret_prefix")
    try:
        answer = secrets().get_secret_value(SecretId=f"{prefix}{tenant_id}/tripletex-webhook")
    except Exception:  # no subscription registered for this tenant: nothing can verify
        return None
    value = json.loads(answer["SecretString"]).get("hmac_shared_secret")
    return str(value) if value else None


@app.post("/webhooks/tripletex/<tenant_id>")
def tripletex_delivery(tenant_id: str) -> Response[str]:
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    raw = (app.current_event.body or "").encode()
    if len(raw) > MAX_BODY:
        return _reply(413, "delivery too large")
    secret = _tripletex_secret(tenant_id) if _plausible(tenant_id) else None
    valid = tripletex.verify(secret, headers.get("idempotency-key"), raw, headers.get("x-request-signature"))
    if not valid:
        return _reply(401, "unverified delivery")
    task = tripletex.task_for(tenant_id, raw)
    if task is None:
        return _reply(202, "ignored")
    return _enqueue(task)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
