"""Registers a tenant's Rackbeat webhooks when the tenant is activated (called by onboarding)."""

from __future__ import annotations

import logging

import boto3
from pydantic import SecretStr

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Credentials
from rackbeat_tripletex.webhooks import rackbeat
from rackbeat_tripletex.webhooks.store import WebhookStore

logger = logging.getLogger(__name__)


def register_rackbeat_webhooks(tenant_id: str, credentials: Credentials, public_base_url: str) -> int:
    """Subscribe the tenant's webhook URL; a failure is logged, never raised: the scheduled sync
    is the backstop, and saving settings must not fail because Rackbeat had a bad minute."""
    config = runtime_config()
    try:
        store = WebhookStore(boto3.resource("dynamodb").Table(config.require("state_table_name")))
        token = SecretStr(credentials.rackbeat_api_token.get_secret_value())
        with RackbeatClient(config.rackbeat_base_url, token) as client:
            return rackbeat.register(client, store, tenant_id, public_base_url)
    except Exception as error:
        logger.warning(
            "rackbeat webhooks not registered; the scheduled sync still runs",
            extra={"tenant_id": tenant_id, "error": type(error).__name__},
        )
        return 0
