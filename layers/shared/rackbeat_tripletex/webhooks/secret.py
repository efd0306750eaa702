"""The HMAC secret a tenant's Tripletex event subscriptions are signed with.

One secret per tenant, in Secrets Manager at ``<prefix><tenant_id>/tripletex-webhook`` as
``{"hmac_shared_secret": ...}`` (the webhooks function reads it there to verify deliveries).
It lives beside the tenant's tokens, not inside them: the webhooks function may read this one
and nothing else. The value only ever leaves this module as a SecretStr.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from pydantic import SecretStr

SUFFIX = "/tripletex-webhook"
FIELD = "hmac_shared_secret"
_NOT_FOUND = ("ResourceNotFoundException", "InvalidRequestException")


def secret_name(prefix: str, tenant_id: str) -> str:
    return f"{prefix}{tenant_id}{SUFFIX}"


@dataclass(frozen=True)
class WebhookSecret:
    value: SecretStr
    # True when this call made it: subscriptions registered before carry another secret.
    created: bool


class TripletexWebhookSecrets:
    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def get(self, tenant_id: str) -> SecretStr | None:
        try:
            answer = self._client.get_secret_value(SecretId=secret_name(self._prefix, tenant_id))
        except ClientError as error:
            if error.response["Error"]["Code"] in _NOT_FOUND:
                return None
            raise
        value = json.loads(answer["SecretString"]).get(FIELD)
        return SecretStr(str(value)) if value else None

    def get_or_create(self, tenant_id: str) -> WebhookSecret:
        """The tenant's secret, made on first use. Kept across settings saves, so re-registering
        does not have to rewrite every subscription."""
        existing = self.get(tenant_id)
        if existing is not None:
            return WebhookSecret(existing, created=False)
        fresh = secrets.token_urlsafe(32)
        try:
            self._client.create_secret(
                Name=secret_name(self._prefix, tenant_id),
                Description="HMAC secret of one tenant's Tripletex event subscriptions",
                SecretString=json.dumps({FIELD: fresh}),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceExistsException":
                raise
            # A concurrent save made it first: use theirs, so both registrations agree.
            won = self.get(tenant_id)
            if won is None:
                raise
            return WebhookSecret(won, created=False)
        return WebhookSecret(SecretStr(fresh), created=True)

    def delete(self, tenant_id: str) -> bool:
        """Gone at once (no recovery window): an offboarded tenant's secret must not linger."""
        try:
            self._client.delete_secret(
                SecretId=secret_name(self._prefix, tenant_id), ForceDeleteWithoutRecovery=True
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return False
            raise
        return True
