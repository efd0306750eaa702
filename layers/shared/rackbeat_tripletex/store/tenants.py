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
from botocore.exceptions import ClientError

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Settings, Tenant, TenantStatus

PROFILE_SK = "PROFILE"
SETTINGS_SK = "SETTINGS"
STATUS_INDEX = "gsi1"


class ConcurrentUpdateError(Exception):
    """Someone else changed the tenant between our read and our write; read again and retry."""


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def status_key(status: TenantStatus) -> str:
    return f"STATUS#{status.value}"


class TenantStore:
    def __init__(self, table: Any) -> None:
        self._table = table

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
        try:
            self._table.put_item(
                Item=self._profile_item(tenant, version=expected_version + 1),
                ConditionExpression="attribute_exists(pk) AND #v = :expected",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":expected": expected_version},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ConcurrentUpdateError(tenant.tenant_id) from None
            raise
        return tenant

    def get_with_version(self, tenant_id: str) -> tuple[Tenant, int] | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": PROFILE_SK}, ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return self._tenant(item), int(item["version"])

    def list_by_status(self, status: TenantStatus) -> Iterator[Tenant]:
        query: dict[str, Any] = {
            "IndexName": STATUS_INDEX,
            "KeyConditionExpression": Key("gsi1pk").eq(status_key(status)),
        }
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                yield self._tenant(item)
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- settings -------------------------------------------------------------------------

    def get_settings(self, tenant_id: str) -> Settings | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SETTINGS_SK}, ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return Settings.model_validate(_plain(item["settings"]))

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
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(tenant_pk(tenant_id)),
            "ProjectionExpression": "pk, sk",
        }
        with self._table.batch_writer() as batch:
            while True:
                page = self._table.query(**query)
                for item in page.get("Items", []):
                    batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
                    deleted += 1
                if "LastEvaluatedKey" not in page:
                    break
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
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
        return Tenant.model_validate(_plain(item))


def _plain(value: Any) -> Any:
    """DynamoDB hands numbers back as Decimal; pydantic wants plain ints."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
