"""A webhook delivery, verified and turned into an entity-level sync task on SyncQueue.

A Rackbeat delivery proves it is the tenant's by its subscription's ``Rackbeat-Webhook-Token``
header or by the ``?secret=`` of the URL we registered (either one); a Tripletex delivery by its
HMAC signature over the idempotency key and the body. An unverifiable delivery gets the same
outcome whether the tenant exists or not.

Only a verified delivery becomes work, and not every one: a Tripletex idempotency key seen
before (a retry or a replay) is dropped, a delivery for a stream the tenant switched off is
dropped, a delivery announcing our own write is dropped (webhooks/echo.py), and a deletion is
one entity task (mirrored as a deactivation). The rest mark their stream due for the tenant
(store/tenant_work.py); only a delivery that finds the tenant without a holder enqueues a task,
delayed by the coalescing window so a burst is read in one go. The task runs the due streams
from their cursors, so 5,000 deliveries for one tenant are a few list reads, not 5,000 tasks,
and a change is synced once whatever number of deliveries announced it.

The outcome carries no HTTP: the webhooks function decides what each outcome answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import boto3
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from pydantic import Field

from rackbeat_tripletex import bodies
from rackbeat_tripletex.config import RuntimeConfig
from rackbeat_tripletex.denials import well_formed_tenant_id
from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import EntitySyncTask, StreamName, TenantSyncTask
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.tenant_work import TenantWork
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.webhooks import rackbeat, tripletex
from rackbeat_tripletex.webhooks.echo import EchoFilter
from rackbeat_tripletex.webhooks.markers import DeliveryMarkers
from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets
from rackbeat_tripletex.webhooks.store import WebhookStore

MAX_BODY = 64 * 1024
NO_TOKEN_METRIC = "RackbeatDeliveriesWithoutToken"  # noqa: S105 - a metric name
ECHO_METRIC = "WebhookEchoesDropped"


class WebhooksSettings(RuntimeConfig):
    """What the webhooks function cannot run without."""

    state_table_name: str = Field(alias="STATE_TABLE_NAME", min_length=1)
    sync_queue_url: str = Field(alias="SYNC_QUEUE_URL", min_length=1)
    tenant_secret_prefix: str = Field(alias="TENANT_SECRET_PREFIX", min_length=1)
    idempotency_table_name: str = Field(alias="IDEMPOTENCY_TABLE_NAME", min_length=1)
    webhook_coalesce_seconds: int = Field(alias="WEBHOOK_COALESCE_SECONDS", ge=0, le=900)


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # its stream is due for the tenant (a task is on SyncQueue, or a holder runs it)
    IGNORED = "ignored"  # genuine, but an event we do not sync
    DISABLED = "disabled"  # genuine, but the tenant does not sync this stream (or no stream yet)
    DUPLICATE = "duplicate"  # genuine, but already accepted, or the echo of our own write
    UNVERIFIED = "unverified"
    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"


class Log(Protocol):
    def info(self, msg: str, *, extra: Mapping[str, Any]) -> None: ...


# How long a container trusts a tenant's stream choices it read. A storm's deliveries then read
# the settings once per container, not once each (a DynamoDB read saved per delivery). Only a
# "yes" is taken from memory: a stream switched off may still mark work due for this long (its
# turn skips it: the engine reads the settings), one switched on is seen by the next delivery.
STREAMS_FRESH_SECONDS = 30.0


class RecentlyRead[K, V]:
    """A read remembered for ``fresh_seconds`` per key (a container's own, thread-safe enough:
    two concurrent misses both read, and either answer is current)."""

    def __init__(
        self, read: Callable[[K], V], fresh_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._read = read
        self._fresh = fresh_seconds
        self._clock = clock
        self._seen: dict[K, tuple[float, V]] = {}

    def __call__(self, key: K) -> V:
        seen = self._seen.get(key)
        if seen is not None and self._clock() - seen[0] < self._fresh:
            return seen[1]
        return self.read_now(key)

    def read_now(self, key: K) -> V:
        value = self._read(key)
        self._seen[key] = (self._clock(), value)
        return value


def stream_of(task: EntitySyncTask) -> StreamName:
    """The stream a delivery feeds: a change in Rackbeat goes to Tripletex and the reverse."""
    target = "tripletex" if task.source == "rackbeat" else "rackbeat"
    return StreamName(f"{task.entity}s_to_{target}")


@dataclass
class Deliveries:
    store: WebhookStore
    secrets: TripletexWebhookSecrets
    sqs: Any
    queue_url: str
    markers: DeliveryMarkers
    echoes: EchoFilter
    work: TenantWork
    # Seconds the first task of a burst waits, so the deliveries right behind it share its read.
    coalesce_seconds: int
    # The tenant's streams as its settings say; None before the settings are saved.
    streams: Callable[[str], Streams | None]
    log: Log = field(default_factory=lambda: logging.getLogger(__name__))

    @classmethod
    def build(cls, settings: WebhooksSettings, log: Log) -> Deliveries:
        dynamodb = boto3.resource("dynamodb")
        state = dynamodb.Table(settings.state_table_name)
        tenants = TenantStore(state)
        coordination = dynamodb.Table(settings.idempotency_table_name)
        markers = DeliveryMarkers(coordination)

        def read_streams(tenant_id: str) -> Streams | None:
            saved = tenants.get_settings(tenant_id)
            return saved.streams if saved is not None else None

        return cls(
            store=WebhookStore(state),
            secrets=TripletexWebhookSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix),
            sqs=boto3.client("sqs"),
            queue_url=settings.sync_queue_url,
            markers=markers,
            echoes=EchoFilter(LinkStore(state), markers),
            streams=RecentlyRead(read_streams, STREAMS_FRESH_SECONDS),
            work=TenantWork(coordination),
            coalesce_seconds=settings.webhook_coalesce_seconds,
            log=log,
        )

    def rackbeat(
        self, tenant_id: str, *, event: str | None, token: str | None, url_secret: str | None, body: str
    ) -> Outcome:
        verified = (
            self.store.verify_rackbeat(tenant_id, event, token, url_secret)
            if well_formed_tenant_id(tenant_id)
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
            payload = bodies.parse(body or "{}")
        except bodies.UnreadableBody:
            return Outcome.NOT_JSON
        task = rackbeat.task_for(tenant_id, event or "", payload if isinstance(payload, dict) else {})
        # An event we do not sync is still acknowledged, so Rackbeat does not retry it for a day.
        return Outcome.IGNORED if task is None else self._enqueue(task)

    def tripletex(
        self, tenant_id: str, *, idempotency_key: str | None, signature: str | None, body: bytes
    ) -> Outcome:
        if len(body) > MAX_BODY:
            return Outcome.TOO_LARGE
        secret = self._tripletex_secret(tenant_id) if well_formed_tenant_id(tenant_id) else None
        if not tripletex.verify(secret, idempotency_key, body, signature) or idempotency_key is None:
            return Outcome.UNVERIFIED
        # After verification: only a genuine delivery may take a key.
        delivery = self.markers.first_delivery("tripletex", tenant_id, idempotency_key)
        if delivery is None:
            self.log.info("webhook replay dropped", extra={"tenant_id": tenant_id, "source": "tripletex"})
            return Outcome.DUPLICATE
        task = tripletex.task_for(tenant_id, body)
        try:
            return Outcome.IGNORED if task is None else self._enqueue(task, tripletex.delivered_version(body))
        except Exception:
            self.markers.forget(delivery)  # so Tripletex's retry of this delivery is not a replay
            raise

    def _tripletex_secret(self, tenant_id: str) -> str | None:
        try:
            secret = self.secrets.get(tenant_id)
        except Exception:  # unreadable is unverifiable: the same 'no' as a tenant without one
            return None
        return secret.get_secret_value() if secret is not None else None

    def _syncs(self, tenant_id: str, stream: StreamName) -> bool:
        streams = self.streams(tenant_id)
        if streams is not None and getattr(streams, stream.value):
            return True
        if isinstance(self.streams, RecentlyRead):
            # A "no" is never taken from memory: a stream switched on a moment ago gets its deliveries.
            streams = self.streams.read_now(tenant_id)
            return streams is not None and bool(getattr(streams, stream.value))
        return False

    def _enqueue(self, task: EntitySyncTask, version: int | None = None) -> Outcome:
        about = {"tenant_id": task.tenant_id, "source": task.source, "event": task.event, "key": task.key}
        stream = stream_of(task)
        if not self._syncs(task.tenant_id, stream):
            self.log.info("webhook for a stream not synced dropped", extra=about)
            return Outcome.DISABLED
        if task.deleted and task.event.endswith((".delete", ".deleted")):
            # A stream reads what changed and never sees a record that is gone: a deletion is
            # its own entity task, mirrored as a deactivation (sync/deactivation.py, which
            # confirms it first and makes a redelivery harmless). Deletions are rare: no burst
            # to coalesce. (An update whose ``value`` is missing is still a change: its stream
            # reads what it is now.)
            self.sqs.send_message(
                QueueUrl=self.queue_url,
                MessageBody=task.model_dump_json(),
                DelaySeconds=0,
                MessageGroupId=task.tenant_id,
            )
            self.log.info("webhook for a deletion enqueued", extra=about)
            return Outcome.ACCEPTED
        if self.echoes.is_echo(task, version):
            self.log.info("webhook echo of our own write dropped", extra={**about, "version": version})
            with single_metric(name=ECHO_METRIC, unit=MetricUnit.Count, value=1):
                pass
            return Outcome.DUPLICATE
        holder = self.work.request(task.tenant_id, {stream.value})
        if holder is None:
            self.log.info("webhook joins the tenant's due work", extra=about)
            return Outcome.ACCEPTED
        held = TenantSyncTask(tenant_id=task.tenant_id, trigger="webhook", held=True, holder=holder)
        try:
            self.sqs.send_message(
                QueueUrl=self.queue_url,
                MessageBody=held.model_dump_json(),
                DelaySeconds=self.coalesce_seconds,
                MessageGroupId=task.tenant_id,
            )
        except Exception:
            self.work.abandon(
                task.tenant_id, holder
            )  # so the vendor's retry, or the next delivery, starts one
            raise
        self.log.info(
            "webhook started the tenant's turn", extra={**about, "delay_seconds": self.coalesce_seconds}
        )
        return Outcome.ACCEPTED
