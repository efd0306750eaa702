"""EntityLink rows: which Rackbeat record a Tripletex record became, and what we last wrote.

Layout (in the tenant's partition of StateTable):
  sk = LINK#<entity>#<rackbeat key>          tripletex_id, state, origin, rackbeat_hash, tripletex_hash
  sk = LINKTX#<entity>#<tripletex id>        rackbeat_key (the way back, for syncs that start in Tripletex)

A Rackbeat number is *claimed* (a conditional write, state ``pending``) before the record is
created, so two Tripletex records sharing a number cannot both take it, even when two workers
race, and a redelivered message knows a create may already have happened.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from rackbeat_tripletex.models.sync import EntityLink, EntityType, LinkState
from rackbeat_tripletex.store.tenants import tenant_pk

_BATCH_GET_LIMIT = 100


def link_sk(entity: EntityType, rackbeat_key: str) -> str:
    return f"LINK#{entity}#{rackbeat_key}"


def reverse_sk(entity: EntityType, tripletex_id: int) -> str:
    return f"LINKTX#{entity}#{tripletex_id}"


class NumberTaken(Exception):
    """The Rackbeat number is already linked to another Tripletex record."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        super().__init__(f"number already linked to Tripletex record {owner}")


class LinkStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def get_many(self, tenant_id: str, entity: EntityType, keys: list[str]) -> dict[str, EntityLink]:
        """Links by Rackbeat key, read consistently (a redelivery must see the last attempt's claims)."""
        found: dict[str, EntityLink] = {}
        unique = list(dict.fromkeys(keys))
        client = self._table.meta.client
        for start in range(0, len(unique), _BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table.name: {
                    "Keys": [
                        {"pk": tenant_pk(tenant_id), "sk": link_sk(entity, k)}
                        for k in unique[start : start + _BATCH_GET_LIMIT]
                    ],
                    "ConsistentRead": True,
                }
            }
            while request:
                answer = client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    link = _link(item)
                    found[link.rackbeat_key] = link
                request = answer.get("UnprocessedKeys") or {}
        return found

    def claim(self, tenant_id: str, entity: EntityType, rackbeat_key: str, tripletex_id: int) -> EntityLink:
        """Reserve ``rackbeat_key`` for ``tripletex_id``; raises NumberTaken when another record has it."""
        item = self._pending_item(tenant_id, entity, rackbeat_key, tripletex_id)
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression=Attr("pk").not_exists() | Attr("tripletex_id").eq(tripletex_id),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = error.response.get("Item") or {}
            owner = old.get("tripletex_id", {}).get("N")
            if owner is None:
                current = self.get_many(tenant_id, entity, [rackbeat_key]).get(rackbeat_key)
                owner = current.tripletex_id if current is not None else -1
            raise NumberTaken(int(owner)) from None
        return _link(item)

    def _pending_item(
        self, tenant_id: str, entity: EntityType, key: str, tripletex_id: int
    ) -> dict[str, Any]:
        return {
            "pk": tenant_pk(tenant_id),
            "sk": link_sk(entity, key),
            "entity": entity,
            "rackbeat_key": key,
            "tripletex_id": tripletex_id,
            "state": LinkState.PENDING.value,
            "origin": "created",
        }

    def save_synced(self, tenant_id: str, links: list[EntityLink]) -> None:
        """Write finished links (both directions) in batches. Unconditional on purpose: each was
        claimed by this record first, and a lost batch only costs the next delivery a lookup."""
        pk = tenant_pk(tenant_id)
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for link in links:
                body = link.model_dump(mode="json", exclude_none=True)
                batch.put_item(Item={"pk": pk, "sk": link_sk(link.entity, link.rackbeat_key), **body})
                batch.put_item(
                    Item={
                        "pk": pk,
                        "sk": reverse_sk(link.entity, link.tripletex_id),
                        "entity": link.entity,
                        "rackbeat_key": link.rackbeat_key,
                        "tripletex_id": link.tripletex_id,
                    }
                )

    def release(self, tenant_id: str, link: EntityLink) -> None:
        """Give back a claim whose create Rackbeat refused, unless it has been written since."""
        try:
            self._table.delete_item(
                Key={"pk": tenant_pk(tenant_id), "sk": link_sk(link.entity, link.rackbeat_key)},
                ConditionExpression=Attr("tripletex_id").eq(link.tripletex_id)
                & Attr("state").eq(LinkState.PENDING.value),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def mark_synced(self, tenant_id: str, link: EntityLink) -> None:
        """Record a finished write both ways in one transaction."""
        pk = tenant_pk(tenant_id)
        body = link.model_copy(update={"state": LinkState.SYNCED}).model_dump(mode="json", exclude_none=True)
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {"pk": pk, "sk": link_sk(link.entity, link.rackbeat_key), **body},
                    }
                },
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            "pk": pk,
                            "sk": reverse_sk(link.entity, link.tripletex_id),
                            "entity": link.entity,
                            "rackbeat_key": link.rackbeat_key,
                            "tripletex_id": link.tripletex_id,
                        },
                    }
                },
            ]
        )


def _link(item: dict[str, Any]) -> EntityLink:
    return EntityLink.model_validate(
        {k: (int(v) if k == "tripletex_id" else v) for k, v in item.items() if k not in ("pk", "sk")}
    )
