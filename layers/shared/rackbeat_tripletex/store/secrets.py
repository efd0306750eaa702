"""Each tenant's tokens, in its own Secrets Manager secret `<prefix><tenant_id>`.

This module is the only code that turns Credentials into plain strings and back. Errors raised
from here carry the secret's name at most, never its value.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Credentials


class TenantSecrets:
    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_config(cls) -> TenantSecrets:
        prefix = runtime_config().require("tenant_secret_prefix")
        return cls(boto3.client("secretsmanager"), prefix)

    def name(self, tenant_id: str) -> str:
        return f"{self._prefix}{tenant_id}"

    def put(self, tenant_id: str, credentials: Credentials) -> None:
        payload = json.dumps(credentials.secret_values())
        try:
            self._client.create_secret(
                Name=self.name(tenant_id),
                Description="Rackbeat and Tripletex API tokens of one tenant",
                SecretString=payload,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceExistsException":
                raise
            self._client.put_secret_value(SecretId=self.name(tenant_id), SecretString=payload)

    def get(self, tenant_id: str) -> Credentials | None:
        try:
            answer = self._client.get_secret_value(SecretId=self.name(tenant_id))
        except ClientError as error:
            if error.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidRequestException"):
                return None
            raise
        return Credentials.model_validate(json.loads(answer["SecretString"]))

    def delete(self, tenant_id: str) -> bool:
        """Delete at once: an offboarded tenant asked for its tokens to be gone, not recoverable."""
        try:
            self._client.delete_secret(SecretId=self.name(tenant_id), ForceDeleteWithoutRecovery=True)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return False
            raise
        return True
