"""Runtime configuration, parsed from the environment once per container.

Each function's environment holds only references to its resources (set in template.yaml).
A function's composition root parses its own settings model (a RuntimeConfig whose fields that
function cannot run without are required), so a missing variable fails its first invocation,
naming the variable, instead of the first request that happens to need it.

The settings models of the two queue workers live here rather than in their app.py: a handler
module imports no pydantic (its cold start, bench/cold_start.py), and reads them on first use.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class RuntimeConfig(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    stage: str = Field(default="dev", alias="STAGE")
    state_table_name: str | None = Field(default=None, alias="STATE_TABLE_NAME")
    idempotency_table_name: str | None = Field(default=None, alias="IDEMPOTENCY_TABLE_NAME")
    initial_sync_queue_url: str | None = Field(default=None, alias="INITIAL_SYNC_QUEUE_URL")
    sync_queue_url: str | None = Field(default=None, alias="SYNC_QUEUE_URL")
    tenant_secret_prefix: str | None = Field(default=None, alias="TENANT_SECRET_PREFIX")
    sender_email: str | None = Field(default=None, alias="SENDER_EMAIL")
    tripletex_base_url: str = Field(default="https://tripletex.no/v2", alias="TRIPLETEX_BASE_URL")
    rackbeat_base_url: str = Field(default="https://app.rackbeat.com/api", alias="RACKBEAT_BASE_URL")
    public_base_url: str | None = Field(default=None, alias="PUBLIC_BASE_URL")
    # The backstop schedule's EventBridge expression, shown to tenants whose webhooks are missing.
    sync_schedule_expression: str | None = Field(default=None, alias="SYNC_SCHEDULE_EXPRESSION")
    # The operator as Rackbeat sees it (template parameters RackbeatConsumerName/Contact). Without
    # a contact none is sent rather than a made-up one.
    rackbeat_consumer_name: str = Field(
        default="Rackbeat-Tripletex integration", alias="RACKBEAT_CONSUMER_NAME"
    )
    rackbeat_consumer_contact: str | None = Field(default=None, alias="RACKBEAT_CONSUMER_CONTACT")

    def require(self, name: str) -> str:
        """The value of a resource reference the calling function cannot run without."""
        value = getattr(self, name)
        if not value:
            alias = type(self).model_fields[name].alias
            raise RuntimeError(f"environment variable {alias} is not set for this function (template.yaml)")
        return str(value)


class TenantWorkSettings(RuntimeConfig):
    """What every function that reads tenants' rows and tokens and writes them email needs."""

    state_table_name: str = Field(alias="STATE_TABLE_NAME", min_length=1)
    tenant_secret_prefix: str = Field(alias="TENANT_SECRET_PREFIX", min_length=1)
    sender_email: str = Field(alias="SENDER_EMAIL", min_length=1)


class OngoingSyncSettings(TenantWorkSettings):
    """What the ongoing sync cannot run without (SyncContext reads the same environment)."""

    sync_queue_url: str = Field(alias="SYNC_QUEUE_URL", min_length=1)


class InitialSyncSettings(TenantWorkSettings):
    """What the initial import cannot run without (InitialSyncContext reads the same environment)."""

    initial_sync_queue_url: str = Field(alias="INITIAL_SYNC_QUEUE_URL", min_length=1)


def runtime_config() -> RuntimeConfig:
    return function_settings(RuntimeConfig)


def function_settings[Config: RuntimeConfig](model: type[Config]) -> Config:
    """Parsed once per distinct environment: in Lambda that is once per container; the local
    runner loads several functions into one process, each with its own environment."""
    names = tuple(field.alias for field in model.model_fields.values() if field.alias)
    parsed: Config = _parse(model, tuple((name, os.environ.get(name)) for name in names))
    return parsed


@lru_cache(maxsize=32)
def _parse[Config: RuntimeConfig](model: type[Config], values: tuple[tuple[str, str | None], ...]) -> Config:
    return model.model_validate({name: value for name, value in values if value is not None})
