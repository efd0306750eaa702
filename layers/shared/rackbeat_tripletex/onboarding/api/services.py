"""What the onboarding routes call, built from the function's settings on first use."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import boto3

from rackbeat_tripletex.config import function_settings
from rackbeat_tripletex.onboarding.identity import Principal
from rackbeat_tripletex.onboarding.service import Onboarding
from rackbeat_tripletex.onboarding.syncing import SyncOperations
from rackbeat_tripletex.onboarding.wiring import OnboardingApiSettings, build_onboarding, public_base_url
from rackbeat_tripletex.webhooks.status import WebhookStatus, webhook_status
from rackbeat_tripletex.webhooks.store import WebhookStore


class OnboardingServices:
    """Lazy on purpose: a request for the wizard page pays for no AWS client, and a tenant
    route never for the initial import's clients. The settings are parsed at first use, not
    at import, so a test or the local runner can import the function before its environment
    is complete."""

    @property
    def settings(self) -> OnboardingApiSettings:
        return function_settings(OnboardingApiSettings)

    @cached_property
    def onboarding(self) -> Onboarding:
        return build_onboarding(self.settings, email_limits=True)

    @cached_property
    def sync(self) -> SyncOperations:
        return SyncOperations.build(
            state_table_name=self.settings.state_table_name, sync_queue_url=self.settings.sync_queue_url
        )

    @cached_property
    def _webhook_store(self) -> WebhookStore:
        return WebhookStore(boto3.resource("dynamodb").Table(self.settings.state_table_name))

    def authorize(self, tenant_id: str, presented_token: str | None) -> Principal:
        return self.onboarding.authorize(tenant_id, presented_token)

    def webhook_status(self, tenant_id: str) -> WebhookStatus:
        return webhook_status(self._webhook_store, tenant_id, self.settings.sync_schedule_expression)

    def public_base_url(self, event: Mapping[str, Any]) -> str:
        return public_base_url(self.settings.public_base_url, event)
