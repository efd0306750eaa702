"""The sync routes of the onboarding API: start or preview the initial import, follow it, list
every failed record (initial import and ongoing sync in one list), retry them, and the run history.

The initial-sync service and the ongoing sync's stores do the work; this module merges the two
failure kinds for the user. Their errors pass through unchanged to ``onboarding.api.errors``.
Retries are SQS-driven: initial-import failures go back to InitialSyncQueue as ``retry`` tasks,
ongoing-sync failures to SyncQueue as entity-level tasks, the same shape a webhook enqueues.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Self

import boto3
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.records import failure_words
from rackbeat_tripletex.initial_sync.context import InitialSyncContext, QueueSender
from rackbeat_tripletex.initial_sync.service import (
    FailureRef,
    initial_sync_progress,
    list_failures,
    retry_failures,
    start_initial_sync,
)
from rackbeat_tripletex.models.sync import (
    Accepted,
    DryRunReport,
    Entity,
    EntityProgress,
    EntitySyncTask,
    ImportEntity,
    InitialSyncProgress,
    InitialSyncRequest,
    RecordFailure,
    RunState,
    StreamName,
    SyncRun,
)
from rackbeat_tripletex.onboarding.vendors import ONBOARDING_RETRY
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.queue import send_bodies
from rackbeat_tripletex.sync.history import list_sync_failures, list_sync_runs

logger = logging.getLogger(__name__)

INITIAL_SYNC: Literal["initial_sync"] = "initial_sync"
# A failure's source: the import, or a registered stream (a new stream needs no edit here).
FailureSource = Literal["initial_sync"] | StreamName
# The ongoing sync names a Tripletex record without a number by its id (sync.engine).
_TRIPLETEX_ID_KEY = "tripletex-"


# ----- bodies --------------------------------------------------------------------------------
class InitialSyncStatus(BaseModel):
    """``GET /tenants/{tenant_id}/initial-sync``: ``not_started`` until the import is started."""

    tenant_id: str
    state: RunState | Literal["not_started"]
    run_id: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    pages_total: int | None = None
    pages_done: int = 0
    entities: dict[ImportEntity, EntityProgress] = Field(default_factory=dict)
    percent_done: float = Field(0.0, description="Records done of all records to import, 0-100.")
    estimated_seconds_left: float | None = Field(
        None, description="At the rate so far; null until the first records are done."
    )
    failed: int = Field(0, description="Records that could not be imported; GET failures says why.")


class AlreadyRanBody(BaseModel):
    """409: the import runs once per tenant; failed records are retried, not re-imported."""

    message: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    state: RunState


class FieldProblem(BaseModel):
    field: str
    type: str
    message: str


class ProblemsBody(BaseModel):
    """422: what to fix, per field."""

    message: str
    detail: list[FieldProblem] = Field(default_factory=list)


class FailureView(BaseModel):
    """One record that did not sync, from the initial import or from an ongoing-sync stream."""

    source: FailureSource = Field(description="`initial_sync`, or the ongoing-sync stream it failed in.")
    entity: Entity
    key: str = Field(description="Initial import: the Tripletex id. Ongoing sync: the record's key.")
    number: str | None = None
    name: str | None = None
    reason: str
    entity_label: str = Field(description="The record's kind in the reader's language.")
    message: str = Field(description="The cause, in the reader's language.")
    suggested_fix: str = Field(description="What to do, in the reader's language.")
    detail: str = Field(
        description="What the sync recorded: the field and value, often the other system's words."
    )
    attempts: int
    last_attempt_at: dt.datetime | None = None


class SyncRunView(SyncRun):
    """One stream's part of one run, named for people."""

    label: str = Field(description="What the run synced, e.g. \u201cKunder til Tripletex\u201d.")
    trigger_label: str
    outcome_label: str


class SyncRunList(BaseModel):
    """``GET /tenants/{tenant_id}/sync-runs``: newest first, one entry per run and stream."""

    tenant_id: str
    runs: list[SyncRunView]


class FailureList(BaseModel):
    tenant_id: str
    failures: list[FailureView]


class FailureKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: FailureSource
    entity: Entity
    key: str = Field(min_length=1, max_length=255)


