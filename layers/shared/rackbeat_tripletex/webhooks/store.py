"""What we need to verify a tenant's Rackbeat deliveries, and what its registration achieved,
in the tenant's partition (offboarding deletes the partition, and with it all of this).

sk = WEBHOOK#rackbeat                 url_secret_hash, rotated_at
sk = WEBHOOK#rackbeat#<event>         state, webhook_id, url, token_hash, reason, evidence, at

Secrets are kept only as SHA-256 digests: Rackbeat shows a subscription's token once, in the
answer that created it, and the URL secret is ours, made at registration. A delivery is verified
by hashing what it presents and comparing in constant time, so a leaked row replays nothing.
Both digests are of 32+ random bytes, so a fast hash is enough (nothing to brute-force).
The stored ``url`` is the delivery URL without its secret.

One Query reads every row: the webhooks function may only Query (template.yaml).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.store.tenants import tenant_pk

SECRET_SK = "WEBHOOK#rackbeat"  # noqa: S105 - a sort key
PREFIX = f"{SECRET_SK}#"
_NO_MATCH = "0" * 64

EventState = Literal["registered", "refused", "failed"]
Verified = Literal["token", "url_secret"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _matches(presented: str | None, expected: str | None) -> bool:
    # Hash and compare even when nothing is expected, so timing says nothing either way.
    presented_hash = token_hash(presented or "")
    return hmac.compare_digest(presented_hash, expected or _NO_MATCH) and bool(expected) and bool(presented)


@dataclass(frozen=True)
class EventRow:
    """One wanted event as the last registration left it."""

    event: str
    state: EventState
    evidence: str
    at: str
    webhook_id: int | None = None
    reason: str | None = None


class WebhookStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    # ----- writes (registration) -------------------------------------------------------------
    def put_url_secret(self, tenant_id: str, secret: str, rotated_at: datetime) -> None:
        """The tenant's URL secret, replacing the previous one: its deliveries stop verifying."""
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": SECRET_SK,
                "url_secret_hash": token_hash(secret),
                "rotated_at": rotated_at.isoformat(),
            }
        )

    def put_rackbeat(
        self,
        tenant_id: str,
        event: str,
        webhook_id: int,
        url: str,
        token: str,
        *,
        evidence: str = "",
        at: str = "",
    ) -> None:
        """A subscription Rackbeat created; ``url`` must not carry the URL secret."""
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": f"{PREFIX}{event}",
                "event": event,
                "state": "registered",
                "webhook_id": webhook_id,
                "url": url,
                "token_hash": token_hash(token),
                "evidence": evidence,
                "at": at,
            }
        )

    def put_unregistered(
        self, tenant_id: str, event: str, state: EventState, reason: str, *, evidence: str, at: str
    ) -> None:
        """An event Rackbeat refused or we could not register; any old token hash goes with it."""
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": f"{PREFIX}{event}",
                "event": event,
                "state": state,
                "reason": reason,
                "evidence": evidence,
                "at": at,
            }
        )

    def forget_events(self, tenant_id: str, events: set[str]) -> None:
        """Rows of events we no longer want (a list that shrank between releases)."""
        for event in events:
            self._table.delete_item(Key={"pk": tenant_pk(tenant_id), "sk": f"{PREFIX}{event}"})

    # ----- reads ---------------------------------------------------------------------------
    def _rows(self, tenant_id: str) -> list[dict[str, Any]]:
        answer = self._table.query(
            KeyConditionExpression=Key("pk").eq(tenant_pk(tenant_id)) & Key("sk").begins_with(SECRET_SK),
            ConsistentRead=True,
        )
        return list(answer.get("Items", []))

    def event_rows(self, tenant_id: str) -> list[EventRow]:
        rows = []
        for item in self._rows(tenant_id):
            if not item["sk"].startswith(PREFIX):
                continue
            webhook_id = item.get("webhook_id")
            rows.append(
                EventRow(
                    event=str(item["event"]),
                    state=item.get("state") or "registered",
                    evidence=str(item.get("evidence") or ""),
                    at=str(item.get("at") or ""),
                    webhook_id=int(webhook_id) if webhook_id is not None else None,
                    reason=str(item["reason"]) if item.get("reason") else None,
                )
            )
        return rows

    def registered_url(self, tenant_id: str) -> str | None:
        """The delivery URL (without its secret) the last registration gave Rackbeat."""
        for item in self._rows(tenant_id):
            if item["sk"].startswith(PREFIX) and item.get("url"):
                return str(item["url"])
        return None

    def secret_rotated_at(self, tenant_id: str) -> str | None:
        for item in self._rows(tenant_id):
            if item["sk"] == SECRET_SK:
                return str(item.get("rotated_at") or "") or None
        return None

    # ----- verification (deliveries) -----------------------------------------------------------
    def verify_rackbeat(
        self, tenant_id: str, event: str | None, token: str | None, url_secret: str | None = None
    ) -> Verified | None:
        """How a delivery proved it is the tenant's: the subscription token Rackbeat sent in
        ``Rackbeat-Webhook-Token`` for ``event``, or the URL secret of the current registration.
        None when neither matches. Both comparisons always run (constant work either way)."""
        token_hashes: dict[str, str] = {}
        secret_hash: str | None = None
        for item in self._rows(tenant_id):
            if item["sk"] == SECRET_SK:
                secret_hash = str(item.get("url_secret_hash") or "") or None
            elif item.get("token_hash"):
                token_hashes[str(item["event"])] = str(item["token_hash"])
        by_token = _matches(token, token_hashes.get(event or ""))
        by_secret = _matches(url_secret, secret_hash)
        if by_token:
            return "token"
        if by_secret:
            return "url_secret"
        return None
