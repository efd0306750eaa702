"""What every store does with DynamoDB the same way: numbers, prefix queries, batch reads,
conditional writes.

One partition per tenant (``pk = TENANT#<id>``); each kind of row has its own ``sk`` prefix, so
a kind is listed with one prefix query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

BATCH_GET_LIMIT = 100
# Under throttling DynamoDB hands back part of a batch as UnprocessedKeys; AWS asks callers to
# retry those with a growing pause rather than at once.
_UNPROCESSED_ATTEMPTS = 6
_UNPROCESSED_BASE_DELAY = 0.05
CONDITION_FAILED = "ConditionalCheckFailedException"


class RowsUnavailable(Exception):
    """DynamoDB kept some keys of a batch unprocessed; the caller's task is retried later."""


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def plain(value: Any) -> Any:
    """DynamoDB hands numbers back as Decimal; pydantic wants plain ints (and floats)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dynamo(value: Any) -> Any:
    """The other way: DynamoDB keys of a map are strings and its numbers are not floats."""
    if isinstance(value, dict):
        return {str(k): dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dynamo(v) for v in value]
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def query_prefix(table: Any, pk: str, prefix: str = "", **options: Any) -> Iterator[dict[str, Any]]:
    """Every row of the partition whose sort key starts with ``prefix`` (all of it without one)."""
    condition = Key("pk").eq(pk) & Key("sk").begins_with(prefix) if prefix else Key("pk").eq(pk)
    return query_all(table, KeyConditionExpression=condition, **options)


def query_all(table: Any, **query: Any) -> Iterator[dict[str, Any]]:
    """Every row a query answers, page after page."""
    while True:
        page = table.query(**query)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_rows(table: Any, pk: str, sks: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows that exist among ``sks``, by sort key, read consistently (a redelivered task must
    see what the previous attempt wrote), in one BatchGetItem per 100 keys: asking one GetItem
    at a time made an idle tenant's DynamoDB bill grow with its data."""
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


def conditionally(write: Callable[[], object]) -> bool:
    """Run a conditional write; False when its condition did not hold (any other error raises)."""
    try:
        write()
    except ClientError as error:
        if error.response["Error"]["Code"] == CONDITION_FAILED:
            return False
        raise
    return True


def transaction_cancelled(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == "TransactionCanceledException")
