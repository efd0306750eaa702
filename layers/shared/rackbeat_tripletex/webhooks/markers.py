"""Delivery markers in the IdempotencyTable (pk ``id``, TTL ``expiration``, as Powertools lays it
out; these ids are prefixed so they can never meet a Powertools record):

  webhook-delivery#<source>#<tenant>#<sha256(idempotency key)>   one per delivery we accepted
  webhook-coalesce#<tenant>#<source>#<entity>[#deleted]#<sha256(key)>   one per record and window

A delivery's idempotency key is remembered for REPLAY_DAYS: the same key again (the vendor's
retry, or a captured delivery replayed) is dropped. A Tripletex signature covers no timestamp,
so this is what makes a replay worthless.

Coalescing: the first delivery for a record opens a window of ``window`` seconds and is enqueued
at once (the leading task); the next one inside the window claims the window's trailing task,
enqueued with a delay up to the window's end; every later one inside the window is dropped.
Tasks fetch the record's current state when they run, so the trailing task, which runs after
every change the window saw, covers them all; a change after the window opens a new one.
Every write is conditional: concurrent deliveries cannot both win a slot.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

REPLAY_DAYS = 7
# SQS delays a message by at most 15 minutes.
MAX_DELAY_SECONDS = 900


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _lost(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == "ConditionalCheckFailedException")


@dataclass(frozen=True)
class Slot:
    """A task to enqueue: ``delay_seconds`` 0 for a window's leading task."""

    marker_id: str
    delay_seconds: int


class DeliveryMarkers:
    def __init__(self, table: Any, *, window_seconds: int, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._window = max(1, min(int(window_seconds), MAX_DELAY_SECONDS))
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

    def slot(self, tenant_id: str, source: str, entity: str, key: str) -> Slot | None:
        """The task this delivery may enqueue, or None when the window's tasks already cover it."""
        marker_id = f"webhook-coalesce#{tenant_id}#{source}#{entity}#{_digest(key)}"
        # Twice: a window that closed between the two writes is opened again; a window whose
        # trailing task is taken fails both times.
        for _ in range(2):
            now = self._now()
            try:
                self._table.put_item(
                    Item={"id": marker_id, "expiration": now + self._window, "trailing": False},
                    ConditionExpression="attribute_not_exists(id) OR expiration <= :now",
                    ExpressionAttributeValues={":now": now},
                )
                return Slot(marker_id, 0)
            except ClientError as error:
                if not _lost(error):
                    raise
            try:
                answer = self._table.update_item(
                    Key={"id": marker_id},
                    UpdateExpression="SET #trailing = :yes",
                    ConditionExpression="#trailing = :no AND expiration > :now",
                    # TRAILING is a DynamoDB reserved word.
                    ExpressionAttributeNames={"#trailing": "trailing"},
                    ExpressionAttributeValues={":yes": True, ":no": False, ":now": now},
                    ReturnValues="ALL_NEW",
                )
            except ClientError as error:
                if not _lost(error):
                    raise
                continue  # the trailing task is taken, or the window just closed: look again
            closes = int(answer["Attributes"]["expiration"])
            return Slot(marker_id, max(0, min(closes - now, MAX_DELAY_SECONDS)))
        return None

    def forget(self, marker_id: str) -> None:
        """Undo a marker whose task could not be enqueued, so the vendor's retry is not dropped."""
        self._table.delete_item(Key={"id": marker_id})
