"""Registers a tenant's webhooks when the tenant is activated or saves settings (called by
onboarding), and forgets the Tripletex signing secret when the tenant is offboarded.

Rackbeat webhooks are registered event by event (webhooks/rackbeat.py); what Rackbeat refused
is logged and counted in the metric RackbeatWebhooksRefused. Tripletex event subscriptions
follow the enabled Tripletex -> Rackbeat streams. Registration never raises: the scheduled sync
is the backstop, and saving settings must not fail because a vendor had a bad minute.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import boto3
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from pydantic import SecretStr

from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Credentials, Streams
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.webhooks import rackbeat, tripletex
from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets
from rackbeat_tripletex.webhooks.store import WebhookStore

logger = logging.getLogger(__name__)

REFUSED_METRIC = "RackbeatWebhooksRefused"
# Registration runs inside a settings save, which API Gateway cuts off at 29 s, and the Tripletex
# subscriptions and an email follow it: a transient error is retried once, and events not tried
# when the budget is spent are recorded as failed (saving again retries them).
REGISTRATION_RETRY = RetryPolicy(max_attempts=2, base_delay=0.2, max_delay=1.0, max_rate_limit_wait=2.0)
REQUEST_TIMEOUT_SECONDS = 5.0
RACKBEAT_BUDGET_SECONDS = 12.0


def register_webhooks(tenant_id: str, credentials: Credentials, public_base_url: str) -> int:
    """Both systems' subscriptions for the tenant; returns how many are in place."""
    return register_rackbeat_webhooks(
        tenant_id, credentials, public_base_url
    ) + register_tripletex_subscriptions(tenant_id, credentials, public_base_url)


def register_rackbeat_webhooks(tenant_id: str, credentials: Credentials, public_base_url: str) -> int:
    """Subscribe the tenant's webhook URL event by event; returns how many events are registered.
    A failure is logged, never raised."""
    config = runtime_config()
    try:
        store = WebhookStore(boto3.resource("dynamodb").Table(config.require("state_table_name")))
        token = SecretStr(credentials.rackbeat_api_token.get_secret_value())
        deadline = time.monotonic() + RACKBEAT_BUDGET_SECONDS
        with RackbeatClient(
            config.rackbeat_base_url, token, retry=REGISTRATION_RETRY, timeout=REQUEST_TIMEOUT_SECONDS
        ) as client:
            registration = rackbeat.register(
                client,
                store,
                tenant_id,
                public_base_url,
                now=datetime.now(UTC),
                time_left=lambda: deadline - time.monotonic(),
            )
    except Exception as error:
        logger.warning(
            "rackbeat webhooks not registered; the scheduled sync still runs",
            extra={"tenant_id": tenant_id, "error": type(error).__name__},
        )
        return 0
    report_registration(registration)
    return len(registration.registered)


def report_registration(registration: rackbeat.Registration) -> None:
    """The operator's view: one structured line per registration, and a metric when fewer than
    all wanted events were registered (alarmable without reading logs)."""
    missing = registration.missing
    extra = {
        "tenant_id": registration.tenant_id,
        "registered": registration.registered,
        "not_registered": {o.event.name: {"state": o.state, "reason": o.reason} for o in missing},
    }
    if not missing:
        logger.info("rackbeat webhooks registered", extra=extra)
        return
    logger.warning("rackbeat webhooks partly registered; the scheduled sync covers the rest", extra=extra)
    # Flushed at once (EMF on stdout): onboarding has no metrics decorator to flush it later.
    with single_metric(name=REFUSED_METRIC, unit=MetricUnit.Count, value=len(missing)):
        pass


def _webhook_secrets() -> TripletexWebhookSecrets:
    prefix = runtime_config().require("tenant_secret_prefix")
    return TripletexWebhookSecrets(boto3.client("secretsmanager"), prefix)


def register_tripletex_subscriptions(tenant_id: str, credentials: Credentials, public_base_url: str) -> int:
    """Subscriptions for the enabled Tripletex -> Rackbeat streams, signed with the tenant's
    secret; those of streams switched off are removed. A failure is logged, never raised."""
    config = runtime_config()
    try:
        settings = TenantStore.from_config().get_settings(tenant_id)
        streams = settings.streams if settings is not None else Streams()
        secrets = _webhook_secrets()
        # No secret is made for a tenant that subscribes to nothing.
        secret = secrets.get_or_create(tenant_id) if tripletex.wanted_events(streams) else None
        pair = TripletexCredentials(
            consumer_token=credentials.tripletex_consumer_token,
            employee_token=credentials.tripletex_employee_token,
        )
        with TripletexClient(config.tripletex_base_url, pair) as client:
            return tripletex.reconcile(client, tenant_id, public_base_url, streams, secret).active
    except Exception as error:
        logger.warning(
            "tripletex event subscriptions not registered; the scheduled sync still runs",
            extra={"tenant_id": tenant_id, "error": type(error).__name__},
        )
        return 0


def forget_tripletex_webhook_secret(tenant_id: str) -> bool:
    """Offboarding: delete the signing secret (the subscriptions are deleted with the tenant's
    other webhooks). True when there was one."""
    removed = _webhook_secrets().delete(tenant_id)
    logger.info("tripletex webhook secret deleted", extra={"tenant_id": tenant_id, "existed": removed})
    return removed
