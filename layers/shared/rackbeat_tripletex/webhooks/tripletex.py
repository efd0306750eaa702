"""Tripletex event subscriptions: signature check and parsing.

Tripletex signs each delivery: ``x-request-signature = base64(HmacSHA512(idempotency-key + "&" +
body))`` with the subscription's ``hmacSharedSecret`` (specs/TRIPLETEX.md, Webhooks). Payload:
``{subscriptionId, event, id, value}``; ``value`` is null on delete.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from rackbeat_tripletex.sync.model import EntitySyncTask, SyncEntity

EVENTS: dict[str, SyncEntity] = {
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


def signature(secret: str, idempotency_key: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), idempotency_key.encode() + b"&" + body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def verify(secret: str | None, idempotency_key: str | None, body: bytes, presented: str | None) -> bool:
    if not secret or not idempotency_key or not presented:
        return False
    return hmac.compare_digest(signature(secret, idempotency_key, body), presented)


def task_for(tenant_id: str, body: bytes) -> EntitySyncTask | None:
    try:
        payload: Mapping[str, Any] = json.loads(body)
    except ValueError:
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
