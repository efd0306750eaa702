"""EntityLink rows: which record of the other system a record became, and what we last wrote.

Layout (in the tenant's partition of StateTable):
  sk = LINK#<entity>#<rackbeat key>      the link (``models.sync.EntityLink``) and ``lease_until``
  sk = LINKTX#<entity>#<tripletex id>    rackbeat_key (the way back, for syncs that start in Tripletex)
                                         and tripletex_version, the version we last wrote or read

The way back carries the Tripletex version so the webhooks function can tell an event about our
own write (or about a version already synced) with one read, and drop it before it becomes work.
A write to Rackbeat stamps ``rackbeat_written_at`` on the link: Rackbeat's deliveries carry only a
number, so the first delivery soon after our write is taken for its echo (webhooks/echo.py).

The initial import *claims* a Rackbeat number (a conditional write, state ``pending``) before the
record is created, so two Tripletex records sharing a number cannot both take it, even when two
workers race, and a redelivered message knows a create may already have happened. The ongoing
sync *updates* the attributes it knows (never replaces the row), so what the import wrote
survives, and takes a short per-record lease so a webhook task and a scheduled run never write
the same record at once (two creates would make two records).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from rackbeat_tripletex.models.sync import Entity, EntityLink, LinkState, StreamName
from rackbeat_tripletex.store.dynamo import (
    CONDITION_FAILED,
    conditionally,
    plain,
    query_prefix,
    read_rows,
    tenant_pk,
)
from rackbeat_tripletex.store.failures import failure_sk

_ROW_KEYS = ("pk", "sk", "lease_until", "rackbeat_written_at")


def link_sk(entity: Entity, rackbeat_key: str) -> str:
    return f"LINK#{entity}#{rackbeat_key}"


def reverse_sk(entity: Entity, tripletex_id: int) -> str:
    return f"LINKTX#{entity}#{tripletex_id}"


class NumberTaken(Exception):
    """The Rackbeat number is already linked to another Tripletex record."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        super().__init__(f"number already linked to Tripletex record {owner}")


@dataclass(frozen=True)
class PageState:
    """What the store knows about one page of records, read in one batch before any of them is
    touched: their links, and the content each failed with (``SYNCFAIL`` rows' ``source_hash``)."""

    links: dict[str, EntityLink]
    failed_with: dict[str, str]
    # Keys with a failure row of the stream (with or without a content): the others need no
    # clearing when they sync (a DeleteItem per record saved).
    failed: set[str] = field(default_factory=set)


@dataclass
class Lease:
    """A record taken for one worker (:meth:`LinkStore.lease`): its link row as the lease found
    it, read in the same write (no second read under the lease). The write that records the
    outcome may let go of it too (``record(..., lease=...)``), saving the release's own write."""

    tenant_id: str
    entity: Entity
    rackbeat_key: str
    link: EntityLink
    released: bool = False


def _link(item: dict[str, Any]) -> EntityLink:
    return EntityLink.model_validate(plain({k: v for k, v in item.items() if k not in _ROW_KEYS}))


def _reverse_item(
    pk: str, entity: Entity, rackbeat_key: str, tripletex_id: int, version: Any = None
) -> dict[str, Any]:
    item = {
        "pk": pk,
        "sk": reverse_sk(entity, tripletex_id),
        "entity": entity,
        "rackbeat_key": rackbeat_key,
        "tripletex_id": tripletex_id,
    }
    if isinstance(version, int):
        item["tripletex_version"] = version
    return item


class LinkStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def _key(self, tenant_id: str, entity: Entity, rackbeat_key: str) -> dict[str, str]:
        return {"pk": tenant_pk(tenant_id), "sk": link_sk(entity, rackbeat_key)}

    # ----- reading ----------------------------------------------------------------------------
    def get(self, tenant_id: str, entity: Entity, rackbeat_key: str) -> EntityLink | None:
        item = self._table.get_item(Key=self._key(tenant_id, entity, rackbeat_key), ConsistentRead=True).get(
            "Item"
        )
        return _link({"entity": entity, "rackbeat_key": rackbeat_key, **item}) if item else None

    def of_entity(self, tenant_id: str, entity: Entity) -> Iterator[EntityLink]:
        """Every link of one entity (the nightly reconcile's look for records deleted meanwhile)."""
        for item in query_prefix(self._table, tenant_pk(tenant_id), link_sk(entity, "")):
            yield _link(item)

    def get_many(self, tenant_id: str, entity: Entity, keys: list[str]) -> dict[str, EntityLink]:
        """Links by Rackbeat key, read consistently (a redelivery must see the last attempt's claims)."""
        sks = {link_sk(entity, key): key for key in keys}
        rows = read_rows(self._table, tenant_pk(tenant_id), sks)
        return {
            sks[sk]: _link({"entity": entity, "rackbeat_key": sks[sk], **item}) for sk, item in rows.items()
        }

    def page_state(self, tenant_id: str, stream: StreamName, keys: list[str]) -> PageState:
        """Links and failure markers of ``keys`` (Rackbeat keys), in one BatchGetItem per 50 keys."""
        entity = stream.entity
        link_sks = {link_sk(entity, key): key for key in keys}
        failure_sks = {failure_sk(stream.value, entity, key): key for key in keys}
        rows = read_rows(self._table, tenant_pk(tenant_id), [*link_sks, *failure_sks])
        links = {
            link_sks[sk]: _link({"entity": entity, "rackbeat_key": link_sks[sk], **item})
            for sk, item in rows.items()
            if sk in link_sks
        }
        failed_with = {
            failure_sks[sk]: str(item["source_hash"])
            for sk, item in rows.items()
            if sk in failure_sks and item.get("source_hash") is not None
        }
        failed = {failure_sks[sk] for sk in rows if sk in failure_sks}
        return PageState(links=links, failed_with=failed_with, failed=failed)

    def rackbeat_keys_for_many(
        self, tenant_id: str, entity: Entity, tripletex_ids: list[int]
    ) -> dict[int, str]:
        """The way back for many Tripletex ids at once (ids never linked are left out)."""
        sks = {reverse_sk(entity, tid): tid for tid in tripletex_ids}
        rows = read_rows(self._table, tenant_pk(tenant_id), sks)
        return {sks[sk]: str(item["rackbeat_key"]) for sk, item in rows.items() if sk in sks}

    def synced_version(self, tenant_id: str, entity: Entity, tripletex_id: int) -> int | None:
        """The Tripletex version last written or read for this record (None: never linked).
        An eventually consistent read: a version stored a moment ago may be missed, which only
        lets one echo through to a worker that skips it."""
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": reverse_sk(entity, tripletex_id)},
            ProjectionExpression="tripletex_version",
        ).get("Item")
        version = (item or {}).get("tripletex_version")
        return int(version) if version is not None else None

    def rackbeat_written_at(self, tenant_id: str, entity: Entity, rackbeat_key: str) -> int | None:
        """When we last wrote this record to Rackbeat (epoch seconds), or None."""
        item = self._table.get_item(
            Key=self._key(tenant_id, entity, rackbeat_key), ProjectionExpression="rackbeat_written_at"
        ).get("Item")
        stamp = (item or {}).get("rackbeat_written_at")
        return int(stamp) if stamp is not None else None

    def rackbeat_key_for(self, tenant_id: str, entity: Entity, tripletex_id: int) -> str | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": reverse_sk(entity, tripletex_id)}, ConsistentRead=True
        ).get("Item")
        return str(item["rackbeat_key"]) if item else None

    # ----- the import: claim a number, then finish the link ----------------------------------
    def claim(self, tenant_id: str, entity: Entity, rackbeat_key: str, tripletex_id: int) -> EntityLink:
        """Reserve ``rackbeat_key`` for ``tripletex_id``; raises NumberTaken when another record has it."""
        link = EntityLink(
            entity=entity,
            rackbeat_key=rackbeat_key,
            tripletex_id=tripletex_id,
            state=LinkState.PENDING,
            origin="created",
        )
        item = {
            **self._key(tenant_id, entity, rackbeat_key),
            **link.model_dump(mode="json", exclude_none=True),
        }
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression=Attr("pk").not_exists() | Attr("tripletex_id").eq(tripletex_id),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != CONDITION_FAILED:
                raise
            owner = (error.response.get("Item") or {}).get("tripletex_id", {}).get("N")
            if owner is None:
                current = self.get(tenant_id, entity, rackbeat_key)
                owner = current.tripletex_id if current is not None and current.tripletex_id else -1
            raise NumberTaken(int(owner)) from None
        return link

    def save_synced(self, tenant_id: str, links: list[EntityLink]) -> None:
        """Write finished links (both directions) in batches. Unconditional on purpose: each was
        claimed by this record first, and a lost batch only costs the next delivery a lookup."""
        pk = tenant_pk(tenant_id)
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for link in links:
                assert link.tripletex_id is not None
                body = link.model_dump(mode="json", exclude_none=True)
                batch.put_item(Item={"pk": pk, "sk": link_sk(link.entity, link.rackbeat_key), **body})
                batch.put_item(
                    Item=_reverse_item(
                        pk, link.entity, link.rackbeat_key, link.tripletex_id, link.tripletex_version
                    )
                )

    def release_claim(self, tenant_id: str, link: EntityLink) -> None:
        """Give back a claim whose create Rackbeat refused, unless it has been written since."""
        conditionally(
            lambda: self._table.delete_item(
                Key=self._key(tenant_id, link.entity, link.rackbeat_key),
                ConditionExpression=Attr("tripletex_id").eq(link.tripletex_id)
                & Attr("state").eq(LinkState.PENDING.value),
            )
        )

    # ----- the ongoing sync: a lease, then the attributes it knows ---------------------------
    def lease(
        self, tenant_id: str, entity: Entity, rackbeat_key: str, now: dt.datetime, seconds: int
    ) -> Lease | None:
        """Take the record for ``seconds``; None while another worker holds it. The lease carries
        the link as it stands (the write returns the row: a consistent read for free)."""
        stamp = int(now.timestamp())
        try:
            answer = self._table.update_item(
                Key=self._key(tenant_id, entity, rackbeat_key),
                UpdateExpression="SET lease_until = :until, entity = :e, rackbeat_key = :k",
                ConditionExpression=Attr("lease_until").not_exists() | Attr("lease_until").lt(stamp),
                ExpressionAttributeValues={":until": stamp + seconds, ":e": entity, ":k": rackbeat_key},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == CONDITION_FAILED:
                return None
            raise
        item = answer.get("Attributes") or {}
        link = _link({"entity": entity, "rackbeat_key": rackbeat_key, **item})
        return Lease(tenant_id, entity, rackbeat_key, link)

    def release_lease(self, tenant_id: str, entity: Entity, rackbeat_key: str) -> None:
        self._table.update_item(
            Key=self._key(tenant_id, entity, rackbeat_key), UpdateExpression="REMOVE lease_until"
        )

    def record(
        self,
        tenant_id: str,
        entity: Entity,
        rackbeat_key: str,
        *,
        tripletex_id: int | None = None,
        state: str = "synced",
        origin: str | None = None,
        synced_at: dt.datetime | None = None,
        lease: Lease | None = None,
        **fields: str | int | None,
    ) -> None:
        """Set the given attributes (None values are left as they are) and the way back; with
        ``lease``, let go of the record in the same write."""
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
        released = lease is not None and (lease.entity, lease.rackbeat_key) == (entity, rackbeat_key)
        self._table.update_item(
            Key=self._key(tenant_id, entity, rackbeat_key),
            UpdateExpression="SET " + ", ".join(sets) + (" REMOVE lease_until" if released else ""),
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=values,
        )
        if released:
            assert lease is not None
            lease.released = True
        if tripletex_id is not None:
            self._table.put_item(
                Item=_reverse_item(
                    tenant_pk(tenant_id), entity, rackbeat_key, tripletex_id, fields.get("tripletex_version")
                )
            )
