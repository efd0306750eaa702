"""Delivery markers in the IdempotencyTable (pk ``id``, TTL ``expiration``, as Powertools lays it
out; these ids are prefixed so they can never meet a Powertools record):

  webhook-delivery#<source>#<tenant>#<sha256(idempotency key)>   one per delivery we accepted
  webhook-echo#<tenant>#<entity>#<sha256(key)>#<written at>   the delivery taken for our write's echo

A delivery's idempotency key is remembered for REPLAY_DAYS: the same key again (the vendor's
retry, or a captured delivery replayed) is dropped. A Tripletex signature covers no timestamp,
so this is what makes a replay worthless.

Deliveries for one tenant are coalesced by the tenant's due work (store/tenant_work.py), which
lives in the same table: a burst is one task at a time, whatever the records. Every write is
conditional: concurrent deliveries cannot both win a marker.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

REPLAY_DAYS = 7


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _lost(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == "ConditionalCheckFailedException")


class DeliveryMarkers:
    def __init__(self, table: Any, *, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._clock = clock

    def _now(self) -> int:
        return math.floor(self._clock())

    def first_delivery(self, source: str, tenant_id: str, idempotency_key: str) -> str | None:
        """The new marker's id when no delivery with this key was accepted before; None for a replay."""
        marker_id = f"webhook-delivery#{source}#{tenant_id}#{_digest(idempotency_key)}"
        now = self._now()
        try:
            self._table.put_item(
                Item={"id": marker_id, "expiration": now + REPLAY_DAYS * 86400},
                # TTL deletes late: an expired marker counts as gone.
                ConditionExpression="attribute_not_exists(id) OR expiration <= :now",
                ExpressionAttributeValues={":now": now},
            )
        except ClientError as error:
            if _lost(error):
                return None
            raise
        return marker_id

    def first_echo(self, tenant_id: str, entity: str, key: str, written_at: int, *, seconds: int) -> bool:
        """True for the first delivery after our write of ``written_at``: it is that write's
        echo. Any later one is someone else's change (Rackbeat sends one delivery per write)."""
        now = self._now()
        try:
            self._table.put_item(
                Item={
                    "id": f"webhook-echo#{tenant_id}#{entity}#{_digest(key)}#{written_at}",
                    "expiration": now + seconds,
                },
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if _lost(error):
                return False
            raise
        return True

    def forget(self, marker_id: str) -> None:
        """Undo a marker whose task could not be enqueued, so the vendor's retry is not dropped."""
        self._table.delete_item(Key={"id": marker_id})
