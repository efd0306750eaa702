"""Records the initial sync could not import: one row each, until a retry imports them.

sk = FAIL#<entity>#<tripletex id>   reason, message, suggested_fix, attempts (ADD), last_attempt_at
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.models.sync import EntityType, RecordFailure
from rackbeat_tripletex.store.tenants import tenant_pk

PREFIX = "FAIL#"


def failure_sk(entity: EntityType, key: str) -> str:
    return f"{PREFIX}{entity}#{key}"


class FailureStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def record(self, tenant_id: str, failure: RecordFailure, at: dt.datetime) -> None:
        """Upsert the failure; ``attempts`` counts every time the record was tried and failed."""
        self._table.update_item(
            Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(failure.entity, failure.key)},
            UpdateExpression=(
                "SET entity = :e, #k = :k, #n = :n, #name = :name, reason = :r, message = :m, "
                "suggested_fix = :f, last_attempt_at = :at ADD attempts :one"
            ),
            ExpressionAttributeNames={"#k": "key", "#n": "number", "#name": "name"},
            ExpressionAttributeValues={
                ":e": failure.entity,
                ":k": failure.key,
                ":n": failure.number,
                ":name": failure.name,
                ":r": failure.reason.value,
                ":m": failure.message,
                ":f": failure.suggested_fix,
                ":at": at.isoformat(),
                ":one": 1,
            },
        )

    def resolve(self, tenant_id: str, entity: EntityType, key: str) -> None:
        self._table.delete_item(Key={"pk": tenant_pk(tenant_id), "sk": failure_sk(entity, key)})

    def list(self, tenant_id: str) -> Iterator[RecordFailure]:
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(tenant_pk(tenant_id)) & Key("sk").begins_with(PREFIX),
            "ConsistentRead": True,
        }
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                yield RecordFailure.model_validate(
                    {k: (int(v) if k == "attempts" else v) for k, v in item.items() if k not in ("pk", "sk")}
                )
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
