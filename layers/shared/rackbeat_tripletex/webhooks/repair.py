"""The nightly webhook repair: for every active tenant, re-create the Tripletex subscriptions
Tripletex disabled (it does after repeated failed deliveries, and nothing else re-enables them)
or that are missing, and re-register the Rackbeat webhooks that were registered but are gone
or inactive. Each stream that got one back says so in the tenant's run history (trigger
``reconcile``), so the tenant and the operator see that webhooks were down and are back.

It reuses registration: Tripletex subscriptions through ``tripletex.reconcile`` (which is
idempotent), Rackbeat webhooks through ``rackbeat.register`` (a fresh URL secret, every event
on its own). A tenant never registered (no delivery URL stored) is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import boto3
from pydantic import Field

from rackbeat_tripletex.clients.http import AuthError
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.config import RuntimeConfig
from rackbeat_tripletex.models.domain import Credentials, Streams, TenantStatus
from rackbeat_tripletex.models.sync import StreamName, SyncRun
from rackbeat_tripletex.store.runs import RunStore
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.webhooks import rackbeat, tripletex
from rackbeat_tripletex.webhooks.registration import REGISTRATION_RETRY, REQUEST_TIMEOUT_SECONDS
from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets
from rackbeat_tripletex.webhooks.store import WebhookStore

logger = logging.getLogger(__name__)

# Stop starting tenants when less than this is left of the invocation; the next night goes on.
RESERVE_SECONDS = 60.0


class RepairSettings(RuntimeConfig):
    """What the nightly repair cannot run without."""

    state_table_name: str = Field(alias="STATE_TABLE_NAME", min_length=1)
    tenant_secret_prefix: str = Field(alias="TENANT_SECRET_PREFIX", min_length=1)
    tripletex_base_url: str = Field(alias="TRIPLETEX_BASE_URL", min_length=1)
    rackbeat_base_url: str = Field(alias="RACKBEAT_BASE_URL", min_length=1)


@dataclass(frozen=True)
class TenantRepair:
    tenant_id: str
    rackbeat_events: tuple[str, ...] = ()  # registered again
    tripletex_events: tuple[str, ...] = ()  # subscribed again

    def streams(self) -> dict[StreamName, list[str]]:
        """What came back, per stream it feeds."""
        back: dict[StreamName, list[str]] = {}
        for event in self.rackbeat_events:
            back.setdefault(StreamName(f"{rackbeat.ENTITY_OF[event]}s_to_tripletex"), []).append(event)
        for event in self.tripletex_events:
            back.setdefault(StreamName(f"{tripletex.EVENTS[event]}s_to_rackbeat"), []).append(event)
        return back


@dataclass
class RepairReport:
    tenants: int = 0
    repaired: list[TenantRepair] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_reached: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "tenants": self.tenants,
            "rackbeat_webhooks_recreated": sum(len(r.rackbeat_events) for r in self.repaired),
            "tripletex_subscriptions_recreated": sum(len(r.tripletex_events) for r in self.repaired),
            "failed": len(self.failed),
            "not_reached": self.not_reached,
        }


def _base_url(stored_url: str, tenant_id: str) -> str:
    return stored_url.removesuffix(f"/webhooks/rackbeat/{tenant_id}")


def lost_rackbeat_events(client: RackbeatClient, store: WebhookStore, tenant_id: str) -> list[str]:
    """Events our registration got a webhook for that Rackbeat no longer has active."""
    live = {hook.id: hook for hook in readable(client.webhooks())}
    return [
        row.event
        for row in store.event_rows(tenant_id)
        if row.state == "registered"
        and row.webhook_id is not None
        and (row.webhook_id not in live or not live[row.webhook_id].is_active)
    ]


def lost_tripletex_events(
    client: TripletexClient, tenant_id: str, base_url: str, streams: Streams
) -> list[str]:
    """Wanted events without an ACTIVE subscription at our URL."""
    url = tripletex.webhook_url(base_url, tenant_id)
    active = {
        s.event for s in client.list_subscriptions() if s.target_url == url and s.status in (None, "ACTIVE")
    }
    return [event for event in tripletex.wanted_events(streams) if event not in active]


def repair_tenant(
    tenant_id: str,
    *,
    base_url: str,
    streams: Streams,
    rackbeat_client: RackbeatClient,
    tripletex_client: TripletexClient,
    store: WebhookStore,
    secrets: TripletexWebhookSecrets,
    now: dt.datetime,
) -> TenantRepair:
    lost_rackbeat = lost_rackbeat_events(rackbeat_client, store, tenant_id)
    back_rackbeat: list[str] = []
    if lost_rackbeat:
        registration = rackbeat.register(rackbeat_client, store, tenant_id, base_url, now=now)
        back_rackbeat = [event for event in lost_rackbeat if event in registration.registered]
    lost_tripletex = lost_tripletex_events(tripletex_client, tenant_id, base_url, streams)
    if lost_tripletex:
        secret = secrets.get_or_create(tenant_id)
        tripletex.reconcile(tripletex_client, tenant_id, base_url, streams, secret)
    back_tripletex = (
        [
            e
            for e in lost_tripletex
            if e not in lost_tripletex_events(tripletex_client, tenant_id, base_url, streams)
        ]
        if lost_tripletex
        else []
    )
    return TenantRepair(tenant_id, tuple(back_rackbeat), tuple(back_tripletex))


def record_runs(runs: RunStore, repair: TenantRepair, now: dt.datetime) -> None:
    run_id = uuid.uuid4().hex
    records = [
        SyncRun(
            tenant_id=repair.tenant_id,
            run_id=run_id,
            stream=stream,
            trigger="reconcile",
            started_at=now,
            finished_at=now,
            written=len(events),
            detail=(
                f"Nightly webhook repair: {', '.join(sorted(events))} re-created (it was disabled or "
                "missing); changes in between were picked up by the scheduled sync."
            ),
        )
        for stream, events in sorted(repair.streams().items())
    ]
    if records:
        runs.put_many(records)


def repair_all(
    settings: RepairSettings,
    *,
    time_left: Callable[[], float] = lambda: float("inf"),
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> RepairReport:
    table = boto3.resource("dynamodb").Table(settings.state_table_name)
    tenants, store, runs = TenantStore(table), WebhookStore(table), RunStore(table)
    credentials_of = TenantSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix)
    signing = TripletexWebhookSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix)
    report = RepairReport()
    for tenant in tenants.list_by_status(TenantStatus.ACTIVE):
        if time_left() < RESERVE_SECONDS:
            report.not_reached += 1
            continue
        report.tenants += 1
        stored_url = store.registered_url(tenant.tenant_id)
        saved = tenants.get_settings(tenant.tenant_id)
        credentials = credentials_of.get(tenant.tenant_id)
        if stored_url is None or saved is None or credentials is None:
            continue  # never registered: nothing to repair
        try:
            repair = _repair_one(
                settings, tenant.tenant_id, stored_url, saved.streams, credentials, store, signing, now()
            )
        except Exception as error:  # one tenant's vendor trouble never stops the others
            report.failed.append(tenant.tenant_id)
            logger.warning(
                "webhook repair failed; the next night tries again",
                extra={
                    "tenant_id": tenant.tenant_id,
                    "error": type(error).__name__,
                    "auth": isinstance(error, AuthError),
                },
            )
            continue
        if repair.rackbeat_events or repair.tripletex_events:
            record_runs(runs, repair, now())
            report.repaired.append(repair)
            logger.info(
                "webhooks re-created",
                extra={
                    "tenant_id": tenant.tenant_id,
                    "rackbeat": list(repair.rackbeat_events),
                    "tripletex": list(repair.tripletex_events),
                },
            )
    logger.info("nightly webhook repair done", extra=report.summary())
    return report


def _repair_one(
    settings: RepairSettings,
    tenant_id: str,
    stored_url: str,
    streams: Streams,
    credentials: Credentials,
    store: WebhookStore,
    signing: TripletexWebhookSecrets,
    now: dt.datetime,
) -> TenantRepair:
    pair = TripletexCredentials(
        consumer_token=credentials.tripletex_consumer_token,
        employee_token=credentials.tripletex_employee_token,
    )
    with (
        RackbeatClient(
            settings.rackbeat_base_url,
            credentials.rackbeat_api_token,
            retry=REGISTRATION_RETRY,
            timeout=REQUEST_TIMEOUT_SECONDS,
        ) as rackbeat_client,
        TripletexClient(settings.tripletex_base_url, pair) as tripletex_client,
    ):
        return repair_tenant(
            tenant_id,
            base_url=_base_url(stored_url, tenant_id),
            streams=streams,
            rackbeat_client=rackbeat_client,
            tripletex_client=tripletex_client,
            store=store,
            secrets=signing,
            now=now,
        )
