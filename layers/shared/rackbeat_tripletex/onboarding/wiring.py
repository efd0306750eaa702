"""Builds the onboarding services from a function's settings (once per container)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import boto3
from pydantic import Field

from rackbeat_tripletex.config import TenantWorkSettings
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.onboarding.service import Onboarding
from rackbeat_tripletex.onboarding.vendors import LiveVendors
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore


class OnboardingSettings(TenantWorkSettings):
    """What the tenant lifecycle cannot run without (onboarding_api, token_validation)."""


class OnboardingApiSettings(OnboardingSettings):
    """onboarding_api also starts imports and retries failures on both queues."""

    initial_sync_queue_url: str = Field(alias="INITIAL_SYNC_QUEUE_URL", min_length=1)
    sync_queue_url: str = Field(alias="SYNC_QUEUE_URL", min_length=1)


def build_onboarding(settings: OnboardingSettings) -> Onboarding:
    # httpx logs every request URL at INFO, and Tripletex takes the consumer and employee tokens
    # as query parameters of :create: that logger must never run at INFO in our functions.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return Onboarding(
        tenants=TenantStore(boto3.resource("dynamodb").Table(settings.state_table_name)),
        secrets=TenantSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix),
        mailer=Mailer(boto3.client("sesv2"), settings.sender_email),
        vendors=LiveVendors(
            tripletex_base_url=settings.tripletex_base_url, rackbeat_base_url=settings.rackbeat_base_url
        ),
    )


def public_base_url(configured: str | None, event: Mapping[str, Any]) -> str:
    """Where the wizard is reachable, for links in emails.

    PUBLIC_BASE_URL wins (a custom domain). Without it the URL is rebuilt from the request:
    on an execute-api domain the stage is part of the path; elsewhere (the local stack, a
    custom domain mapped at the root) it is not. API Gateway's own `domainName` is preferred to
    the Host header, which a caller controls.
    """
    if configured:
        return configured.rstrip("/") + "/"
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    context = event.get("requestContext") or {}
    host = context.get("domainName") or headers.get("host") or "localhost"
    scheme = headers.get("x-forwarded-proto", "https").split(",")[0].strip() or "https"
    stage = context.get("stage")
    if host.endswith(".amazonaws.com") and stage:
        return f"{scheme}://{host}/{stage}/"
    return f"{scheme}://{host}/"