class RetryRequest(BaseModel):
    """``{"all": true}`` retries every listed failure; ``{"keys": [...]}`` the ones named."""

    model_config = ConfigDict(extra="forbid")

    all: bool = False
    keys: list[FailureKey] | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_choice(self) -> Self:
        if self.all == bool(self.keys):
            raise PydanticCustomError(
                "retry_choice", 'Send either "all": true or a non-empty "keys" list, not both.'
            )
        return self


class RetryQueued(BaseModel):
    """202: the records are back on the queues; GET failures shows what is still failing."""

    tenant_id: str
    enqueued: int
    initial_sync: int = Field(description="Records re-enqueued on the initial-import queue.")
    ongoing_sync: int = Field(description="Records re-enqueued on the ongoing-sync queue.")
    not_found: list[FailureKey] = Field(
        default_factory=list, description="Keys that are not (or no longer) in the failures list."
    )


# ----- the operations ------------------------------------------------------------------------
@dataclass
class SyncOperations:
    """What the sync routes need; built lazily so the other routes never pay for it."""

    initial: Callable[[], InitialSyncContext]
    table: Any
    sqs: QueueSender
    sync_queue_url: str

    @classmethod
    def build(cls, *, state_table_name: str, sync_queue_url: str) -> SyncOperations:
        table = boto3.resource("dynamodb").Table(state_table_name)
        holder: dict[str, InitialSyncContext] = {}

        def initial() -> InitialSyncContext:
            if "ctx" not in holder:
                holder["ctx"] = InitialSyncContext.from_config(retry=ONBOARDING_RETRY)
            return holder["ctx"]

        return cls(initial=initial, table=table, sqs=boto3.client("sqs"), sync_queue_url=sync_queue_url)

    @cached_property
    def _links(self) -> LinkStore:
        return LinkStore(self.table)

    # -- initial import

    def start(self, tenant_id: str, request: InitialSyncRequest, *, dry_run: bool) -> Accepted | DryRunReport:
        """Raises initial_sync.service's TenantNotFound, NotReady, InvalidRequest and AlreadyRan;
        onboarding.api.errors says what each answers."""
        return start_initial_sync(self.initial(), tenant_id, request, dry_run=dry_run)

    def progress(self, tenant_id: str) -> InitialSyncStatus:
        progress = initial_sync_progress(self.initial(), tenant_id)
        if progress is None:
            return InitialSyncStatus(tenant_id=tenant_id, state="not_started")
        return _status(progress)

    # -- failures

    def failures(self, tenant_id: str) -> FailureList:
        views = [_initial_view(f) for f in list_failures(self.initial(), tenant_id)]
        views += sorted(
            (_ongoing_view(f) for f in list_sync_failures(tenant_id, table=self.table)),
            key=lambda v: (v.source, v.key),
        )
        return FailureList(tenant_id=tenant_id, failures=views)

    def retry(self, tenant_id: str, request: RetryRequest) -> RetryQueued:
        initial_failures = list_failures(self.initial(), tenant_id)
        ongoing = list_sync_failures(tenant_id, table=self.table)
        listed = {(INITIAL_SYNC, f.entity, f.key) for f in initial_failures} | {
            (f.stream.value, f.entity, f.key) for f in ongoing
        }
        wanted = None if request.all else {(k.source, k.entity, k.key) for k in request.keys or []}
        not_found = [k for k in request.keys or [] if (k.source, k.entity, k.key) not in listed]
        initial_refs = [
            FailureRef(entity=f.entity, key=f.key)
            for f in initial_failures
            if wanted is None or (INITIAL_SYNC, f.entity, f.key) in wanted
        ]
        initial_count = 0
        if initial_refs:
            # The run exists whenever initial-import failures do; retry_failures re-reads them.
            initial_count = retry_failures(self.initial(), tenant_id, initial_refs).enqueued
        tasks = [
            task
            for f in ongoing
            if wanted is None or (f.stream.value, f.entity, f.key) in wanted
            if (task := self._entity_task(tenant_id, f)) is not None
        ]
        self._send(tasks)
        logger.info(
            "failures re-enqueued",
            extra={"tenant_id": tenant_id, "initial_sync": initial_count, "ongoing_sync": len(tasks)},
        )
        return RetryQueued(
            tenant_id=tenant_id,
            enqueued=initial_count + len(tasks),
            initial_sync=initial_count,
            ongoing_sync=len(tasks),
            not_found=not_found,
        )

    def _entity_task(self, tenant_id: str, failure: RecordFailure) -> EntitySyncTask | None:
        """The task a webhook for this record would have enqueued; the stream picks it up again."""
        stream = failure.stream
        key = failure.key
        if stream.source == "tripletex":
            # Tripletex-side tasks name the Tripletex id; the failure names the Rackbeat key.
            tripletex_id = _tripletex_id(key, self._links, tenant_id, failure.entity)
            if tripletex_id is None:
                logger.warning(
                    "failure has no Tripletex id to retry by; the next scheduled run re-reads it",
                    extra={"tenant_id": tenant_id, "stream": stream.value, "key": key},
                )
                return None
            key = str(tripletex_id)
        return EntitySyncTask(
            tenant_id=tenant_id, source=stream.source, entity=failure.entity, key=key, event="retry"
        )

    def _send(self, tasks: list[EntitySyncTask]) -> None:
        unsent = send_bodies(self.sqs, self.sync_queue_url, [task.model_dump_json() for task in tasks])
        if unsent:
            raise RuntimeError(f"{unsent} retry messages were not sent to SyncQueue")

    # -- history

    def sync_runs(self, tenant_id: str, limit: int) -> SyncRunList:
        runs = list_sync_runs(tenant_id, limit=limit, table=self.table).runs
        return SyncRunList(tenant_id=tenant_id, runs=[_run_view(run) for run in runs])


