"""What the settings page shows about the ongoing sync: recent runs and records that failed."""

from __future__ import annotations

from typing import Any

import boto3
from pydantic import BaseModel

from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.sync import RecordFailure, SyncRun
from rackbeat_tripletex.store.failures import FailureStore
from rackbeat_tripletex.store.runs import RunStore


class SyncRuns(BaseModel):
    """``GET /tenants/{tenant_id}/sync-runs``: newest first, one entry per run and stream."""

    tenant_id: str
    runs: list[SyncRun]


def _table(table: Any | None) -> Any:
    if table is not None:
        return table
    return boto3.resource("dynamodb").Table(runtime_config().require("state_table_name"))


def list_sync_runs(tenant_id: str, *, limit: int = 50, table: Any | None = None) -> SyncRuns:
    """The caller has already authorised the tenant (onboarding's gate)."""
    return SyncRuns(tenant_id=tenant_id, runs=RunStore(_table(table)).latest(tenant_id, limit))


def list_sync_failures(tenant_id: str, *, table: Any | None = None) -> list[RecordFailure]:
    return list(FailureStore(_table(table)).list_streams(tenant_id))
