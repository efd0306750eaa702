"""One tenant's due sync work, and who holds it: at most one task per tenant at a time.

One item per tenant in the IdempotencyTable (short-lived coordination rows with a TTL; the
webhooks function may write there and nowhere else):

  id = sync-work#<tenant>   due (string set: stream names, ALL, FULL), held_until, expiration

Whoever has work for a tenant (a webhook delivery, the schedule's task) *adds* it to ``due``
and asks for the tenant; only when nobody holds the tenant does it become the holder and
start a task. The holder takes everything due, runs it, and lets go only when nothing new is
due (a conditional write), so work added while it ran is never stranded. A holder out of time
gives back what it did not finish and sends itself to the back of the queue.

What this buys:
* a storm of deliveries for one tenant is one task at a time, not one per record, and the
  tenant's API budget is spent by one worker (so it may spend all of it);
* every tenant has at most one message on SyncQueue (plus the schedule's), so a queue
  position is a turn, and a turn is at most one slice (``sync/work.py``): tenants take turns.

``held_until`` outlives SyncQueue's visibility timeout: a holder that crashed is taken over by
its own redelivered message, not by a second holder; a holder whose message was lost (the DLQ)
is given up after it, and the next delivery or schedule tick starts a new one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from rackbeat_tripletex.store.dynamo import CONDITION_FAILED

ALL = "ALL"  # every enabled stream, from its cursor (the schedule)
FULL = "FULL"  # every enabled stream, everything (the nightly reconcile)
# SyncQueue's visibility timeout is 360 s.
HOLD_SECONDS = 420
KEEP_SECONDS = 86400


def work_id(tenant_id: str) -> str:
    return f"sync-work#{tenant_id}"


def _lost(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == CONDITION_FAILED)


class TenantWork:
    def __init__(
        self, table: Any, *, hold_seconds: int = HOLD_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self._table = table
        self._hold = hold_seconds
        self._clock = clock

    def _now(self) -> int:
        return math.floor(self._clock())

    def request(self, tenant_id: str, due: Iterable[str]) -> bool:
        """Add ``due`` to the tenant's work. True when the caller now holds the tenant and must
        start its task; False when a holder will run it."""
        now = self._now()
        added = self._table.update_item(
            Key={"id": work_id(tenant_id)},
            UpdateExpression="ADD due :due SET expiration = :keep",
            ExpressionAttributeValues={":due": set(due), ":keep": now + KEEP_SECONDS},
            ReturnValues="ALL_NEW",
        )["Attributes"]
        held_until = added.get("held_until")
        if held_until is not None and int(held_until) > now:
            return False
        try:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="SET held_until = :until",
                ConditionExpression="attribute_not_exists(held_until) OR held_until <= :now",
                ExpressionAttributeValues={":until": now + self._hold, ":now": now},
            )
        except ClientError as error:
            if _lost(error):
                return False  # another caller became the holder a moment ago; it sees our work
            raise
        return True

    def take(self, tenant_id: str) -> set[str]:
        """The holder takes everything due (and renews its hold)."""
        now = self._now()
        answer = self._table.update_item(
            Key={"id": work_id(tenant_id)},
            UpdateExpression="REMOVE due SET held_until = :until, expiration = :keep",
            ExpressionAttributeValues={":until": now + self._hold, ":keep": now + KEEP_SECONDS},
            ReturnValues="UPDATED_OLD",
        )
        return {str(name) for name in (answer.get("Attributes") or {}).get("due") or ()}

    def give_back(self, tenant_id: str, due: Iterable[str]) -> None:
        """Work the holder did not finish, due again (its next turn takes it)."""
        names = set(due)
        if names:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="ADD due :due",
                ExpressionAttributeValues={":due": names},
            )

    def release(self, tenant_id: str) -> bool:
        """Let go of the tenant; False (still holding) when work arrived meanwhile."""
        try:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="REMOVE held_until",
                ConditionExpression="attribute_not_exists(due)",
            )
        except ClientError as error:
            if _lost(error):
                return False
            raise
        return True

    def abandon(self, tenant_id: str) -> None:
        """Let go whatever is due: the task that would have run it could not be enqueued, so
        the next delivery (or the vendor's retry, or the schedule) starts one."""
        self._table.update_item(Key={"id": work_id(tenant_id)}, UpdateExpression="REMOVE held_until")
