"""Reading many rows of one tenant's partition in as few DynamoDB calls as possible.

An idle scheduled cycle re-reads whole windows of records (the cursor overlaps); asking for
their rows one GetItem at a time made the idle tenant's DynamoDB bill grow with its data. One
BatchGetItem answers up to 100 keys.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

BATCH_GET_LIMIT = 100
# Under throttling DynamoDB hands back part of a batch as UnprocessedKeys; AWS asks callers to
# retry those with a growing pause rather than at once.
_UNPROCESSED_ATTEMPTS = 6
_UNPROCESSED_BASE_DELAY = 0.05


class RowsUnavailable(Exception):
    """DynamoDB kept some keys of a batch unprocessed; the caller's task is retried later."""


def read_rows(table: Any, pk: str, sks: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows that exist among ``sks``, by sort key, read consistently (a redelivered task must
    see what the previous attempt wrote)."""
    unique = list(dict.fromkeys(sks))
    client = table.meta.client
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(unique), BATCH_GET_LIMIT):
        request: dict[str, Any] = {
            table.name: {
                "Keys": [{"pk": pk, "sk": sk} for sk in unique[start : start + BATCH_GET_LIMIT]],
                "ConsistentRead": True,
            }
        }
        for attempt in range(_UNPROCESSED_ATTEMPTS):
            if attempt:
                time.sleep(_UNPROCESSED_BASE_DELAY * 2 ** (attempt - 1))
            answer = client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table.name, []):
                found[str(item["sk"])] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
        if request:
            raise RowsUnavailable("DynamoDB left part of a batch read unprocessed")
    return found
