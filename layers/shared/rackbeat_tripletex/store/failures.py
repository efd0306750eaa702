"""Records that could not be imported or synced: one row each, until a later attempt succeeds.

  sk = FAIL#<entity>#<tripletex id>    the initial import's (source ``initial_sync``)
  sk = SYNCFAIL#<stream>#<key>         a stream's; ``source_hash`` is the content it failed with

reason, message, suggested_fix, last_attempt_at, attempts (ADD: every time it was tried and
failed). The two families keep their own prefix so each side lists (and retries) its own with
one prefix query; one model reads both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from rackbeat_tripletex.models.sync import INITIAL_SYNC, Entity, RecordFailure
from rackbeat_tripletex.store.dynamo import plain, query_prefix, tenant_pk

IMPORT_PREFIX = "FAIL#"
STREAM_PREFIX = "SYNCFAIL#"


def failure_sk(source: str, entity: Entity, key: str) -> str:
    if source == INITIAL_SYNC:
        return f"{IMPORT_PREFIX}{entity}#{key}"
    return f"{STREAM_PREFIX}{source}#{key}"


class FailureStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def record(
        self, tenant_id: str, failure: RecordFailure, at: dt.datetime, *, source_hash: str | None = None
    ) -> None:
        """Upsert the failure. ``source_hash`` (streams): the record's content as it failed; the
        scheduled run does not try the same content again on every cycle (see ``SyncEngine``), a
        change to it, a webhook, the retry endpoint or the nightly reconcile does."""
        sets = "entity = :e, #k = :k, reason = :r, message = :m, suggested_fix = :f, last_attempt_at = :at"
        names = {"#k": "key"}
        values: dict[str, Any] = {
            ":e": failure.entity,
            ":k": failure.key,
            ":r": failure.reason.value,
            ":m": failure.message,
            ":f": failure.suggested_fix,
            ":at": at.isoformat(),
            ":one": 1,
        }
        remove = ""
        if failure.source == INITIAL_SYNC:
            sets += ", #n = :n, #name = :name"
            names |= {"#n": "number", "#name": "name"}
            values |= {":n": failure.number, ":name": failure.name}
        else:
            sets += ", #s = :s"
            names["#s"] = "stream"
            values[":s"] = failure.source
            if source_hash is not None:
                sets += ", source_hash = :h"
                values[":h"] = source_hash
            else:
                # A failure without a known content must not keep an older content's marker.
                remove = " REMOVE source_hash"
        self._table.update_item(
            Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(failure.source, failure.entity, failure.key)},
            UpdateExpression=f"SET {sets} ADD attempts :one{remove}",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def resolve(self, tenant_id: str, source: str, entity: Entity, key: str) -> None:
        self._table.delete_item(Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(source, entity, key)})

    def list_import(self, tenant_id: str) -> Iterator[RecordFailure]:
        return self._list(tenant_id, IMPORT_PREFIX)

    def list_streams(self, tenant_id: str) -> Iterator[RecordFailure]:
        return self._list(tenant_id, STREAM_PREFIX)

    def _list(self, tenant_id: str, prefix: str) -> Iterator[RecordFailure]:
        for item in query_prefix(self._table, tenant_pk(tenant_id), prefix, ConsistentRead=True):
            body = {k: v for k, v in item.items() if k not in ("pk", "sk", "source_hash", "stream")}
            yield RecordFailure.model_validate({**plain(body), "source": item.get("stream", INITIAL_SYNC)})
