"""The sync engine: runs a tenant's enabled streams (schedule, nightly reconcile) or one changed
record (webhook, retry), and records each stream's run.

Each stream is declared once in ``streams/registry.py``; the per-record algorithm of each
direction is in ``to_tripletex.py`` and ``to_rackbeat.py``. What an idle scheduled cycle costs:
the cursor overlaps make every cycle re-read the last records again, so "already synced" is
decided per page, not per record (their links and failure rows come in one BatchGetItem before
any of them is touched), and only records that will be written take a lease. A record whose last
attempt failed with the same content is not tried again by the scheduled run; a change to it, a
webhook, the retry endpoint or the nightly reconcile (``full``) tries it again. Cursors of all
streams are read in one BatchGetItem, written only when they move, and only after every write
they cover succeeded; the run's history rows go out in one batch.

A dead token (401) pauses the tenant (``needs_relink``) and emails the contact once; the cursor of
the running stream is not advanced, so the next run after relinking re-reads everything since.

A stream that stops on a temporary error (a 5xx, a 429 or a timeout past the client's own
retries, a record another worker is writing) is named in its ``DueRun.retry``: the tenant's turn
(sync/work.py) hands it back to run again shortly. A refusal (a 4xx on the list call) is not
retried early: the same call would be refused again.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from aws_lambda_powertools.metrics import MetricUnit

from rackbeat_tripletex.clients.http import ApiError, AuthError, ValidationFailed
from rackbeat_tripletex.clients.tenant import MissingCredentials
from rackbeat_tripletex.i18n import text, use_language
from rackbeat_tripletex.models.domain import Settings, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import EntitySyncTask, RunOutcome, SyncRun, TenantSyncTask, Trigger
from rackbeat_tripletex.store.tenant_work import ALL, FULL
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.base import Stream
from rackbeat_tripletex.streams.scheduled import Busy, Job, Scheduled
from rackbeat_tripletex.streams.to_rackbeat import ToRackbeat
from rackbeat_tripletex.streams.to_tripletex import ToTripletex
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.deactivation import Deactivation
from rackbeat_tripletex.sync.pause import dead_token, pause_for_relink
from rackbeat_tripletex.sync.session import (
    TRANSIENT,
    OutOfTime,
    RecordBusy,
    Session,
    StreamAborted,
    Written,
    count,
)
from rackbeat_tripletex.sync.to_rackbeat import ToRackbeatSync
from rackbeat_tripletex.sync.to_tripletex import ToTripletexSync

logger = logging.getLogger(__name__)

FULL_PREFIX = "full:"
# One record's work in the tenant's due work (a retry, a resend, a deletion): ``record:<stream>:<key>``
# syncs it as its webhook would, ``deleted:<stream>:<key>`` mirrors its deletion. Run by the turn.
RECORD_PREFIX = "record:"
DELETED_PREFIX = "deleted:"
# What ends a stream's run but may be gone in a minute: the API unavailable or over its rate limit
# (after the client's own retries), or a record another worker is writing right now.
TEMPORARY = (*TRANSIENT, RecordBusy, Busy)
# A stream run that stopped because its task's turn ended says so in its history.
CONTINUED = "sync.run.continued"


@dataclass(frozen=True)
class DueRun:
    runs: list[SyncRun]
    left: set[str]  # what is still due (the turn ended first)
    full_done: bool  # a full reconcile ran to its end
    # Streams stopped by a temporary error (their cursors unmoved), to run again soon from
    # them. By name alone, also in a full reconcile: the run from the cursor carries every change
    # the user is waiting for, and the full re-read of that stream waits for the next night, so
    # a retry never reconciles (or sends the digest) twice.
    retry: set[str] = field(default_factory=set)


class SyncEngine:
    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx
        self.to_tripletex = ToTripletexSync(ctx)
        self.to_rackbeat = ToRackbeatSync(ctx)
        self.deactivation = Deactivation(ctx)

    # ----- entry points ------------------------------------------------------------------------
    def run_tenant(self, task: TenantSyncTask) -> list[SyncRun]:
        """Every enabled stream of the tenant, dependencies first. Returns the stream runs."""
        return self.run_due(task.tenant_id, {FULL if task.full else ALL}, task.trigger).runs

    def run_due(
        self,
        tenant_id: str,
        due: set[str],
        trigger: Trigger,
        *,
        time_left: Callable[[], float] = lambda: math.inf,
    ) -> DueRun:
        """What is due for the tenant (stream names, ``ALL``, ``FULL``; store/tenant_work.py), in
        run order. When ``time_left`` runs out the running stream stops between two records with
        its cursor unmoved, and it and the streams after it are returned as ``left``."""
        opened = self._open(tenant_id, trigger)
        if opened is None:
            return DueRun([], set(), full_done=False)
        tenant, settings = opened
        full = FULL in due or any(name.startswith(FULL_PREFIX) for name in due)
        enabled = registry.enabled(settings.streams)
        records = sorted(name for name in due if name.startswith((RECORD_PREFIX, DELETED_PREFIX)))
        wanted = {name.removeprefix(FULL_PREFIX) for name in due.difference(records)}
        streams = enabled if ALL in due or FULL in due else [s for s in enabled if s.name.value in wanted]
        runs: list[SyncRun] = []
        left: set[str] = set()
        retry: set[str] = set()
        # What the run records (failures, history) is read by the tenant: in its language.
        with use_language(tenant.language):
            try:
                with self.ctx.clients(tenant_id) as clients:
                    session = Session(
                        tenant, settings, clients, trigger, uuid.uuid4().hex, time_left=time_left
                    )
                    if streams:
                        session.cursors = self.ctx.cursors.get_many(
                            tenant_id, [s.name.value for s in streams]
                        )
                    for index, stream in enumerate(streams):
                        run, temporary = self._run_stream(session, stream, full=full)
                        runs.append(run)
                        if temporary:
                            retry.add(stream.name.value)
                        if run.outcome == RunOutcome.PAUSED:
                            retry.clear()  # paused until relinked: nothing to retry before then
                            break
                        if session.out_of_time:
                            prefix = FULL_PREFIX if full else ""
                            left = {prefix + s.name.value for s in streams[index:]} | set(records)
                            break
                    else:
                        if records:
                            self._run_records(session, enabled, records, runs, left, retry)
            except MissingCredentials:
                logger.warning(
                    "tenant has no stored credentials; nothing synced", extra={"tenant_id": tenant_id}
                )
                if records:
                    # A named record (a retry, a resend, a deletion) is a request, not a tick: its
                    # message fails, is retried and ends in the DLQ, to be redriven once fixed.
                    raise
            finally:
                # History is written once per tenant run; a run cut short still records its streams.
                if runs:
                    self.ctx.runs.put_many(runs)
        return DueRun(runs, left, full_done=full and not left and bool(runs), retry=retry)

    def run_entity(self, task: EntitySyncTask) -> str:
        """One changed record from a webhook. Raises on transient failures so SQS retries it."""
        stream = registry.find(task.source, task.entity)
        opened = self._open(task.tenant_id, "webhook")
        if opened is None or stream is None:
            return "ignored"
        tenant, settings = opened
        if not getattr(settings.streams, stream.name.value):
            return "stream_off"
        with use_language(tenant.language), self.ctx.clients(task.tenant_id) as clients:
            session = Session(tenant, settings, clients, "webhook", uuid.uuid4().hex)
            run = self._new_run(session, stream)
            try:
                # A deletion is mirrored as a deactivation, never a deletion: a record with
                # history (invoices, stock) cannot be deleted in the other system.
                result = (
                    self.deactivation.deleted(session, stream, task.key)
                    if task.deleted
                    else self._sync_one(session, stream, task.key)
                )
                if task.deleted and result.outcome == "written":
                    run.detail = self.deactivation.note(session, stream)
            except AuthError as error:
                self._pause(tenant, error)
                run.outcome = RunOutcome.PAUSED
                result = Written("failed")
            except TRANSIENT as error:
                run.outcome = RunOutcome.FAILED
                run.detail = error.user_hint
                self._finish(run)
                raise
            run.read = 1
            count(run, result)
            self._finish(run)
            return result.outcome

    def _run_records(
        self,
        session: Session,
        enabled: list[Stream],
        records: list[str],
        runs: list[SyncRun],
        left: set[str],
        retry: set[str],
    ) -> None:
        """Each record named in the due work, as its own task once did, with one history entry
        per stream. Out of time, the rest is ``left``; a temporary error names it in ``retry``."""
        by_stream: dict[str, SyncRun] = {}
        for index, entry in enumerate(records):
            kind, name, key = entry.split(":", 2)
            stream = next((s for s in enabled if s.name.value == name), None)
            if stream is None:
                continue  # switched off since it was asked for
            if session.time_left() <= 0:
                left.update(records[index:])
                break
            run = by_stream.setdefault(name, self._new_run(session, stream))
            run.read += 1
            try:
                if kind + ":" == DELETED_PREFIX:
                    result = self.deactivation.deleted(session, stream, key)
                    if result.outcome == "written":
                        run.detail = self.deactivation.note(session, stream)
                else:
                    result = self._sync_one(session, stream, key)
            except AuthError as error:
                self._pause(session.tenant, error)
                run.outcome = RunOutcome.PAUSED
                run.detail = text("failure.stream.paused")
                retry.clear()
                break
            except (StreamAborted, RecordBusy, Busy, ApiError) as error:
                run.outcome = RunOutcome.FAILED
                run.detail = _stream_failure(error) or run.detail
                if isinstance(error, TEMPORARY):
                    retry.add(entry)
                continue
            except Exception as error:
                # A bug on one record must not fail the turn (its redelivery would fail again).
                run.outcome = RunOutcome.FAILED
                logger.error(
                    "record stopped on an unexpected error",
                    extra={
                        "tenant_id": session.tenant_id,
                        "stream": name,
                        "error_type": type(error).__name__,
                    },
                )
                continue
            count(run, result)
        for run in by_stream.values():
            if run.outcome == RunOutcome.OK and run.failed:
                run.outcome = RunOutcome.PARTIAL
            self._finish(run, store=False)
            runs.append(run)

    # ----- plumbing -------------------------------------------------------------------------------
    def _open(self, tenant_id: str, trigger: Trigger) -> tuple[Tenant, Settings] | None:
        tenant = self.ctx.tenants.get(tenant_id)
        if tenant is None or tenant.status != TenantStatus.ACTIVE:
            # Paused or offboarded: nothing is read, so every cursor stays where it was.
            logger.info("tenant not active; sync skipped", extra={"tenant_id": tenant_id, "trigger": trigger})
            return None
        settings = self.ctx.tenants.get_settings(tenant_id)
        if settings is None:
            return None
        return tenant, settings

    def _new_run(self, session: Session, stream: Stream) -> SyncRun:
        return SyncRun(
            tenant_id=session.tenant_id,
            run_id=session.run_id,
            stream=stream.name,
            trigger=session.trigger,
            started_at=self.ctx.now(),
        )

    def _sync_one(self, session: Session, stream: Stream, key: str) -> Written:
        if isinstance(stream, Scheduled):
            # Retry names one of its records: the stream's loop runs again from its first
            # period (they are posted in order), the cursor aside.
            done = self._new_run(session, stream)
            stream.run(self._job(session, stream, done, full=True))
            return Written("failed" if done.failed else "written" if done.written else "skipped")
        if isinstance(stream, ToTripletex):
            return self.to_tripletex.run_one(session, stream, key)
        assert isinstance(stream, ToRackbeat)
        return self.to_rackbeat.run_one(session, stream, int(key))

    def _read_stream(self, session: Session, stream: Stream, run: SyncRun, *, full: bool) -> None:
        if isinstance(stream, Scheduled):
            stream.run(self._job(session, stream, run, full=full))
        elif isinstance(stream, ToTripletex):
            self.to_tripletex.run(session, stream, run, full=full)
        else:
            assert isinstance(stream, ToRackbeat)
            self.to_rackbeat.run(session, stream, run, full=full)

    def _job(self, session: Session, stream: Stream, run: SyncRun, *, full: bool) -> Job:
        return Job(
            tenant_id=session.tenant_id,
            settings=session.settings,
            rackbeat=session.rackbeat,
            tripletex=session.tripletex,
            links=self.ctx.links,
            failures=self.ctx.failures,
            cursors=self.ctx.cursors,
            cursor=session.cursors.get(stream.name.value),
            run=run,
            full=full,
            now=self.ctx.now,
            activated=session.tenant.settings_saved_at,
            language=session.tenant.language,
            table=self.ctx.table,
            dependency=lambda needed: self.to_tripletex.sync_dependency(session, needed),
        )

    def _run_stream(self, session: Session, stream: Stream, *, full: bool) -> tuple[SyncRun, bool]:
        """The stream's run, and whether it stopped on a temporary error (worth a retry soon)."""
        run = self._new_run(session, stream)
        temporary = False
        try:
            self._read_stream(session, stream, run, full=full)
        except OutOfTime:
            # Not a failure: the next turn goes on from the same cursor.
            session.out_of_time = True
            run.detail = text(CONTINUED, session.tenant.language)
        except AuthError as error:
            self._pause(session.tenant, error)
            run.outcome = RunOutcome.PAUSED
            run.detail = text("failure.stream.paused")
        except (StreamAborted, RecordBusy, Busy, ApiError) as error:
            # Any refusal of the stream's list call (a 422 on a filter included) ends this
            # stream's run, recorded with its reason; the tenant's other streams still run.
            run.outcome = RunOutcome.FAILED
            run.detail = _stream_failure(error)
            temporary = isinstance(error, TEMPORARY)
            logger.warning(
                "stream stopped; its cursor stays and the next run re-reads",
                extra={
                    "tenant_id": session.tenant_id,
                    "stream": stream.name.value,
                    "error": run.detail,
                    "temporary": temporary,
                },
            )
        except Exception as error:
            # A bug or a shape we never imagined: the stream fails alone. Only the exception's
            # type is logged and stored; its text may quote vendor data or a secret.
            run.outcome = RunOutcome.FAILED
            run.detail = (
                f"The stream stopped on an unexpected error ({type(error).__name__}); "
                "it is retried on the next run and the operator has been alerted."
            )
            logger.error(
                "stream stopped on an unexpected error",
                extra={
                    "tenant_id": session.tenant_id,
                    "stream": stream.name.value,
                    "error_type": type(error).__name__,
                },
            )
        if run.outcome == RunOutcome.OK and run.failed:
            run.outcome = RunOutcome.PARTIAL
        self._finish(run, store=False)
        return run, temporary

    def _finish(self, run: SyncRun, *, store: bool = True) -> None:
        run.finished_at = self.ctx.now()
        if store:
            self.ctx.runs.put(run)
        metrics = self.ctx.metrics
        metrics.add_metric(f"{run.stream.value}.synced", MetricUnit.Count, run.written)
        metrics.add_metric(f"{run.stream.value}.failed", MetricUnit.Count, run.failed)

    def _pause(self, tenant: Tenant, error: ApiError) -> None:
        """needs_relink (the scheduler lists only active tenants) and one email per outage."""
        with use_language(tenant.language):
            check = dead_token(error.api)
        pause_for_relink(self.ctx.tenants, self.ctx.mailer, tenant.tenant_id, [check], self.ctx.now())


def _stream_failure(error: Exception) -> str:
    """What a stopped stream's run says, in words for the tenant (never the raw answer)."""
    if isinstance(error, ValidationFailed):
        api = error.api or text("failure.stream.the_api")
        return text("failure.stream.list_refused", api=api, error=error, hint=error.user_hint)
    return error.user_hint if isinstance(error, ApiError) else str(error)


__all__ = ["SyncEngine"]
