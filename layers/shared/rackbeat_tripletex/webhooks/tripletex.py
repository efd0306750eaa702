"""Tripletex event subscriptions: which ones a tenant needs, their registration, the signature
check and parsing.

Tripletex signs each delivery: ``x-request-signature = base64(HmacSHA512(idempotency-key + "&" +
body))`` with the subscription's ``hmacSharedSecret`` (specs/TRIPLETEX.md, Webhooks). Payload:
``{subscriptionId, event, id, value}``; ``value`` is null on delete. The idempotency key comes in
the ``idempotency-key`` header (the spec's own words: ``header('idempotency-key')``).

Subscriptions exist only for the enabled Tripletex -> Rackbeat streams. Ours are recognised by
their target URL, which ends in ``/webhooks/tripletex/<tenant_id>``: the tenant's own
subscriptions (other integrations) are never touched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rackbeat_tripletex import bodies
from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import Entity, EntitySyncTask, StreamName
from rackbeat_tripletex.webhooks.secret import WebhookSecret

if TYPE_CHECKING:  # the webhooks function verifies deliveries and loads no HTTP client
    from rackbeat_tripletex.clients.tripletex import TripletexClient
    from rackbeat_tripletex.models.tripletex import EventSubscription

logger = logging.getLogger(__name__)

EVENTS: dict[str, Entity] = {
    "customer.create": "customer",
    "customer.update": "customer",
    "customer.delete": "customer",
    "supplier.create": "supplier",
    "supplier.update": "supplier",
    "supplier.delete": "supplier",
    "product.create": "product",
    "product.update": "product",
    "product.delete": "product",
}


STREAM_EVENTS: dict[StreamName, tuple[str, ...]] = {
    stream: tuple(f"{stream.entity}.{verb}" for verb in ("create", "update", "delete"))
    for stream in StreamName
    # A stream whose entity has no Tripletex events (payment status) runs on the schedule alone.
    if stream.source == "tripletex" and f"{stream.entity}.create" in EVENTS
}
# The worker reads the record itself, so the delivery needs to carry no more than this.
DELIVERED_FIELDS = "id,version"


def webhook_url(public_base_url: str, tenant_id: str) -> str:
    return f"{public_base_url.rstrip('/')}/webhooks/tripletex/{tenant_id}"


def _is_ours(subscription: EventSubscription, tenant_id: str) -> bool:
    return subscription.target_url.rstrip("/").endswith(f"/webhooks/tripletex/{tenant_id}")


def wanted_events(streams: Streams) -> list[str]:
    return [
        event
        for stream, events in STREAM_EVENTS.items()
        if getattr(streams, stream.value)
        for event in events
    ]


@dataclass(frozen=True)
class SubscriptionChanges:
    created: int = 0
    updated: int = 0
    removed: int = 0
    active: int = 0


def reconcile(
    client: TripletexClient,
    tenant_id: str,
    public_base_url: str,
    streams: Streams,
    secret: WebhookSecret | None,
) -> SubscriptionChanges:
    """Make the tenant's subscriptions exactly one ACTIVE one per wanted event at our current URL.

    Idempotent: a second call changes nothing. A subscription of a stream switched off, at an old
    URL, disabled by Tripletex, or a duplicate (two saves at once) is deleted; a missing one is
    created. When ``secret`` was just made, the subscriptions kept are given it.
    """
    url = webhook_url(public_base_url, tenant_id)
    wanted = wanted_events(streams)
    if wanted and secret is None:
        raise ValueError("subscriptions need the tenant's HMAC secret")
    kept: dict[str, EventSubscription] = {}
    removed = 0
    for subscription in client.list_subscriptions():
        if not _is_ours(subscription, tenant_id) or subscription.id is None:
            continue
        usable = (
            subscription.event in wanted
            and subscription.target_url == url
            and subscription.status in (None, "ACTIVE")
            and subscription.event not in kept
        )
        if usable:
            kept[subscription.event] = subscription
        else:
            client.delete_subscription(subscription.id)
            removed += 1
    from rackbeat_tripletex.models.tripletex import EventSubscription

    created = updated = 0
    for event in wanted:
        assert secret is not None  # checked above; narrows the type
        existing = kept.get(event)
        if existing is None:
            client.create_subscription(
                EventSubscription(
                    event=event, target_url=url, fields=DELIVERED_FIELDS, hmac_shared_secret=secret.value
                )
            )
            created += 1
        elif secret.created:
            client.update_subscription(existing.model_copy(update={"hmac_shared_secret": secret.value}))
            updated += 1
    changes = SubscriptionChanges(created=created, updated=updated, removed=removed, active=len(wanted))
    logger.info(
        "tripletex subscriptions reconciled",
        extra={"tenant_id": tenant_id, "subscribed": created, "resigned": updated, "unsubscribed": removed},
    )
    return changes


def signature(secret: str, idempotency_key: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), idempotency_key.encode() + b"&" + body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def verify(secret: str | None, idempotency_key: str | None, body: bytes, presented: str | None) -> bool:
    if not secret or not idempotency_key or not presented:
        return False
    return hmac.compare_digest(signature(secret, idempotency_key, body), presented)


def task_for(tenant_id: str, body: bytes) -> EntitySyncTask | None:
    try:
        payload = bodies.parse(body.decode("utf-8"))
    except (bodies.UnreadableBody, UnicodeDecodeError):
        return None
    if not isinstance(payload, Mapping):
        return None
    event = str(payload.get("event") or "")
    entity = EVENTS.get(event)
    record_id = payload.get("id")
    if entity is None or not isinstance(record_id, int):
        return None
    return EntitySyncTask(
        tenant_id=tenant_id,
        source="tripletex",
        entity=entity,
        key=str(record_id),
        event=event,
        deleted=event.endswith(".delete") or payload.get("value") is None,
    )
