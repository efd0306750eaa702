"""Tenant profile and settings rows in the state table.

Layout (one partition per tenant, later issues add links, cursors, runs, failures beside these):
  pk = TENANT#<id>, sk = PROFILE   gsi1pk = STATUS#<status>, gsi1sk = <id>
  pk = TENANT#<id>, sk = SETTINGS
Profile writes are optimistic: each carries the version it read, so the daily token check and a
user saving new tokens at the same moment cannot silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Settings, Tenant, TenantStatus
from rackbeat_tripletex.store.dynamo import conditionally, plain, query_all, query_prefix, tenant_pk

PROFILE_SK = "PROFILE"
SETTINGS_SK = "SETTINGS"
STATUS_INDEX = "gsi1"


class ConcurrentUpdateError(Exception):
    """Someone else changed the tenant between our read and our write; read again and retry."""


__all__ = ["ConcurrentUpdateError", "TenantStore", "status_key", "tenant_pk"]


def status_key(status: TenantStatus) -> str:
    return f"STATUS#{status.value}"


class TenantStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    @property
    def table(self) -> Any:
        """The state table, for the stores that keep rows beside the profile."""
        return self._table

    @classmethod
    def from_config(cls) -> TenantStore:
        name = runtime_config().require("state_table_name")
        return cls(boto3.resource("dynamodb").Table(name))

    # -- profile --------------------------------------------------------------------------

    def create(self, tenant: Tenant) -> None:
        self._table.put_item(
            Item=self._profile_item(tenant, version=1),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, tenant_id: str) -> Tenant | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": PROFILE_SK}, ConsistentRead=True
        ).get("Item")
        return self._tenant(item) if item else None

    def save(self, tenant: Tenant, expected_version: int) -> Tenant:
        """Write the whole profile if nobody wrote it since `expected_version` was read."""
        saved = conditionally(
            lambda: self._table.put_item(
                Item=self._profile_item(tenant, version=expected_version + 1),
                ConditionExpression="attribute_exists(pk) AND #v = :expected",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":expected": expected_version},
            )
        )
        if not saved:
            raise ConcurrentUpdateError(tenant.tenant_id)
        return tenant

    def get_with_version(self, tenant_id: str) -> tuple[Tenant, int] | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": PROFILE_SK}, ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return self._tenant(item), int(item["version"])

    def list_by_status(self, status: TenantStatus) -> Iterator[Tenant]:
        rows = query_all(
            self._table, IndexName=STATUS_INDEX, KeyConditionExpression=Key("gsi1pk").eq(status_key(status))
        )
        for item in rows:
            yield self._tenant(item)

    # -- settings -------------------------------------------------------------------------

    def get_settings(self, tenant_id: str) -> Settings | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SETTINGS_SK}, ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return Settings.model_validate(plain(item["settings"]))

    def put_settings(self, tenant_id: str, settings: Settings) -> None:
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": SETTINGS_SK,
                "settings": settings.model_dump(mode="json"),
            }
        )

    # -- offboarding ----------------------------------------------------------------------

    def delete_all(self, tenant_id: str) -> int:
        """Delete every row of the tenant's partition (profile, settings, and later sync state)."""
        deleted = 0
        with self._table.batch_writer() as batch:
            for item in query_prefix(self._table, tenant_pk(tenant_id), ProjectionExpression="pk, sk"):
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
                deleted += 1
        return deleted

    # -- mapping --------------------------------------------------------------------------

    @staticmethod
    def _profile_item(tenant: Tenant, version: int) -> dict[str, Any]:
        body = tenant.model_dump(mode="json", exclude_none=True)
        return {
            "pk": tenant_pk(tenant.tenant_id),
            "sk": PROFILE_SK,
            "gsi1pk": status_key(tenant.status),
            "gsi1sk": tenant.tenant_id,
            "version": version,
            **body,
        }

    @staticmethod
    def _tenant(item: dict[str, Any]) -> Tenant:
        return Tenant.model_validate(plain(item))