def _status(progress: InitialSyncProgress) -> InitialSyncStatus:
    total = sum(e.total for e in progress.entities.values())
    done = sum(e.done for e in progress.entities.values())
    finished = progress.state in (RunState.COMPLETED, RunState.COMPLETED_WITH_FAILURES)
    percent = 100.0 if finished else (round(100.0 * done / total, 1) if total else 0.0)
    return InitialSyncStatus(
        tenant_id=progress.tenant_id,
        state=progress.state,
        run_id=progress.run_id,
        started_at=progress.started_at,
        finished_at=progress.finished_at,
        pages_total=progress.pages_total,
        pages_done=progress.pages_done,
        entities=progress.entities,
        percent_done=percent,
        estimated_seconds_left=progress.estimated_seconds_left,
        failed=sum(e.failed for e in progress.entities.values()),
    )


def _run_view(run: SyncRun) -> SyncRunView:
    target = "tripletex" if run.stream.source == "rackbeat" else "rackbeat"
    return SyncRunView(
        **run.model_dump(),
        label=text(f"history.to.{target}", label=text(f"stream.{run.stream.value}.label")),
        trigger_label=text(f"history.trigger.{run.trigger}"),
        outcome_label=text(f"history.outcome.{run.outcome.value}"),
    )


def _initial_view(failure: Any) -> FailureView:
    words = failure_words(failure.reason.value, failure.entity, failure.message, failure.suggested_fix)
    return FailureView(
        source=INITIAL_SYNC,
        entity=failure.entity,
        key=failure.key,
        number=failure.number,
        name=failure.name,
        reason=failure.reason.value,
        entity_label=words.entity,
        message=words.message,
        suggested_fix=words.fix,
        detail=words.detail,
        attempts=failure.attempts,
        last_attempt_at=failure.last_attempt_at,
    )


def _ongoing_view(failure: RecordFailure) -> FailureView:
    words = failure_words(failure.reason, failure.entity, failure.message, failure.suggested_fix)
    return FailureView(
        source=failure.stream.value,
        entity=failure.entity,
        key=failure.key,
        number=None if failure.key.startswith(_TRIPLETEX_ID_KEY) else failure.key,
        reason=failure.reason,
        entity_label=words.entity,
        message=words.message,
        suggested_fix=words.fix,
        detail=words.detail,
        attempts=failure.attempts,
        last_attempt_at=failure.last_attempt_at,
    )


def _tripletex_id(key: str, links: LinkStore, tenant_id: str, entity: Entity) -> int | None:
    if key.startswith(_TRIPLETEX_ID_KEY):
        rest = key.removeprefix(_TRIPLETEX_ID_KEY)
        return int(rest) if rest.isdigit() else None
    link = links.get(tenant_id, entity, key)
    return link.tripletex_id if link is not None else None
