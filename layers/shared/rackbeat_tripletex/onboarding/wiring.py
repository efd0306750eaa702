"""Builds the onboarding services from a function's settings (once per container)."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import boto3
from pydantic import Field, field_validator

from rackbeat_tripletex.config import TenantWorkSettings
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.notify.limits import EmailLimits
from rackbeat_tripletex.onboarding.service import Onboarding
from rackbeat_tripletex.onboarding.vendors import LiveVendors
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.sessions import AuthStore
from rackbeat_tripletex.store.tenants import TenantStore

LOOPBACK_HOSTS = ("localhost",)


class PublicBaseUrlError(ValueError):
    """PUBLIC_BASE_URL is not a URL our emailed links and webhooks may point at."""


def checked_public_base_url(value: str) -> str:
    """`value` with one trailing slash, if it is an https URL without credentials, query or
    fragment (http only for the loopback host the local stack serves on)."""
    parts = urlsplit(value.strip())
    host = parts.hostname or ""
    loopback = host in LOOPBACK_HOSTS or _is_loopback_ip(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise PublicBaseUrlError("PUBLIC_BASE_URL must start with https://")
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        raise PublicBaseUrlError("PUBLIC_BASE_URL must be scheme and host, optionally a path; nothing else")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in value):
        raise PublicBaseUrlError("PUBLIC_BASE_URL must not contain spaces or control characters")
    return value.strip().rstrip("/") + "/"


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OnboardingSettings(TenantWorkSettings):
    """What the tenant lifecycle cannot run without (onboarding_api, token_validation)."""

    # The SES configuration set that routes bounces and complaints to the operator (template).
    ses_configuration_set: str | None = Field(default=None, alias="SES_CONFIGURATION_SET")

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str | None) -> str | None:
        return checked_public_base_url(value) if value else None


class OnboardingApiSettings(OnboardingSettings):
    """onboarding_api also starts imports and retries failures on both queues."""

    initial_sync_queue_url: str = Field(alias="INITIAL_SYNC_QUEUE_URL", min_length=1)
    sync_queue_url: str = Field(alias="SYNC_QUEUE_URL", min_length=1)
    one_integration_per_account: bool = Field(True, alias="ONE_INTEGRATION_PER_ACCOUNT")


def build_onboarding(settings: OnboardingSettings, *, email_limits: bool = False) -> Onboarding:
    """`email_limits`: count every email against its recipient and tenant (the API's emails;
    the scheduled ones are bounded by their schedule)."""
    # httpx logs every request URL at INFO, and Tripletex takes the consumer and employee tokens
    # as query parameters of :create: that logger must never run at INFO in our functions.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    table = boto3.resource("dynamodb").Table(settings.state_table_name)
    auth = AuthStore(table)
    onboarding = Onboarding(
        tenants=TenantStore(table),
        secrets=TenantSecrets(boto3.client("secretsmanager"), settings.tenant_secret_prefix),
        mailer=Mailer(
            boto3.client("sesv2"),
            settings.sender_email,
            limits=EmailLimits(auth) if email_limits else None,
            configuration_set=settings.ses_configuration_set,
        ),
        vendors=LiveVendors(
            tripletex_base_url=settings.tripletex_base_url, rackbeat_base_url=settings.rackbeat_base_url
        ),
        auth=auth,
        table=table,
    )
    onboarding.one_integration_per_account = getattr(settings, "one_integration_per_account", True)
    return onboarding


def public_base_url(configured: str | None, event: Mapping[str, Any]) -> str:
    """Where the wizard is reachable, for emailed links and webhook URLs.

    PUBLIC_BASE_URL wins (a custom domain; checked when the settings are parsed). Without it the
    URL is API Gateway's own: https, `requestContext.domainName`, and on an execute-api domain
    the stage. Request headers (Host, X-Forwarded-Proto) are never used: a caller controls them,
    and a link in our email must not point wherever the caller likes.
    """
    if configured:
        return checked_public_base_url(configured)
    context = event.get("requestContext") or {}
    domain = str(context.get("domainName") or "")
    if not domain:
        raise PublicBaseUrlError("no PUBLIC_BASE_URL and no requestContext.domainName to build links from")
    stage = context.get("stage")
    if domain.endswith(".amazonaws.com") and stage:
        return checked_public_base_url(f"https://{domain}/{stage}/")
    return checked_public_base_url(f"https://{domain}/")
