"""The ongoing sync's view of EntityLink rows (``store/links.py`` owns the layout).

It reads and writes the same rows, ``LINK#<entity>#<rackbeat key>`` plus the way back
``LINKTX#<entity>#<tripletex id>``, so a record the initial sync linked is updated, never created
twice. Attributes are *updated*, not replaced, so fields the initial sync keeps survive. This
adapter exists because the shared EntityLink model has no invoice entity and no per-direction
"last seen" markers; the attributes it adds:

* ``rackbeat_source_hash``: hash of the Rackbeat record's content last synced to Tripletex. A
  change carrying the same content (a re-read inside the cursor overlap, a duplicate webhook)
  is skipped without mapping, so without loading reference data (no API calls).
* ``rackbeat_updated_at`` / ``synced_at``: the Rackbeat stamp of that version, and when we synced.
* ``tripletex_version``: the same for Tripletex's ``version``.
* ``to_tripletex_hash`` / ``to_rackbeat_hash``: content hash of the payload last written each way.
* ``lease_until``: a short per-record lease, so a webhook task and a scheduled run never write
  the same record at once (two creates would make two records).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from rackbeat_tripletex.store.links import link_sk, reverse_sk
from rackbeat_tripletex.store.tenants import tenant_pk
from rackbeat_tripletex.sync.model import SyncEntity


@dataclass(frozen=True)
class SyncLink:
    entity: SyncEntity
    rackbeat_key: str
    tripletex_id: int | None = None
    state: str | None = None
    rackbeat_updated_at: str | None = None
    tripletex_version: int | None = None
    to_tripletex_hash: str | None = None
    to_rackbeat_hash: str | None = None
    synced_at: str | None = None
    rackbeat_source_hash: str | None = None
    # Invoices: the order behind them, so a retry after a crash invoices that order, not a new one.
    order_id: int | None = None


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


class SyncLinks:
    def __init__(self, table: Any) -> None:
        self._table = table

    def _key(self, tenant_id: str, entity: SyncEntity, rackbeat_key: str) -> dict[str, str]:
        return {"pk": tenant_pk(tenant_id), "sk": link_sk(entity, rackbeat_key)}  # type: ignore[arg-type]

    def get(self, tenant_id: str, entity: SyncEntity, rackbeat_key: str) -> SyncLink | None:
        item = self._table.get_item(Key=self._key(tenant_id, entity, rackbeat_key), ConsistentRead=True).get(
            "Item"
        )
        if not item:
            return None
        return SyncLink(
            entity=entity,
            rackbeat_key=rackbeat_key,
            tripletex_id=_int(item.get("tripletex_id")),
            state=item.get("state"),
            rackbeat_updated_at=item.get("rackbeat_updated_at"),
            tripletex_version=_int(item.get("tripletex_version")),
            to_tripletex_hash=item.get("to_tripletex_hash"),
            to_rackbeat_hash=item.get("to_rackbeat_hash"),
            order_id=_int(item.get("order_id")),
            synced_at=item.get("synced_at"),
            rackbeat_source_hash=item.get("rackbeat_source_hash"),
        )

    def rackbeat_key_for(self, tenant_id: str, entity: SyncEntity, tripletex_id: int) -> str | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": reverse_sk(entity, tripletex_id)},  # type: ignore[arg-type]
            ConsistentRead=True,
        ).get("Item")
        return str(item["rackbeat_key"]) if item else None

    # ----- the per-record lease -------------------------------------------------------------
    def lease(
        self, tenant_id: str, entity: SyncEntity, rackbeat_key: str, now: dt.datetime, seconds: int
    ) -> bool:
        """Take the record for ``seconds``; False while another worker holds it."""
        stamp = int(now.timestamp())
        try:
            self._table.update_item(
                Key=self._key(tenant_id, entity, rackbeat_key),
                UpdateExpression="SET lease_until = :until, entity = :e, rackbeat_key = :k",
                ConditionExpression=Attr("lease_until").not_exists() | Attr("lease_until").lt(stamp),
                ExpressionAttributeValues={":until": stamp + seconds, ":e": entity, ":k": rackbeat_key},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, tenant_id: str, entity: SyncEntity, rackbeat_key: str) -> None:
        self._table.update_item(
            Key=self._key(tenant_id, entity, rackbeat_key), UpdateExpression="REMOVE lease_until"
        )

    # ----- outcomes ---------------------------------------------------------------------------
    def record(
        self,
        tenant_id: str,
        entity: SyncEntity,
        rackbeat_key: str,
        *,
        tripletex_id: int | None = None,
        state: str = "synced",
        origin: str | None = None,
        synced_at: dt.datetime | None = None,
        **fields: str | int | None,
    ) -> None:
        """Set the given attributes (None values are left as they are) and the way back."""
        values: dict[str, Any] = {":state": state, ":e": entity, ":k": rackbeat_key}
        sets = ["#state = :state", "entity = :e", "rackbeat_key = :k"]
        if tripletex_id is not None:
            sets.append("tripletex_id = :tid")
            values[":tid"] = tripletex_id
        if synced_at is not None:
            sets.append("synced_at = :synced_at")
            values[":synced_at"] = synced_at.astimezone(dt.UTC).isoformat()
        if origin is not None:
            sets.append("origin = if_not_exists(origin, :origin)")
            values[":origin"] = origin
        for name, value in fields.items():
            if value is not None:
                sets.append(f"{name} = :{name}")
                values[f":{name}"] = value
        self._table.update_item(
            Key=self._key(tenant_id, entity, rackbeat_key),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=values,
        )
        if tripletex_id is not None:
            self._table.put_item(
                Item={
                    "pk": tenant_pk(tenant_id),
                    "sk": reverse_sk(entity, tripletex_id),  # type: ignore[arg-type]
                    "entity": entity,
                    "rackbeat_key": rackbeat_key,
                    "tripletex_id": tripletex_id,
                }
            )
