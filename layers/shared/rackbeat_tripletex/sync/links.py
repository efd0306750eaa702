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
from rackbeat_tripletex.sync.failures import failure_sk
from rackbeat_tripletex.sync.model import StreamName, SyncEntity
from rackbeat_tripletex.sync.rows import read_rows


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


@dataclass(frozen=True)
class PageState:
    """What the store knows about one page of records, read in one batch before any of them is
    touched: their links, and the content each failed with (``SYNCFAIL`` rows' ``source_hash``)."""

    links: dict[str, SyncLink]
    failed_with: dict[str, str]


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _sync_link(entity: SyncEntity, rackbeat_key: str, item: dict[str, Any]) -> SyncLink:
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
        return _sync_link(entity, rackbeat_key, item)

    def page_state(self, tenant_id: str, stream: StreamName, keys: list[str]) -> PageState:
        """Links and failure markers of ``keys`` (Rackbeat keys), in one BatchGetItem per 50 keys."""
        entity = stream.entity
        link_sks = {link_sk(entity, key): key for key in keys}  # type: ignore[arg-type]
        failure_sks = {failure_sk(stream, key): key for key in keys}
        rows = read_rows(self._table, tenant_pk(tenant_id), [*link_sks, *failure_sks])
        links = {
            link_sks[sk]: _sync_link(entity, link_sks[sk], item)
            for sk, item in rows.items()
            if sk in link_sks
        }
        failed_with = {
            failure_sks[sk]: str(item["source_hash"])
            for sk, item in rows.items()
            if sk in failure_sks and item.get("source_hash") is not None
        }
        return PageState(links=links, failed_with=failed_with)

    def rackbeat_keys_for_many(
        self, tenant_id: str, entity: SyncEntity, tripletex_ids: list[int]
    ) -> dict[int, str]:
        """The way back for many Tripletex ids at once (ids never linked are left out)."""
        sks = {reverse_sk(entity, tid): tid for tid in tripletex_ids}  # type: ignore[arg-type]
        rows = read_rows(self._table, tenant_pk(tenant_id), sks)
        return {sks[sk]: str(item["rackbeat_key"]) for sk, item in rows.items() if sk in sks}

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
