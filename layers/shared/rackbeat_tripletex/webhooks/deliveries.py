"""A webhook delivery, verified and turned into an entity-level sync task on SyncQueue.

A Rackbeat delivery proves it is the tenant's by its subscription's ``Rackbeat-Webhook-Token``
header or by the ``?secret=`` of the URL we registered (either one); a Tripletex delivery by its
HMAC signature over the idempotency key and the body. An unverifiable delivery gets the same
outcome whether the tenant exists or not. Duplicates and late deliveries are harmless: the
worker fetches the record's current state and writes through the entity links.

The outcome carries no HTTP: the webhooks function decides what each outcome answers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import boto3
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from pydantic import Field

from rackbeat_tripletex.config import RuntimeConfig
from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.webhooks import rackbeat, tripletex
from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets
from rackbeat_tripletex.webhooks.store import WebhookStore

MAX_BODY = 64 * 1024
NO_TOKEN_METRIC = "RackbeatDeliveriesWithoutToken"  # noqa: S105 - a metric name
_TENANT_ID_LENGTH = 32


class WebhooksSettings(RuntimeConfig):
    """What the webhooks function cannot run without."""

    state_table_name: str = Field(alias="STATE_TABLE_NAME", min_length=1)
    sync_queue_url: str = Field(alias="SYNC_QUEUE_URL", min_length=1)
    tenant_secret_prefix: str = Field(alias="TENANT_SECRET_PREFIX", min_length=1)


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # a sync task is on SyncQueue
    IGNORED = "ignored"  # genuine, but an event we do not sync
    UNVERIFIED = "unverified"
    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"


class Log(Protocol):
    def info(self, msg: str, *, extra: Mapping[str, Any]) -> None: ...


def plausible_tenant_id(tenant_id: str) -> bool:
    """Tenant ids are uuid4 hex: anything else cannot verify, so nothing is looked up for it."""
    return len(tenant_id) == _TENANT_ID_LENGTH and all(c in "0123456789abcdef" for c in tenant_id)


@dataclass
class Deliveries:
    store: WebhookStore
    secrets: TripletexWebhookSecrets
    sqs: Any
    queue_url: str
    log: Log = field(default_factory=lambda: logging.getLogger(__name__))

    @classmethod
    def build(cls, settings: WebhooksSettings, log: Log) -> Deliveries:
        return cls(
            store=WebhookStore(boto3.resource("dynamodb").Table(settings.state_table_name)),
            secrets=TripletexWebhookSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix),
            sqs=boto3.client("sqs"),
            queue_url=settings.sync_queue_url,
            log=log,
        )

    def rackbeat(
        self, tenant_id: str, *, event: str | None, token: str | None, url_secret: str | None, body: str
    ) -> Outcome:
        verified = (
            self.store.verify_rackbeat(tenant_id, event, token, url_secret)
            if plausible_tenant_id(tenant_id)
            else None
        )
        if verified is None:
            return Outcome.UNVERIFIED
        if token is None:
            # Rackbeat documents the token header; no public consumer has been seen relying on
            # it. Counting its absence tells us which is true in production.
            self.log.info(
                "rackbeat delivery without token header", extra={"tenant_id": tenant_id, "event": event}
            )
            with single_metric(name=NO_TOKEN_METRIC, unit=MetricUnit.Count, value=1):
                pass
        if len(body) > MAX_BODY:
            return Outcome.TOO_LARGE
        try:
            payload = json.loads(body or "{}")
        except ValueError:
            return Outcome.NOT_JSON
        task = rackbeat.task_for(tenant_id, event or "", payload if isinstance(payload, dict) else {})
        # An event we do not sync is still acknowledged, so Rackbeat does not retry it for a day.
        return Outcome.IGNORED if task is None else self._enqueue(task)

    def tripletex(
        self, tenant_id: str, *, idempotency_key: str | None, signature: str | None, body: bytes
    ) -> Outcome:
        if len(body) > MAX_BODY:
            return Outcome.TOO_LARGE
        secret = self._tripletex_secret(tenant_id) if plausible_tenant_id(tenant_id) else None
        if not tripletex.verify(secret, idempotency_key, body, signature):
            return Outcome.UNVERIFIED
        task = tripletex.task_for(tenant_id, body)
        return Outcome.IGNORED if task is None else self._enqueue(task)

    def _tripletex_secret(self, tenant_id: str) -> str | None:
        try:
            secret = self.secrets.get(tenant_id)
        except Exception:  # unreadable is unverifiable: the same 'no' as a tenant without one
            return None
        return secret.get_secret_value() if secret is not None else None

    def _enqueue(self, task: EntitySyncTask) -> Outcome:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=task.model_dump_json())
        self.log.info(
            "webhook accepted",
            extra={"tenant_id": task.tenant_id, "source": task.source, "event": task.event, "key": task.key},
        )
        return Outcome.ACCEPTED
