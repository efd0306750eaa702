"""What we need to verify a tenant's webhook deliveries, in the tenant's partition.

sk = WEBHOOK#rackbeat#<event>   webhook_id, url, token_hash

Rackbeat shows a subscription's token once, in the answer that created it. We keep only its
SHA-256: a delivery is verified by hashing the presented token and comparing in constant time,
so a leaked table row cannot be replayed as a token.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.store.tenants import tenant_pk

PREFIX = "WEBHOOK#rackbeat#"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WebhookStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put_rackbeat(self, tenant_id: str, event: str, webhook_id: int, url: str, token: str) -> None:
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": f"{PREFIX}{event}",
                "event": event,
                "webhook_id": webhook_id,
                "url": url,
                "token_hash": token_hash(token),
            }
        )

    def rackbeat_events(self, tenant_id: str) -> dict[str, str]:
        """event -> token hash of every subscription we registered for the tenant."""
        answer = self._table.query(
            KeyConditionExpression=Key("pk").eq(tenant_pk(tenant_id)) & Key("sk").begins_with(PREFIX),
            ConsistentRead=True,
        )
        return {str(item["event"]): str(item["token_hash"]) for item in answer.get("Items", [])}

    def verify_rackbeat(self, tenant_id: str, event: str | None, presented: str | None) -> bool:
        """True when ``presented`` is the token of the tenant's subscription for ``event``."""
        hashes = self.rackbeat_events(tenant_id)
        expected = hashes.get(event or "")
        # Hash and compare even when nothing is expected, so timing says nothing either way.
        presented_hash = token_hash(presented or "")
        return hmac.compare_digest(presented_hash, expected or "0" * 64) and expected is not None
