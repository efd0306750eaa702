"""One tenant's due sync work, and who holds it: at most one task per tenant at a time.

One item per tenant in the IdempotencyTable (short-lived coordination rows with a TTL; the
webhooks function may write there and nowhere else):

  id = sync-work#<tenant>   due (string set: stream names, ALL, FULL), holder, held_until, expiration

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

A holder is named (``holder``, a random id its messages carry) and every take is conditional on
the name: should a hold lapse while its message still waits (a queue far behind), the holder the
next delivery starts fences the old message out, which then drops itself; two holders never run
the same tenant's turns. A named message that finds the tenant free with work due takes it up
under its own name (its turn failed and gave the work back; this is the redelivery), so a
failure never leaves work due with nobody to run it. ``held_until`` outlives SyncQueue's
visibility timeout and a long wait in the queue (the queue-age alarm fires at 5 minutes): a
holder that crashed is taken over by its own redelivered message; one whose message was lost
(the DLQ) is given up after the hold, and the next delivery or schedule tick starts a new one.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from rackbeat_tripletex.store.dynamo import CONDITION_FAILED

ALL = "ALL"  # every enabled stream, from its cursor (the schedule)
FULL = "FULL"  # every enabled stream, everything (the nightly reconcile)
# Past SyncQueue's visibility timeout (360 s) and its age alarm (300 s), with room for a queue
# far behind: a lapse only costs a fenced-out message, a lost holder costs this much delay.
HOLD_SECONDS = 900
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

    def request(self, tenant_id: str, due: Iterable[str], *, claimant: str | None = None) -> str | None:
        """Add ``due`` to the tenant's work. The new holder's name when the caller now holds the
        tenant and must start its task; None when a holder will run it.

        ``claimant``: the caller's own lasting name (its SQS message id), taken as the holder's
        name. A message that became the holder and then crashed comes back with the same name
        and takes its turn up again; without it the tenant would stay held by nobody until the
        hold lapses, and every tick meanwhile would be coalesced into that dead turn."""
        now = self._now()
        added = self._table.update_item(
            Key={"id": work_id(tenant_id)},
            UpdateExpression="ADD due :due SET expiration = :keep",
            ExpressionAttributeValues={":due": set(due), ":keep": now + KEEP_SECONDS},
            ReturnValues="ALL_NEW",
        )["Attributes"]
        held_until = added.get("held_until")
        if held_until is not None and int(held_until) > now:
            return claimant if claimant is not None and added.get("holder") == claimant else None
        holder = claimant or uuid.uuid4().hex
        try:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="SET held_until = :until, holder = :holder",
                ConditionExpression="attribute_not_exists(held_until) OR held_until <= :now",
                ExpressionAttributeValues={":until": now + self._hold, ":now": now, ":holder": holder},
            )
        except ClientError as error:
            if _lost(error):
                return None  # another caller became the holder a moment ago; it sees our work
            raise
        return holder

    def take(self, tenant_id: str, holder: str | None) -> set[str] | None:
        """The holder takes everything due (and renews its hold); None when ``holder`` no longer
        holds the tenant (fenced out: its message drops itself). A message from before holders
        were named (``None``) takes unconditionally.

        A named message also takes a tenant that nobody holds while work is due, and holds it
        under its own name: that is its own turn given back by a failure (``abandon``) and now
        redelivered, or work whose requester is a moment from claiming it (and then leaves it
        to this holder). Dropping itself there would leave the work due with nobody to run it
        until the next delivery or tick."""
        now = self._now()
        request: dict[str, Any] = {
            "Key": {"id": work_id(tenant_id)},
            "UpdateExpression": "REMOVE due SET held_until = :until, expiration = :keep",
            "ExpressionAttributeValues": {":until": now + self._hold, ":keep": now + KEEP_SECONDS},
            "ReturnValues": "UPDATED_OLD",
        }
        if holder is not None:
            request["UpdateExpression"] += ", holder = :holder"
            request["ConditionExpression"] = (
                "holder = :holder OR (attribute_exists(due) AND "
                "(attribute_not_exists(held_until) OR held_until <= :now))"
            )
            request["ExpressionAttributeValues"].update({":holder": holder, ":now": now})
        try:
            answer = self._table.update_item(**request)
        except ClientError as error:
            if _lost(error):
                return None
            raise
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

    def release(self, tenant_id: str, holder: str | None) -> bool:
        """Let go of the tenant; False (still holding) when work arrived meanwhile. True too when
        another holder has it now (the work is that one's)."""
        condition = "attribute_not_exists(due)" + ("" if holder is None else " AND holder = :holder")
        try:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="REMOVE held_until, holder",
                ConditionExpression=condition,
                **({} if holder is None else {"ExpressionAttributeValues": {":holder": holder}}),
            )
        except ClientError as error:
            if not _lost(error):
                raise
            current = (
                self._table.get_item(Key={"id": work_id(tenant_id)}, ConsistentRead=True).get("Item") or {}
            )
            return holder is not None and current.get("holder") != holder
        return True

    def abandon(self, tenant_id: str, holder: str | None) -> None:
        """Let go whatever is due: the task that would have run it could not be enqueued (or
        failed), so the next delivery (or the vendor's retry, or the schedule) starts one."""
        try:
            self._table.update_item(
                Key={"id": work_id(tenant_id)},
                UpdateExpression="REMOVE held_until, holder",
                **(
                    {}
                    if holder is None
                    else {
                        "ConditionExpression": "holder = :holder",
                        "ExpressionAttributeValues": {":holder": holder},
                    }
                ),
            )
        except ClientError as error:
            if not _lost(error):
                raise
