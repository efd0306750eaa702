"""Forgetting what a tenant's sync knows about one pair of accounts, for a reconnect to another.

Links pair records of the old Rackbeat account with records of the old Tripletex company, and
cursors say how far the old ones were read: kept across a switch, they would make the sync
update the wrong records and skip the new company's history.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.store import cursors
from rackbeat_tripletex.store.tenants import tenant_pk

# LINK# (Rackbeat key -> Tripletex id) and LINKTX# (the way back) both begin so.
LINK_ROWS = "LINK"


def forget_links_and_cursors(table: Any, tenant_id: str) -> int:
    deleted = 0
    with table.batch_writer() as batch:
        for prefix in (LINK_ROWS, cursors.PREFIX):
            query: dict[str, Any] = {
                "KeyConditionExpression": Key("pk").eq(tenant_pk(tenant_id)) & Key("sk").begins_with(prefix),
                "ProjectionExpression": "pk, sk",
            }
            while True:
                page = table.query(**query)
                for item in page.get("Items", []):
                    batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
                    deleted += 1
                if "LastEvaluatedKey" not in page:
                    break
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return deleted
