"""Records the ongoing sync could not write: one row per stream and record, until it syncs.

sk = SYNCFAIL#<stream>#<key>. Kept apart from the initial sync's ``FAIL#`` rows because those
are keyed by Tripletex id and parsed with an entity type that has no invoices; the failures
endpoint lists both (see ``sync.history.list_sync_failures``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.store.tenants import _plain, tenant_pk
from rackbeat_tripletex.sync.model import StreamName, SyncFailure

PREFIX = "SYNCFAIL#"


def failure_sk(stream: StreamName, key: str) -> str:
    return f"{PREFIX}{stream.value}#{key}"


class SyncFailureStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def record(
        self, tenant_id: str, failure: SyncFailure, at: dt.datetime, *, source_hash: str | None = None
    ) -> None:
        """``source_hash``: the content of the record as it failed. The scheduled run does not try
        the same content again on every cycle (see ``SyncEngine``); a change to it, a webhook, the
        retry endpoint or the nightly reconcile does."""
        sets = (
            "#s = :s, entity = :e, #k = :k, reason = :r, message = :m, suggested_fix = :f, "
            "last_attempt_at = :at"
        )
        values: dict[str, Any] = {
            ":s": failure.stream.value,
            ":e": failure.entity,
            ":k": failure.key,
            ":r": failure.reason,
            ":m": failure.message,
            ":f": failure.suggested_fix,
            ":at": at.isoformat(),
            ":one": 1,
        }
        remove = ""
        if source_hash is not None:
            sets += ", source_hash = :h"
            values[":h"] = source_hash
        else:
            # A failure without a known content must not keep an older content's marker.
            remove = " REMOVE source_hash"
        self._table.update_item(
            Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(failure.stream, failure.key)},
            UpdateExpression=f"SET {sets} ADD attempts :one{remove}",
            ExpressionAttributeNames={"#k": "key", "#s": "stream"},
            ExpressionAttributeValues=values,
        )

    def resolve(self, tenant_id: str, stream: StreamName, key: str) -> None:
        self._table.delete_item(Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(stream, key)})

    def list(self, tenant_id: str) -> Iterator[SyncFailure]:
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(tenant_pk(tenant_id)) & Key("sk").begins_with(PREFIX),
            "ConsistentRead": True,
        }
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                yield SyncFailure.model_validate(
                    _plain({k: v for k, v in item.items() if k not in ("pk", "sk", "source_hash")})
                )
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
