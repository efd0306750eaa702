"""Rackbeat webhooks: which events we subscribe to, registration on activation, and parsing.

Event names are configuration (reference: WebhookEventName), so they live here in one list.
Deliveries are only pointers (``{"key_name": "number", "key": "1021"}``): the worker fetches the
record through the API, so a late or repeated delivery always syncs the current state.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.sync.model import EntitySyncTask, SyncEntity
from rackbeat_tripletex.webhooks.store import WebhookStore

logger = logging.getLogger(__name__)

EVENTS: dict[str, SyncEntity] = {
    "customer.created": "customer",
    "customer.updated": "customer",
    "supplier.created": "supplier",
    "supplier.updated": "supplier",
    "product.created": "product",
    "product.updated": "product",
    # A booked invoice is the one that goes to the books; drafts are not synced.
    "customer_invoice.booked": "invoice",
}


def webhook_url(public_base_url: str, tenant_id: str) -> str:
    """Our delivery URL for a tenant. It contains the tenant id: offboarding recognises ours by it."""
    return f"{public_base_url.rstrip('/')}/webhooks/rackbeat/{tenant_id}"


def register(client: RackbeatClient, store: WebhookStore, tenant_id: str, public_base_url: str) -> int:
    """Subscribe the tenant's URL to every event we sync and keep each token's hash. Idempotent:
    re-registering replaces a subscription (and its token) rather than adding a second one."""
    url = webhook_url(public_base_url, tenant_id)
    for event in EVENTS:
        created = client.register_webhook(event, url)
        if created.token is None:
            raise RuntimeError("Rackbeat did not return a webhook token")
        store.put_rackbeat(tenant_id, event, created.id, url, created.token)
    logger.info("rackbeat webhooks registered", extra={"tenant_id": tenant_id, "events": len(EVENTS)})
    return len(EVENTS)


def task_for(tenant_id: str, event: str, body: Mapping[str, Any]) -> EntitySyncTask | None:
    entity = EVENTS.get(event)
    key = body.get("new_key") or body.get("key")
    if entity is None or key is None or str(key) == "":
        return None
    return EntitySyncTask(tenant_id=tenant_id, source="rackbeat", entity=entity, key=str(key), event=event)
