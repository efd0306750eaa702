"""Per tenant and stream: where the incremental sync resumes.

sk = CURSOR#<stream>   value, updated_at

A cursor is written only after every write it covers succeeded, and only forward: a slow run
that finishes after a newer one cannot move it back (a conditional write).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from boto3.dynamodb.conditions import Attr

from rackbeat_tripletex.store.dynamo import conditionally, read_rows, tenant_pk

PREFIX = "CURSOR#"


def cursor_sk(stream: str) -> str:
    return f"{PREFIX}{stream}"


class CursorStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self, tenant_id: str, stream: str) -> str | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": cursor_sk(stream)}, ConsistentRead=True
        ).get("Item")
        return str(item["value"]) if item else None

    def get_many(self, tenant_id: str, streams: list[str]) -> dict[str, str]:
        """Every stream's cursor in one BatchGetItem (a tenant run reads them all up front; a
        cursor another worker moves meanwhile only makes this run's window wider)."""
        sks = {cursor_sk(stream): stream for stream in streams}
        rows = read_rows(self._table, tenant_pk(tenant_id), sks)
        return {sks[sk]: str(item["value"]) for sk, item in rows.items() if sk in sks}

    def advance(
        self, tenant_id: str, stream: str, value: str, at: dt.datetime, *, ordered: bool = True
    ) -> bool:
        """Store ``value``; with ``ordered`` (timestamps) only when it is not behind the stored one.
        Returns False when a newer cursor was already there."""
        condition = Attr("value").not_exists() | Attr("value").lte(value) if ordered else None
        request: dict[str, Any] = {
            "Item": {
                "pk": tenant_pk(tenant_id),
                "sk": cursor_sk(stream),
                "stream": stream,
                "value": value,
                "updated_at": at.isoformat(),
            }
        }
        if condition is not None:
            request["ConditionExpression"] = condition
        return conditionally(lambda: self._table.put_item(**request))
