"""The ongoing sync's own vocabulary: streams, SyncQueue tasks, per-stream run records.

SyncQueue messages carry ids, numbers and event names only, never tokens: a worker reads the
tenant's tokens from Secrets Manager itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from rackbeat_tripletex.models.domain import Streams

SyncEntity = Literal["customer", "supplier", "product", "invoice"]
Source = Literal["rackbeat", "tripletex"]
Trigger = Literal["webhook", "schedule", "reconcile"]


class StreamName(StrEnum):
    """One entity in one direction; the values are the tenant's Settings.streams field names."""

    CUSTOMERS_TO_TRIPLETEX = "customers_to_tripletex"
    SUPPLIERS_TO_TRIPLETEX = "suppliers_to_tripletex"
    PRODUCTS_TO_TRIPLETEX = "products_to_tripletex"
    INVOICES_TO_TRIPLETEX = "invoices_to_tripletex"
    CUSTOMERS_TO_RACKBEAT = "customers_to_rackbeat"
    SUPPLIERS_TO_RACKBEAT = "suppliers_to_rackbeat"
    PRODUCTS_TO_RACKBEAT = "products_to_rackbeat"

    @property
    def entity(self) -> SyncEntity:
        return _ENTITY[self]

    @property
    def source(self) -> Source:
        return "rackbeat" if self.value.endswith("_to_tripletex") else "tripletex"


_ENTITY: dict[StreamName, SyncEntity] = {
    StreamName.CUSTOMERS_TO_TRIPLETEX: "customer",
    StreamName.SUPPLIERS_TO_TRIPLETEX: "supplier",
    StreamName.PRODUCTS_TO_TRIPLETEX: "product",
    StreamName.INVOICES_TO_TRIPLETEX: "invoice",
    StreamName.CUSTOMERS_TO_RACKBEAT: "customer",
    StreamName.SUPPLIERS_TO_RACKBEAT: "supplier",
    StreamName.PRODUCTS_TO_RACKBEAT: "product",
}

# Dependencies first: an invoice needs its customer and products in Tripletex before it.
STREAM_ORDER: tuple[StreamName, ...] = tuple(StreamName)


def enabled_streams(streams: Streams) -> list[StreamName]:
    return [name for name in STREAM_ORDER if getattr(streams, name.value)]


def stream_for(source: Source, entity: SyncEntity) -> StreamName | None:
    for name in STREAM_ORDER:
        if name.source == source and name.entity == entity:
            return name
    return None


# ----- SyncQueue tasks -------------------------------------------------------------------------
class TenantSyncTask(BaseModel):
    """Run every enabled stream of one tenant from its cursors (``full``: the nightly reconcile)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["tenant"] = "tenant"
    tenant_id: str
    trigger: Literal["schedule", "reconcile"] = "schedule"
    full: bool = False


class EntitySyncTask(BaseModel):
    """One record changed on one side (a webhook). ``key`` is the Rackbeat number or Tripletex id."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["entity"] = "entity"
    tenant_id: str
    source: Source
    entity: SyncEntity
    key: str = Field(min_length=1, max_length=255)
    event: str = Field(max_length=100)
    deleted: bool = False


SyncQueueTask = Annotated[TenantSyncTask | EntitySyncTask, Field(discriminator="kind")]
SYNC_QUEUE_TASK: TypeAdapter[TenantSyncTask | EntitySyncTask] = TypeAdapter(SyncQueueTask)


def parse_sync_task(body: str) -> TenantSyncTask | EntitySyncTask:
    return SYNC_QUEUE_TASK.validate_json(body)


# ----- history -----------------------------------------------------------------------------------
class RunOutcome(StrEnum):
    OK = "ok"
    # Some records failed; they are listed under failures and retried by the next run.
    PARTIAL = "partial"
    # The read itself failed (API down, rate limit): the cursor stayed, the next run re-reads.
    FAILED = "failed"
    # A token stopped working: the tenant is paused, the cursor stayed.
    PAUSED = "paused"


class SyncRun(BaseModel):
    """One stream's part of one run: what it read, wrote, skipped and failed."""

    tenant_id: str
    run_id: str
    stream: StreamName
    trigger: Trigger
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    read: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    outcome: RunOutcome = RunOutcome.OK
    detail: str | None = None


class SyncFailure(BaseModel):
    """A record the ongoing sync could not write, in words the user can act on."""

    stream: StreamName
    entity: SyncEntity
    key: str
    reason: str
    message: str
    suggested_fix: str
    attempts: int = 1
    last_attempt_at: dt.datetime | None = None
