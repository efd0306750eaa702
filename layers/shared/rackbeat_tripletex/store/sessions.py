"""Sign-in state in the state table: emailed codes, sessions, step-up grants, the contact index
and the email counters.

Layout (codes, sessions and grants live in the tenant's partition, so offboarding deletes them
with everything else):
  pk = TENANT#<id>, sk = CODE#<sha256 of code>       purpose, data, expires_at
  pk = TENANT#<id>, sk = SESSION#<sha256 of token>   family, started_at, issued_at, last_used_at,
                                                     idle_expires_at, absolute_expires_at, expires_at
  pk = TENANT#<id>, sk = GRANT#<action>#<requester>  expires_at
  pk = CONTACT#<sha256 of address>, sk = TENANT#<id>  (sign-in finds the tenants of an address)
  pk = MAIL#<scope>, sk = <window>#<start>           sent, expires_at (email counters)
Only hashes of codes and tokens are stored. ``expires_at`` is the table's TTL attribute (epoch
seconds); DynamoDB deletes late, so every read also compares it with the caller's clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from rackbeat_tripletex.store.tenants import tenant_pk

CODE_PREFIX = "CODE#"
SESSION_PREFIX = "SESSION#"
GRANT_PREFIX = "GRANT#"
CONTACT_PREFIX = "CONTACT#"
MAIL_PREFIX = "MAIL#"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def contact_key(address: str) -> str:
    # Addresses are matched case-insensitively, as mail servers in practice do.
    return CONTACT_PREFIX + digest(address.strip().casefold())


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(frozen=True)
class StoredCode:
    tenant_id: str
    purpose: str
    data: dict[str, str]


@dataclass(frozen=True)
class StoredSession:
    tenant_id: str
    token_hash: str
    family: str
    started_at: datetime
    issued_at: datetime
    last_used_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime
    superseded_at: datetime | None


def _conditional_failed(error: ClientError) -> bool:
    return bool(error.response["Error"]["Code"] == "ConditionalCheckFailedException")


class AuthStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    # -- single-use codes -----------------------------------------------------------------

    def put_code(
        self, tenant_id: str, code: str, purpose: str, expires: datetime, data: dict[str, str] | None = None
    ) -> None:
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": CODE_PREFIX + digest(code),
                "purpose": purpose,
                "data": dict(data or {}),
                "expires_at": epoch(expires),
            }
        )

    def take_code(self, tenant_id: str, code: str, purpose: str, now: datetime) -> StoredCode | None:
        """The code's row, deleted in the same call so a second use finds nothing; None when it
        is unknown, used, expired or for another purpose (an expired row is left to the TTL)."""
        try:
            answer = self._table.delete_item(
                Key={"pk": tenant_pk(tenant_id), "sk": CODE_PREFIX + digest(code)},
                ConditionExpression="attribute_exists(pk) AND purpose = :purpose AND expires_at > :now",
                ExpressionAttributeValues={":purpose": purpose, ":now": epoch(now)},
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if _conditional_failed(error):
                return None
            raise
        item = answer.get("Attributes") or {}
        return StoredCode(tenant_id, purpose, {str(k): str(v) for k, v in (item.get("data") or {}).items()})

    # -- sessions -------------------------------------------------------------------------

    def put_session(self, session: StoredSession) -> None:
        self._table.put_item(Item=self._session_item(session), ConditionExpression="attribute_not_exists(pk)")

    def get_session(self, tenant_id: str, token_hash: str) -> StoredSession | None:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SESSION_PREFIX + token_hash}, ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return StoredSession(
            tenant_id=tenant_id,
            token_hash=token_hash,
            family=str(item["family"]),
            started_at=_moment(item["started_at"]),
            issued_at=_moment(item["issued_at"]),
            last_used_at=_moment(item["last_used_at"]),
            idle_expires_at=_moment(item["idle_expires_at"]),
            absolute_expires_at=_moment(item["absolute_expires_at"]),
            superseded_at=_moment(item["superseded_at"]) if item.get("superseded_at") else None,
        )

    def touch_session(self, session: StoredSession, now: datetime, idle_expires: datetime) -> None:
        self._table.update_item(
            Key={"pk": tenant_pk(session.tenant_id), "sk": SESSION_PREFIX + session.token_hash},
            UpdateExpression="SET last_used_at = :now, idle_expires_at = :idle",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":now": epoch(now), ":idle": epoch(idle_expires)},
        )

    def supersede_session(self, session: StoredSession, now: datetime, grace_until: datetime) -> bool:
        """Mark the token replaced (it keeps working until `grace_until`, for requests already in
        flight); False when another request replaced it first, so one token has one successor."""
        try:
            self._table.update_item(
                Key={"pk": tenant_pk(session.tenant_id), "sk": SESSION_PREFIX + session.token_hash},
                UpdateExpression="SET superseded_at = :now, expires_at = :grace",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(superseded_at)",
                ExpressionAttributeValues={":now": epoch(now), ":grace": epoch(grace_until)},
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def delete_session(self, tenant_id: str, token_hash: str) -> None:
        self._table.delete_item(Key={"pk": tenant_pk(tenant_id), "sk": SESSION_PREFIX + token_hash})

    @staticmethod
    def _session_item(session: StoredSession) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": tenant_pk(session.tenant_id),
            "sk": SESSION_PREFIX + session.token_hash,
            "family": session.family,
            "started_at": epoch(session.started_at),
            "issued_at": epoch(session.issued_at),
            "last_used_at": epoch(session.last_used_at),
            "idle_expires_at": epoch(session.idle_expires_at),
            "absolute_expires_at": epoch(session.absolute_expires_at),
            "expires_at": epoch(session.absolute_expires_at),
        }
        return item

    # -- step-up grants -------------------------------------------------------------------

    def put_grant(self, tenant_id: str, action: str, requester: str, expires: datetime) -> None:
        self._table.put_item(
            Item={
                "pk": tenant_pk(tenant_id),
                "sk": f"{GRANT_PREFIX}{action}#{requester}",
                "expires_at": epoch(expires),
            }
        )

    def has_grant(self, tenant_id: str, action: str, requester: str, now: datetime) -> bool:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": f"{GRANT_PREFIX}{action}#{requester}"}, ConsistentRead=True
        ).get("Item")
        return bool(item) and int(item["expires_at"]) > epoch(now)

    def take_grant(self, tenant_id: str, action: str, requester: str, now: datetime) -> bool:
        """Use the grant up: one confirmation allows one change."""
        try:
            self._table.delete_item(
                Key={"pk": tenant_pk(tenant_id), "sk": f"{GRANT_PREFIX}{action}#{requester}"},
                ConditionExpression="attribute_exists(pk) AND expires_at > :now",
                ExpressionAttributeValues={":now": epoch(now)},
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    # -- the contact index ----------------------------------------------------------------

    def index_contact(self, address: str, tenant_id: str) -> None:
        self._table.put_item(Item={"pk": contact_key(address), "sk": tenant_pk(tenant_id)})

    def forget_contact(self, address: str, tenant_id: str) -> None:
        self._table.delete_item(Key={"pk": contact_key(address), "sk": tenant_pk(tenant_id)})

    def tenants_of(self, address: str, limit: int) -> list[str]:
        page = self._table.query(KeyConditionExpression=Key("pk").eq(contact_key(address)), Limit=limit)
        return [str(item["sk"]).removeprefix("TENANT#") for item in page.get("Items", [])]

    # -- email counters -------------------------------------------------------------------

    def count_email(self, scope: str, window: str, started: datetime, limit: int, expires: datetime) -> bool:
        """Count one email against `scope` in the window starting at `started`; False (and
        nothing counted) when `limit` emails were counted already."""
        try:
            self._table.update_item(
                Key={"pk": MAIL_PREFIX + scope, "sk": f"{window}#{epoch(started)}"},
                UpdateExpression="ADD sent :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(sent) OR sent < :limit",
                ExpressionAttributeValues={":one": 1, ":limit": limit, ":expires": epoch(expires)},
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True


def _moment(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)
