"""The sync engine: streams read changes since their cursor, map them, and write them idempotently.

Per record (both directions):
1. Skip without mapping when the link says this exact version is already on the other side
   (Rackbeat ``updated_at`` / Tripletex ``version`` we wrote or synced): our own echo, a
   duplicate webhook, or a re-read inside the cursor overlap.
2. Map (pure). A mapping failure is recorded with its reason and fix; the record fails alone.
3. Skip when the payload's content hash equals the one we last wrote (nothing changed for the
   other side).
4. Write: find the target by link, then by the record's number in the target, and only then
   create. Tripletex updates carry the ``version`` just read.
5. Record the link, then (for the stream) advance the cursor once every record's write is done.

What an idle scheduled cycle costs DynamoDB: the cursor overlaps make every cycle re-read the
last records again, so step 1 is decided per page, not per record: the links (and failure rows)
of up to ``PAGE_STATE_RECORDS`` records come in one BatchGetItem before any of them is touched,
and only records that will be written take a lease. A record whose last attempt failed with the
same content is not tried again by the scheduled run (it would fail the same way, every five
minutes, for as long as it stays in the overlap); a change to it, a webhook, the retry endpoint
or the nightly reconcile (``full``) tries it again. Cursors of all streams are read in one
BatchGetItem, written only when they move, and the run's history rows go out in one batch.

Conflict policy (409 on a Tripletex update): the record changed in Tripletex between our read and
our write, so the Tripletex change is the newer one. With the Tripletex -> Rackbeat stream on,
it wins: we do not overwrite it, and its own stream carries it to Rackbeat. With that stream off,
Rackbeat is the only source of truth for the entity: we re-read and apply our change on the fresh
version (never blindly: a second 409 leaves the record for the next run).

A dead token (401) pauses the tenant (``needs_relink``) and emails the contact once; the cursor of
the running stream is not advanced, so the next run after relinking re-reads everything since.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit

from rackbeat_tripletex import preflight
from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable, readable
from rackbeat_tripletex.clients.tenant import Clients, MissingCredentials
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.initial_sync.records import resolve_reference_data
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.invoice import exact as exact_amount
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.contacts import as_update
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.customer import map_customer as customer_to_rackbeat
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import map_product as product_to_rackbeat
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.supplier import map_supplier as supplier_to_rackbeat
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.domain import Check, CheckId, Settings, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import (
    Entity,
    EntityLink,
    EntitySyncTask,
    RecordFailure,
    ReferenceData,
    RunOutcome,
    StreamName,
    SyncRun,
    TenantSyncTask,
    Trigger,
    enabled_streams,
    stream_for,
)
from rackbeat_tripletex.store.links import PageState
from rackbeat_tripletex.store.tenants import ConcurrentUpdateError
from rackbeat_tripletex.sync.context import SyncContext

logger = logging.getLogger(__name__)

# Reference conventions 5: incremental reads overlap their updated_at_from cursor by 2 hours.
RACKBEAT_OVERLAP = dt.timedelta(hours=2)
# Tripletex changedSince: a little overlap for clock skew between us and Tripletex.
TRIPLETEX_OVERLAP = dt.timedelta(minutes=5)
# A record's write takes a few calls; the lease outlives that but not a redelivery.
LEASE_SECONDS = 60
LEASE_WAIT_SECONDS = 10.0
LEASE_POLL_SECONDS = 0.25
# Records whose rows are read in one BatchGetItem: a link row and a failure row each, so 50
# records make the 100 keys DynamoDB answers in one call.
PAGE_STATE_RECORDS = 50

TRANSIENT = (ServerError, RateLimited, TransportError)


class TenantPaused(Exception):
    """A token stopped working; the tenant is now needs_relink."""


class RecordBusy(Exception):
    """Another worker is writing this record right now; try again shortly."""


class StreamAborted(Exception):
    """The stream could not finish (the API is unavailable); its cursor stays."""


class InvoicingBlocked(StreamAborted):
    """The Tripletex company cannot take invoices (e.g. no bank account): the invoice stream stops
    for this run with one tenant-level failure, its cursor stays, and the next run carries them."""


@dataclass
class _Invoicing:
    """The run's view of the company's invoicing setup, read once per run and only when a
    record has to be written (an idle run reads nothing)."""

    settings: tx.InvoiceSettings | None = None
    settings_read: bool = False
    reference: r2t.Reference | None = None
    checked: bool = False
    blocker: preflight.Finding | None = None
    # Rackbeat product number -> its product group, for invoice lines without a VAT rate.
    product_groups: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Written:
    outcome: str  # "written" | "skipped" | "failed"
    tripletex_id: int | None = None


@dataclass
class _Session:
    """One tenant's work in one invocation: clients, settings, and lazily loaded reference data."""

    tenant: Tenant
    settings: Settings
    clients: Clients
    trigger: Trigger
    run_id: str
    _reference: r2t.Reference | None = None
    _refs: ReferenceData | None = None
    api_calls: int = 0
    syncing: set[tuple[Entity, str]] = field(default_factory=set)
    # Every stream's cursor as the run started (read in one batch by ``run_tenant``).
    cursors: dict[str, str] = field(default_factory=dict)
    _initial_run: Any = None
    _initial_run_read: bool = False
    invoicing: _Invoicing = field(default_factory=_Invoicing)

    @property
    def tripletex(self) -> TripletexClient:
        return self.clients.tripletex

    @property
    def rackbeat(self) -> RackbeatClient:
        return self.clients.rackbeat

    def reference(self) -> r2t.Reference:
        """Rackbeat -> Tripletex lookups. Loaded only when a change has to be mapped (an idle run
        costs one read per stream); the client keeps each reference list for the whole run."""
        if self._reference is None:
            self._reference = r2t.Reference.build(
                vat_types=self.tripletex.list_vat_types(),
                product_units=self.tripletex.list_product_units(),
                currencies=self.tripletex.list_currencies(),
                countries={
                    c.iso_alpha2_code.upper(): c.id
                    for c in self.tripletex.list_countries()
                    if c.iso_alpha2_code
                },
                rackbeat_units=list(readable(self.rackbeat.units())),
                payment_terms=list(readable(self.rackbeat.payment_terms())),
                product_groups=list(readable(self.rackbeat.product_groups())),
            )
        return self._reference

    def refs(self) -> ReferenceData:
        """Tripletex -> Rackbeat lookups, read fresh once per run (a unit or currency added since
        the initial import is known at once) and kept for the run."""
        if self._refs is None:
            self._refs = resolve_reference_data(self.tripletex, self.rackbeat)
        return self._refs

    def initial_run(self, ctx: SyncContext) -> Any:
        """The tenant's initial import (groups, terms), read once per invocation, not per record."""
        if not self._initial_run_read:
            self._initial_run = ctx.initial_runs.get(self.tenant.tenant_id)
            self._initial_run_read = True
        return self._initial_run

    def both_ways(self, entity: Entity) -> bool:
        reverse = stream_for("tripletex", entity)
        return reverse is not None and bool(getattr(self.settings.streams, reverse.value))


def rackbeat_stamp(moment: dt.datetime | None) -> str | None:
    """A Rackbeat ``updated_at`` as a link stores it: ISO-8601 with its offset, whichever form
    Rackbeat answered in (so a stored stamp compares as a moment, never as Rackbeat's text)."""
    return moment.isoformat() if moment is not None else None


class SyncEngine:
    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    # ----- entry points ------------------------------------------------------------------------
    def run_tenant(self, task: TenantSyncTask) -> list[SyncRun]:
        """Every enabled stream of the tenant, dependencies first. Returns the stream runs."""
        opened = self._open(task.tenant_id, task.trigger)
        if opened is None:
            return []
        tenant, settings = opened
        runs: list[SyncRun] = []
        streams = enabled_streams(settings.streams)
        try:
            with self.ctx.clients(task.tenant_id) as clients:
                session = _Session(tenant, settings, clients, task.trigger, uuid.uuid4().hex)
                if streams:
                    session.cursors = self.ctx.cursors.get_many(tenant.tenant_id, [s.value for s in streams])
                for stream in streams:
                    run = self._run_stream(session, stream, full=task.full)
                    runs.append(run)
                    if run.outcome == RunOutcome.PAUSED:
                        break
        except MissingCredentials:
            logger.warning(
                "tenant has no stored credentials; nothing synced", extra={"tenant_id": tenant.tenant_id}
            )
        finally:
            # History is written once per tenant run; a run cut short still records its streams.
            if runs:
                self.ctx.runs.put_many(runs)
        return runs

    def run_entity(self, task: EntitySyncTask) -> str:
        """One changed record from a webhook. Raises on transient failures so SQS retries it."""
        stream = stream_for(task.source, task.entity)
        opened = self._open(task.tenant_id, "webhook")
        if opened is None or stream is None:
            return "ignored"
        tenant, settings = opened
        if not getattr(settings.streams, stream.value):
            return "stream_off"
        if task.deleted:
            # Deletions are not mirrored: a record with history (invoices, stock) cannot be
            # deleted in the other system, and the user decides what to do with it there.
            return "ignored"
        with self.ctx.clients(task.tenant_id) as clients:
            session = _Session(tenant, settings, clients, "webhook", uuid.uuid4().hex)
            run = SyncRun(
                tenant_id=tenant.tenant_id,
                run_id=session.run_id,
                stream=stream,
                trigger="webhook",
                started_at=self.ctx.now(),
            )
            try:
                if task.source == "rackbeat":
                    record = self._fetch_rackbeat(session, task.entity, task.key)
                    result = (
                        Written("skipped")
                        if record is None
                        else self._sync_rackbeat_record(session, stream, task.entity, record)
                    )
                else:
                    result = self._sync_tripletex_id(session, stream, task.entity, int(task.key))
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
            self._count(run, result)
            self._finish(run)
            return result.outcome

    # ----- tenant and stream plumbing -------------------------------------------------------------
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

    def _run_stream(self, session: _Session, stream: StreamName, *, full: bool) -> SyncRun:
        run = SyncRun(
            tenant_id=session.tenant.tenant_id,
            run_id=session.run_id,
            stream=stream,
            trigger=session.trigger,
            started_at=self.ctx.now(),
        )
        try:
            if stream.source == "rackbeat":
                self._rackbeat_stream(session, stream, run, full=full)
            else:
                self._tripletex_stream(session, stream, run, full=full)
        except AuthError as error:
            self._pause(session.tenant, error)
            run.outcome = RunOutcome.PAUSED
            run.detail = "A token stopped working; the tenant is paused until new tokens are entered."
        except (StreamAborted, RecordBusy, ApiError) as error:
            # Any refusal of the stream's list call (a 422 on a filter included) ends this
            # stream's run, recorded with its reason; the tenant's other streams still run.
            run.outcome = RunOutcome.FAILED
            run.detail = _stream_failure(error)
            logger.warning(
                "stream stopped; its cursor stays and the next run re-reads",
                extra={"tenant_id": session.tenant.tenant_id, "stream": stream.value, "error": run.detail},
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
                    "tenant_id": session.tenant.tenant_id,
                    "stream": stream.value,
                    "error_type": type(error).__name__,
                },
            )
        if run.outcome == RunOutcome.OK and run.failed:
            run.outcome = RunOutcome.PARTIAL
        self._finish(run, store=False)
        return run

    def _finish(self, run: SyncRun, *, store: bool = True) -> None:
        run.finished_at = self.ctx.now()
        if store:
            self.ctx.runs.put(run)
        metrics = self.ctx.metrics
        metrics.add_metric(f"{run.stream.value}.synced", MetricUnit.Count, run.written)
        metrics.add_metric(f"{run.stream.value}.failed", MetricUnit.Count, run.failed)

    @staticmethod
    def _count(run: SyncRun, result: Written) -> None:
        if result.outcome == "written":
            run.written += 1
        elif result.outcome == "failed":
            run.failed += 1
        else:
            run.skipped += 1

    def _pause(self, tenant: Tenant, error: ApiError) -> None:
        """needs_relink (the scheduler lists only active tenants) and one email per outage."""
        for _ in range(3):
            current = self.ctx.tenants.get_with_version(tenant.tenant_id)
            if current is None:
                return
            profile, version = current
            if profile.status not in (TenantStatus.ACTIVE, TenantStatus.NEEDS_RELINK):
                return
            notify = profile.relink_notified_at is None
            updated = profile.model_copy(
                update={
                    "status": TenantStatus.NEEDS_RELINK,
                    "updated_at": self.ctx.now(),
                    "relink_notified_at": profile.relink_notified_at or self.ctx.now(),
                }
            )
            try:
                self.ctx.tenants.save(updated, expected_version=version)
            except ConcurrentUpdateError:
                continue
            logger.warning(
                "token rejected during sync; tenant paused",
                extra={"tenant_id": tenant.tenant_id, "api": error.api},
            )
            if notify:
                rackbeat = error.api == "Rackbeat"
                check = Check(
                    id=CheckId.RACKBEAT_TOKEN if rackbeat else CheckId.TRIPLETEX_SESSION,
                    label=f"{error.api or 'API'} token",
                    ok=False,
                    detail=f"{error.api or 'The API'} rejected the token while synchronising.",
                    fix=(
                        "Create a new API token in Rackbeat (Settings > API) and enter it in the settings."
                        if rackbeat
                        else "Create a new employee token in Tripletex (API access) and enter it in "
                        "the settings."
                    ),
                )
                self.ctx.mailer.send_relink_needed(updated, [check])
            return

    def _fail(
        self,
        session: _Session,
        stream: StreamName,
        entity: Entity,
        key: str,
        *,
        source_hash: str | None,
        **why: str,
    ) -> Written:
        self.ctx.failures.record(
            session.tenant.tenant_id,
            RecordFailure(source=stream.value, entity=entity, key=key, **why),
            self.ctx.now(),
            source_hash=source_hash,
        )
        logger.info(
            "record failed",
            extra={
                "tenant_id": session.tenant.tenant_id,
                "stream": stream.value,
                "key": key,
                "reason": why["reason"],
            },
        )
        return Written("failed")

    def _resolved(self, session: _Session, stream: StreamName, key: str) -> None:
        self.ctx.failures.resolve(session.tenant.tenant_id, stream.value, stream.entity, key)

    def _leased[T](self, session: _Session, entity: Entity, key: str, work: Callable[[], T]) -> T:
        tenant_id = session.tenant.tenant_id
        waited = 0.0
        while not self.ctx.links.lease(tenant_id, entity, key, self.ctx.now(), LEASE_SECONDS):
            if waited >= LEASE_WAIT_SECONDS:
                raise RecordBusy(f"{entity} {key} is being synced by another worker")
            self.ctx.sleep(LEASE_POLL_SECONDS)
            waited += LEASE_POLL_SECONDS
        try:
            return work()
        finally:
            self.ctx.links.release_lease(tenant_id, entity, key)

    # ----- Rackbeat -> Tripletex -----------------------------------------------------------------
    def _rackbeat_stream(self, session: _Session, stream: StreamName, run: SyncRun, *, full: bool) -> None:
        tenant_id = session.tenant.tenant_id
        cursor = session.cursors.get(stream.value)
        read_started = self.ctx.now()
        since: dt.datetime | None = None
        if not full:
            # No cursor yet: changes since the tenant was activated (older records are the
            # initial import's and the nightly reconcile's business).
            base = dt.datetime.fromisoformat(cursor) if cursor else session.tenant.settings_saved_at
            since = (base or read_started) - RACKBEAT_OVERLAP
            if cursor:
                self.ctx.metrics.add_metric(
                    f"{stream.value}.lag",
                    MetricUnit.Seconds,
                    (read_started - dt.datetime.fromisoformat(cursor)).total_seconds(),
                )
        for page in _pages(self._rackbeat_changes(session, stream.entity, since)):
            known = self.ctx.links.page_state(tenant_id, stream, [_rackbeat_key(record) for record in page])
            for record in page:
                run.read += 1
                if self._rackbeat_unchanged(known, stream, record, retry_failed=full):
                    self._count(run, Written("skipped"))
                    continue
                self._count(run, self._sync_rackbeat_record(session, stream, stream.entity, record))
        self._advance(session, stream, read_started.astimezone(dt.UTC).isoformat(), read_started)

    def _advance(
        self, session: _Session, stream: StreamName, value: str, at: dt.datetime, *, ordered: bool = True
    ) -> None:
        if session.cursors.get(stream.value) == value:
            return  # nothing moved: no write
        if self.ctx.cursors.advance(session.tenant.tenant_id, stream.value, value, at, ordered=ordered):
            session.cursors[stream.value] = value

    def _rackbeat_unchanged(
        self, known: PageState, stream: StreamName, record: Any, *, retry_failed: bool
    ) -> bool:
        """Nothing to write for this record, decided from the page's batch read alone."""
        key = _rackbeat_key(record)
        link = known.links.get(key)
        # Invoices too: one booked again with other content is looked at (and, when Tripletex
        # would see a change, sent or reported); the same content is not.
        if (
            link is not None
            and link.state == "synced"
            and not isinstance(record, Unreadable)
            and link.rackbeat_source_hash == self._source_hash(record)
        ):
            return True
        failed_with = known.failed_with.get(key)
        return not retry_failed and failed_with is not None and failed_with == self._source_hash(record)

    def _rackbeat_changes(
        self, session: _Session, entity: Entity, since: dt.datetime | None
    ) -> Iterator[Any]:
        rackbeat = session.rackbeat
        if entity == "customer":
            return rackbeat.customers(updated_at_from=since)
        if entity == "supplier":
            return rackbeat.suppliers(updated_at_from=since)
        if entity == "product":
            return rackbeat.products(updated_at_from=since)
        return rackbeat.booked_invoices_since(since)

    def _fetch_rackbeat(self, session: _Session, entity: Entity, key: str) -> Any:
        rackbeat = session.rackbeat
        if entity == "product":
            return rackbeat.get_product(key)
        if not key.isdigit():
            return None
        if entity == "customer":
            return rackbeat.get_customer(int(key))
        if entity == "supplier":
            return rackbeat.get_supplier(int(key))
        return rackbeat.get_customer_invoice(int(key))

    def _sync_rackbeat_record(
        self, session: _Session, stream: StreamName, entity: Entity, record: Any
    ) -> Written:
        if isinstance(record, Unreadable):
            return self._unreadable(
                session, stream, _rackbeat_key(record), record, source_hash=self._source_hash(record)
            )
        key = str(record.number)
        link = self.ctx.links.get(session.tenant.tenant_id, entity, key)
        if (
            link is not None
            and link.state == "synced"
            and link.rackbeat_source_hash == self._source_hash(record)
        ):
            return Written("skipped", link.tripletex_id)
        if (entity, key) in session.syncing:
            raise StreamAborted(f"{entity} {key} depends on itself")
        session.syncing.add((entity, key))
        try:
            return self._leased(
                session, entity, key, lambda: self._write_to_tripletex(session, stream, entity, record)
            )
        finally:
            session.syncing.discard((entity, key))

    def _unreadable(
        self, session: _Session, stream: StreamName, key: str, record: Unreadable, *, source_hash: str
    ) -> Written:
        """A record our read model refused fails alone, under its key, until it changes (either
        system: the record's ``api`` says where to correct it)."""
        entity = stream.entity
        return self._fail(
            session,
            stream,
            entity,
            key,
            source_hash=source_hash,
            reason="unreadable",
            message=(
                f"{record.api} {entity} {record.key or '(without a number)'} could not be read: "
                f"{record.reason}."
            ),
            suggested_fix=(
                f"Correct the named field on the {entity} in {record.api}; it is tried again when it "
                f"changes, or now with Retry. If the value is valid in {record.api}, report it to the "
                "operator: the integration does not know it yet."
            ),
        )

    @staticmethod
    def _source_hash(record: Any) -> str:
        """The Rackbeat record's own content. Rackbeat stamps ``updated_at`` in whole seconds, so
        two changes inside one second look alike by stamp; by content they never do. An
        unreadable record is hashed as Rackbeat sent it, so it is tried again only once changed."""
        if isinstance(record, Unreadable):
            return content_hash({k: v for k, v in record.raw.items() if k != "updated_at"})
        return content_hash(record.model_dump(mode="json", exclude={"updated_at"}))

    def _write_to_tripletex(
        self, session: _Session, stream: StreamName, entity: Entity, record: Any
    ) -> Written:
        if entity == "invoice":
            return self._write_invoice(session, stream, cast(rb.CustomerInvoice, record))
        key = str(record.number)
        tenant_id = session.tenant.tenant_id
        link = self.ctx.links.get(tenant_id, entity, key)  # again, under the lease
        # Only a customer's send method depends on the company's invoicing setup.
        reference = self._mapping_reference(session) if entity == "customer" else session.reference()
        if entity == "customer":
            mapped: Any = r2t.map_customer(record, reference)
        elif entity == "supplier":
            mapped = r2t.map_supplier(record, reference)
        else:
            mapped = r2t.map_product(record, reference)
        if isinstance(mapped, r2t.MappingFailure):
            return self._fail(
                session,
                stream,
                entity,
                key,
                source_hash=self._source_hash(record),
                reason=mapped.reason.value,
                message=mapped.message,
                suggested_fix=mapped.suggested_fix,
            )
        if (
            link is not None
            and link.tripletex_id is not None
            and link.to_tripletex_hash == mapped.content_hash
        ):
            self.ctx.links.record(
                tenant_id,
                entity,
                key,
                rackbeat_updated_at=rackbeat_stamp(record.updated_at),
                synced_at=self.ctx.now(),
                rackbeat_source_hash=self._source_hash(record),
            )
            self._resolved(session, stream, key)
            return Written("skipped", link.tripletex_id)
        try:
            saved = self._upsert_tripletex(session, entity, link, mapped.record)
        except ValidationFailed as error:
            return self._fail(
                session,
                stream,
                entity,
                key,
                source_hash=self._source_hash(record),
                reason="rejected",
                message=str(error),
                suggested_fix=error.user_hint,
            )
        if saved is None:
            # A newer change in Tripletex won the conflict; its own stream carries it back.
            self.ctx.links.record(
                tenant_id,
                entity,
                key,
                rackbeat_updated_at=rackbeat_stamp(record.updated_at),
                synced_at=self.ctx.now(),
            )
            return Written("skipped", link.tripletex_id if link else None)
        self.ctx.links.record(
            tenant_id,
            entity,
            key,
            tripletex_id=saved.id,
            origin="created",
            rackbeat_updated_at=rackbeat_stamp(record.updated_at),
            synced_at=self.ctx.now(),
            rackbeat_source_hash=self._source_hash(record),
            tripletex_version=saved.version,
            to_tripletex_hash=mapped.content_hash,
        )
        self._resolved(session, stream, key)
        return Written("written", saved.id)

    def _upsert_tripletex(
        self, session: _Session, entity: Entity, link: EntityLink | None, record: Any
    ) -> Any:
        """Update the linked record, else the one with the same number, else create it.
        Returns the record as saved, or None when a newer Tripletex change won a conflict."""
        api = session.tripletex
        get: Callable[[int], Any]
        find: Callable[[], Any]
        create: Callable[[Any], Any]
        update: Callable[[Any], Any]
        if entity == "customer":
            get, find = api.get_customer, lambda: api.find_customer_by_number(record.customer_number)
            create, update = api.create_customer, api.update_customer
        elif entity == "supplier":
            get, find = api.get_supplier, lambda: api.find_supplier_by_number(record.supplier_number)
            create, update = api.create_supplier, api.update_supplier
        else:
            get, find = api.get_product, lambda: api.find_product_by_number(record.number)
            create, update = api.create_product, api.update_product
        current: Any = None
        if link is not None and link.tripletex_id is not None:
            try:
                current = get(link.tripletex_id)
            except NotFound:
                current = None  # deleted in Tripletex: found by number or created again
        if current is None:
            current = find()
        if current is None:
            return create(record)
        for attempt in range(2):
            try:
                return update(record.model_copy(update={"id": current.id, "version": current.version}))
            except Conflict as conflict:
                if session.both_ways(entity) or attempt == 1:
                    if session.both_ways(entity):
                        return None
                    raise StreamAborted(f"{entity} {current.id} keeps changing in Tripletex") from None
                current = conflict.current if conflict.current is not None else get(current.id)
        raise AssertionError("unreachable")  # pragma: no cover

    # ----- invoicing: the company's setup, once per run ---------------------------------------------
    def _invoice_settings(self, session: _Session) -> tx.InvoiceSettings | None:
        """``/invoice/settings``, read once per run; None when the token may not read it."""
        state = session.invoicing
        if not state.settings_read:
            try:
                state.settings = session.tripletex.get_invoice_settings()
            except (AccessDenied, NotFound, ValidationFailed) as error:
                logger.info(
                    "invoice settings not readable; EHF and the bank account are not known in advance",
                    extra={"tenant_id": session.tenant.tenant_id, "status": error.status},
                )
                state.settings = None
            state.settings_read = True
        return state.settings

    def _mapping_reference(self, session: _Session) -> r2t.Reference:
        """The run's reference data with what the mappers need of the company's invoicing setup
        (EHF capability) and of the tenant's settings (VAT types chosen per VAT zone)."""
        state = session.invoicing
        if state.reference is None:
            state.reference = dataclasses.replace(
                session.reference(),
                invoice_settings=self._invoice_settings(session),
                zone_vat_types=dict(session.settings.vat_zone_types),
            )
        return state.reference

    def _preflight_invoicing(self, session: _Session, stream: StreamName) -> None:
        """Before the first invoice of the run: one tenant-level failure per setup problem (and
        those that no longer apply cleared); a blocking one stops the invoice stream."""
        state = session.invoicing
        if not state.checked:
            findings = preflight.invoicing_findings(
                self._invoice_settings(session),
                self._mapping_reference(session),
                session.settings.vat_zone_types,
            )
            found = {finding.key for finding in findings}
            for finding in findings:
                self._tenant_failure(session, stream, finding)
            for key in preflight.FINDING_KEYS:
                if key not in found:
                    self._resolved(session, stream, _tenant_key(key))
            state.blocker = next((f for f in findings if f.blocking), None)
            state.checked = True
        if state.blocker is not None:
            raise InvoicingBlocked(state.blocker.message)

    def _tenant_failure(self, session: _Session, stream: StreamName, finding: preflight.Finding) -> None:
        self._fail(
            session,
            stream,
            "invoice",
            _tenant_key(finding.key),
            source_hash=None,
            reason=finding.key.replace("-", "_"),
            message=finding.message,
            suggested_fix=finding.fix,
        )

    def _block_invoicing(self, session: _Session, stream: StreamName, finding: preflight.Finding) -> None:
        """Tripletex refused an invoice for a reason of the company's, not the record's."""
        self._tenant_failure(session, stream, finding)
        session.invoicing.checked = True
        session.invoicing.blocker = finding
        raise InvoicingBlocked(finding.message)

    # ----- invoices ---------------------------------------------------------------------------------
    def _write_invoice(self, session: _Session, stream: StreamName, invoice: rb.CustomerInvoice) -> Written:
        try:
            return self._write_invoice_unblocked(session, stream, invoice)
        except InvoicingBlocked:
            if session.trigger == "webhook":
                # The tenant-level failure says it all; the scheduled run carries the invoice later.
                return Written("failed")
            raise

    def _write_invoice_unblocked(
        self, session: _Session, stream: StreamName, invoice: rb.CustomerInvoice
    ) -> Written:
        tenant_id = session.tenant.tenant_id
        key = str(invoice.number)
        source_hash = self._source_hash(invoice)
        link = self.ctx.links.get(tenant_id, "invoice", key)
        if link is not None and link.state == "synced" and link.rackbeat_source_hash in (None, source_hash):
            if link.rackbeat_source_hash is None:
                # Written before invoices kept their content: taken as it is now.
                self.ctx.links.record(tenant_id, "invoice", key, rackbeat_source_hash=source_hash)
            return Written("skipped", link.tripletex_id)
        self._preflight_invoicing(session, stream)
        if _is_credit_note(invoice):
            credited = self._credit_note(session, stream, invoice)
            if credited is not None:
                return credited
        mapped = self._map_invoice(session, invoice)
        if isinstance(mapped, r2t.MappingFailure):
            return self._fail(
                session,
                stream,
                "invoice",
                key,
                source_hash=source_hash,
                reason=mapped.reason.value,
                message=mapped.message,
                suggested_fix=mapped.suggested_fix,
            )
        if link is not None and link.state == "synced":
            if link.to_tripletex_hash == mapped.content_hash:
                # Booked again (or paid) without a change Tripletex would see: nothing to send.
                self.ctx.links.record(
                    tenant_id,
                    "invoice",
                    key,
                    rackbeat_source_hash=source_hash,
                    rackbeat_updated_at=rackbeat_stamp(invoice.updated_at),
                )
                self._resolved(session, stream, key)
                return Written("skipped", link.tripletex_id)
            return self._rebooked(session, stream, invoice, mapped, link)
        return self._send_invoice(session, stream, invoice, mapped, link)

    def _map_invoice(
        self, session: _Session, invoice: rb.CustomerInvoice
    ) -> r2t.MappedInvoice | r2t.MappingFailure:
        tenant_id = session.tenant.tenant_id
        groups = self._product_groups(session, r2t.lines_without_vat_rate(invoice))
        for _ in range(3):
            customer = self.ctx.links.get(tenant_id, "customer", str(invoice.customer_id))
            product_ids: dict[str, int] = {}
            for line in invoice.lines:
                if line.child_type in (None, "product") and line.child_id is not None:
                    product_link = self.ctx.links.get(tenant_id, "product", line.child_id)
                    if product_link is not None and product_link.tripletex_id is not None:
                        product_ids[line.child_id] = product_link.tripletex_id
            mapped = r2t.map_invoice(
                invoice,
                self._mapping_reference(session),
                customer_id=customer.tripletex_id if customer else None,
                product_ids=product_ids,
                mode=session.settings.invoice_mode,
                product_groups=groups,
            )
            if isinstance(mapped, r2t.MappingFailure) and mapped.missing:
                # Dependencies first, then the invoice: never a failure for a missing customer.
                for dependency in mapped.missing:
                    blocked = self._sync_dependency(session, dependency)
                    if blocked is not None:
                        return _dependency_failure(invoice, dependency, blocked)
                continue
            break
        return mapped

    def _product_groups(self, session: _Session, numbers: list[str]) -> dict[str, int | None]:
        """The product groups of these Rackbeat products (read once per run each)."""
        known = session.invoicing.product_groups
        for number in numbers:
            if number not in known:
                product = session.rackbeat.get_product(number)
                known[number] = product.group.number if isinstance(product, rb.Product) else None
        return {number: known[number] for number in numbers}

    def _send_invoice(
        self,
        session: _Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        mapped: r2t.MappedInvoice,
        link: EntityLink | None,
    ) -> Written:
        """The order (found again when a previous attempt made it), invoiced in "invoice" mode."""
        tenant_id = session.tenant.tenant_id
        key = str(invoice.number)
        try:
            order = self._existing_order(session, mapped.order, link)
            if order is None:
                order = session.tripletex.create_order(mapped.order)
            assert order.id is not None
            self.ctx.links.record(
                tenant_id,
                "invoice",
                key,
                state="pending",
                order_id=order.id,
                to_tripletex_hash=mapped.content_hash,
            )
            target_id = order.id
            if mapped.mode == "invoice":
                assert mapped.order.order_date is not None
                issued = self._invoice_of(session, order.id, mapped.order.order_date)
                if issued is None:
                    issued = session.tripletex.invoice_order(order.id, mapped.order.order_date)
                target_id = issued.id if issued.id is not None else order.id
        except ValidationFailed as error:
            if preflight.is_bank_account_refusal(error):
                self._block_invoicing(session, stream, preflight.bank_account_finding())
            return self._fail(
                session,
                stream,
                "invoice",
                key,
                source_hash=self._source_hash(invoice),
                reason="rejected",
                message=str(error),
                suggested_fix=error.user_hint,
            )
        self._synced_invoice(session, stream, invoice, mapped, target_id)
        return Written("written", target_id)

    def _synced_invoice(
        self,
        session: _Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        mapped: r2t.MappedInvoice,
        target_id: int,
    ) -> None:
        key = str(invoice.number)
        self.ctx.links.record(
            session.tenant.tenant_id,
            "invoice",
            key,
            tripletex_id=target_id,
            origin="created",
            rackbeat_updated_at=rackbeat_stamp(invoice.updated_at),
            synced_at=self.ctx.now(),
            rackbeat_source_hash=self._source_hash(invoice),
            to_tripletex_hash=mapped.content_hash,
        )
        self._resolved(session, stream, key)

    def _rebooked(
        self,
        session: _Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        mapped: r2t.MappedInvoice,
        link: EntityLink,
    ) -> Written:
        """An invoice unbooked and booked again with a change after it reached Tripletex. An open
        order takes the change; an invoice the user has credited in Tripletex is replaced by a
        new one; otherwise nothing is sent and the user is told what to do."""
        api = session.tripletex
        key = str(invoice.number)
        order = None
        if link.order_id is not None:
            try:
                order = api.get_order(link.order_id)
            except NotFound:
                order = None
        if mapped.mode == "order" and order is not None and order.id is not None and not order.is_closed:
            try:
                api.update_order(mapped.order.model_copy(update={"id": order.id, "version": order.version}))
            except (AuthError, *TRANSIENT):
                raise
            except ApiError as error:
                # Refused (or changed meanwhile): told below like any invoice Tripletex cannot change.
                logger.info(
                    "open order not updated",
                    extra={"tenant_id": session.tenant.tenant_id, "status": error.status},
                )
            else:
                self._synced_invoice(session, stream, invoice, mapped, order.id)
                return Written("written", order.id)
        sent = self._tripletex_invoice_of(session, link, order)
        if sent is None and order is None:
            # What we sent is gone from Tripletex (the user deleted the order): send it again.
            return self._send_invoice(session, stream, invoice, mapped, None)
        if sent is not None and sent.is_credited:
            # The old version is credited in Tripletex: the new one goes as an invoice of its own,
            # under a number of its own (order numbers are unique), found again on a retry.
            number = f"{mapped.order.number}-{mapped.content_hash[:6]}"
            again = dataclasses.replace(mapped, order=mapped.order.model_copy(update={"number": number}))
            return self._send_invoice(session, stream, invoice, again, None)
        if sent is None:
            where = f"Tripletex order {mapped.order.number}"
            fix = (
                f"Delete the order {mapped.order.number} in Tripletex, then retry this invoice: it is "
                "sent again with the change. Or undo the change in Rackbeat."
            )
        else:
            where = f"Tripletex invoice {sent.invoice_number or sent.id}"
            fix = (
                f"Credit {where} in Tripletex (Faktura > Krediter), then retry this invoice: the "
                "changed version then goes to Tripletex as a new invoice. Or undo the change in Rackbeat."
            )
        return self._fail(
            session,
            stream,
            "invoice",
            key,
            source_hash=self._source_hash(invoice),
            reason=r2t.FailureReason.CHANGED_AFTER_SYNC.value,
            message=(
                f"Invoice {key} was changed in Rackbeat after it reached Tripletex as {where}; "
                "Tripletex could not take the change, so it was not sent."
            ),
            suggested_fix=fix,
        )

    def _credit_note(
        self, session: _Session, stream: StreamName, invoice: rb.CustomerInvoice
    ) -> Written | None:
        """A Rackbeat credit note: a full credit becomes Tripletex's own credit note of the
        original invoice; a partial one (None returned) goes as a negative invoice on the same
        customer. One whose original cannot be identified fails alone."""
        tenant_id = session.tenant.tenant_id
        key = str(invoice.number)

        def fail(reason: r2t.FailureReason, message: str, fix: str) -> Written:
            return self._fail(
                session,
                stream,
                "invoice",
                key,
                source_hash=self._source_hash(invoice),
                reason=reason.value,
                message=message,
                suggested_fix=fix,
            )

        number = invoice.credited_invoice_id
        original = session.rackbeat.get_customer_invoice(number) if number is not None else None
        original_link = self.ctx.links.get(tenant_id, "invoice", str(number)) if number is not None else None
        if (
            not isinstance(original, rb.CustomerInvoice)
            or original_link is None
            or original_link.state != "synced"
        ):
            what = (
                "does not say which invoice it credits"
                if number is None
                else f"credits invoice {number}, which "
                + (
                    "Rackbeat does not have"
                    if not isinstance(original, rb.CustomerInvoice)
                    else "has not reached Tripletex"
                )
            )
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                f"Credit note {key} {what}, so it cannot be made a credit note of a Tripletex invoice.",
                "Credit the original invoice in Tripletex yourself (Faktura > Krediter); nothing was "
                "sent for this credit note.",
            )
        if original.customer_id != invoice.customer_id:
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                f"Credit note {key} is for customer {invoice.customer_id}, but invoice {number} it "
                f"credits is for customer {original.customer_id}.",
                "Credit the invoice in Tripletex yourself (Faktura > Krediter); nothing was sent.",
            )
        if exact_amount(invoice.total_total) != -exact_amount(original.total_total):
            return None  # partial: a negative invoice on the same customer
        order = None
        if original_link.order_id is not None:
            try:
                order = session.tripletex.get_order(original_link.order_id)
            except NotFound:
                order = None
        sent = self._tripletex_invoice_of(session, original_link, order)
        if sent is None or sent.id is None:
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                f"Credit note {key} credits invoice {number}, which is still an open order "
                f"({r2t_order_number(number)}) in Tripletex, not an invoice.",
                f"Delete the order {r2t_order_number(number)} in Tripletex (or invoice it), then retry this "
                "credit note.",
            )
        day = invoice.invoice_date or self.ctx.now().date()
        if sent.is_credited:
            credit = session.tripletex.find_credit_note_of(sent.id, day)
        else:
            try:
                credit = session.tripletex.create_credit_note(
                    sent.id, day, comment=f"Rackbeat credit note {key}"
                )
            except ValidationFailed as error:
                return fail(r2t.FailureReason.CHANGED_AFTER_SYNC, str(error), error.user_hint)
        target = credit.id if credit is not None and credit.id is not None else sent.id
        self.ctx.links.record(
            tenant_id,
            "invoice",
            key,
            tripletex_id=target,
            origin="created",
            rackbeat_updated_at=rackbeat_stamp(invoice.updated_at),
            synced_at=self.ctx.now(),
            rackbeat_source_hash=self._source_hash(invoice),
            to_tripletex_hash=content_hash({"creditNoteOf": sent.id}),
        )
        self._resolved(session, stream, key)
        return Written("written", target)

    def _tripletex_invoice_of(
        self, session: _Session, link: EntityLink, order: tx.Order | None
    ) -> tx.Invoice | None:
        """The Tripletex invoice a synced Rackbeat invoice became (made by us, or by the user from
        our order)."""
        api = session.tripletex
        if link.tripletex_id is not None and link.tripletex_id != link.order_id:
            try:
                return api.get_invoice(link.tripletex_id)
            except NotFound:
                return None
        if order is not None and order.id is not None and order.order_date is not None:
            found = self._invoice_of(session, order.id, order.order_date)
            return api.get_invoice(found.id) if found is not None and found.id is not None else None
        return None

    def _existing_order(self, session: _Session, order: tx.Order, link: EntityLink | None) -> tx.Order | None:
        """The order a previous attempt created: by link, else by its number, whatever its date
        (order numbers are unique, so a re-dated retry must not post the number again)."""
        api = session.tripletex
        if link is not None and link.order_id is not None:
            try:
                found = api.get_order(link.order_id)
            except NotFound:
                found = None
            if found is not None and found.number == order.number:
                return found
        return api.find_order_by_number(order.number) if order.number else None

    @staticmethod
    def _invoice_of(session: _Session, order_id: int, day: dt.date) -> tx.Invoice | None:
        """The invoice a previous attempt made of the order: an order is invoiced once."""
        for invoice in session.tripletex.iter_invoices(day, day + dt.timedelta(days=1)):
            if any(o.id == order_id for o in invoice.orders):
                return invoice
        return None

    def _sync_dependency(self, session: _Session, dependency: r2t.Dependency) -> str | None:
        """Sync a record the invoice needs first; why it could not be, or None when it is there.
        A dependency that fails blocks that invoice alone, never the invoice stream."""
        stream = stream_for("rackbeat", dependency.entity)
        assert stream is not None
        record = self._fetch_rackbeat(session, dependency.entity, dependency.rackbeat_key)
        if record is None:
            return "it was not found in Rackbeat"
        result = self._sync_rackbeat_record(session, stream, dependency.entity, record)
        if result.outcome == "failed":
            return "it could not be synced to Tripletex (its own failure in the list says why)"
        return None

    # ----- Tripletex -> Rackbeat -----------------------------------------------------------------
    def _tripletex_stream(self, session: _Session, stream: StreamName, run: SyncRun, *, full: bool) -> None:
        tenant_id = session.tenant.tenant_id
        cursor = session.cursors.get(stream.value)
        if cursor is None and not full:
            # Start where the initial import started reading, so nothing made meanwhile is lost.
            initial = session.initial_run(self.ctx)
            seeded = next(
                (c.value for c in (initial.cursors if initial else []) if c.stream == stream.value), None
            )
            cursor = seeded
        read_started = self.ctx.now()
        new_cursor: str
        records: Iterable[Any]
        api = session.tripletex
        if stream.entity == "product":
            answer = api.read_products_if_changed(
                None if full else cursor if cursor and not _is_time(cursor) else None
            )
            if answer.not_modified:
                return
            records = answer.values
            new_cursor = answer.version_digest or ""
        else:
            since = None if full or cursor is None else _parse_time(cursor) - TRIPLETEX_OVERLAP
            if not full and cursor is None:
                since = (session.tenant.settings_saved_at or read_started) - TRIPLETEX_OVERLAP
            records = (
                api.iter_customers(changed_since=since)
                if stream.entity == "customer"
                else api.iter_suppliers(changed_since=since)
            )
            new_cursor = read_started.astimezone(dt.UTC).isoformat()
        for page in _pages(records):
            ids = [i for i in (_record_id(r) for r in page) if i is not None]
            linked = self.ctx.links.rackbeat_keys_for_many(tenant_id, stream.entity, ids)
            keys = [
                _tripletex_key(stream.entity, record, linked.get(_record_id(record) or 0)) for record in page
            ]
            known = self.ctx.links.page_state(tenant_id, stream, keys)
            for record, key in zip(page, keys, strict=True):
                run.read += 1
                if isinstance(record, Unreadable):
                    # Fails alone; the records after it and the cursor go on.
                    if not full and known.failed_with.get(key) == content_hash(dict(record.raw)):
                        self._count(run, Written("skipped"))
                    else:
                        self._count(
                            run,
                            self._unreadable(
                                session, stream, key, record, source_hash=content_hash(dict(record.raw))
                            ),
                        )
                    continue
                link = known.links.get(key)
                if (
                    link is not None
                    and link.tripletex_version is not None
                    and link.tripletex_version == record.version
                ):
                    self._count(run, Written("skipped", record.id))  # our own write, or already synced
                    continue
                if not full and known.failed_with.get(key) == _tripletex_hash(record):
                    self._count(run, Written("skipped", record.id))
                    continue
                self._count(run, self._sync_tripletex_record(session, stream, stream.entity, record))
        if new_cursor:
            self._advance(session, stream, new_cursor, read_started, ordered=stream.entity != "product")

    def _sync_tripletex_id(
        self, session: _Session, stream: StreamName, entity: Entity, record_id: int
    ) -> Written:
        try:
            record = session.tripletex.read_record(entity, record_id)
        except NotFound:
            return Written("skipped")
        if isinstance(record, Unreadable):
            # A webhook or retry for a record we cannot read: it fails alone, as in a list read.
            linked = self.ctx.links.rackbeat_key_for(session.tenant.tenant_id, entity, record_id)
            key = _tripletex_key(entity, record, linked)
            return self._unreadable(session, stream, key, record, source_hash=content_hash(dict(record.raw)))
        return self._sync_tripletex_record(session, stream, entity, record)

    def _sync_tripletex_record(
        self, session: _Session, stream: StreamName, entity: Entity, record: Any
    ) -> Written:
        tenant_id = session.tenant.tenant_id
        number = (
            record.number
            if entity == "product"
            else (record.customer_number if entity == "customer" else record.supplier_number)
        )
        key = self.ctx.links.rackbeat_key_for(tenant_id, entity, record.id) or (
            str(number) if number is not None else None
        )
        if key is None:
            return self._fail(
                session,
                stream,
                entity,
                f"tripletex-{record.id}",
                source_hash=_tripletex_hash(record),
                reason="missing_number",
                message=f"The Tripletex {entity} {record.id} has no number.",
                suggested_fix=f"Give the {entity} a number in Tripletex; it syncs again on its own.",
            )
        link = self.ctx.links.get(tenant_id, entity, key)
        if (
            link is not None
            and link.tripletex_version is not None
            and link.tripletex_version == record.version
        ):
            return Written("skipped", record.id)  # our own write, or already synced
        return self._leased(
            session, entity, key, lambda: self._write_to_rackbeat(session, stream, entity, key, record)
        )

    def _write_to_rackbeat(
        self, session: _Session, stream: StreamName, entity: Entity, key: str, record: Any
    ) -> Written:
        tenant_id = session.tenant.tenant_id
        initial = session.initial_run(self.ctx)
        if initial is None or initial.refs is None:
            return self._fail(
                session,
                stream,
                entity,
                key,
                source_hash=_tripletex_hash(record),
                reason="no_initial_import",
                message="Tripletex -> Rackbeat needs the groups and payment terms of the initial import.",
                suggested_fix="Run the initial import in the wizard first; the record then syncs by itself.",
            )
        mappers: dict[Entity, Callable[..., Any]] = {
            "customer": customer_to_rackbeat,
            "supplier": supplier_to_rackbeat,
            "product": product_to_rackbeat,
        }
        mapped = mappers[entity](record, initial.request, session.refs())
        if isinstance(mapped, RecordFailure):
            return self._fail(
                session,
                stream,
                entity,
                key,
                source_hash=_tripletex_hash(record),
                reason=mapped.reason.value,
                message=mapped.message,
                suggested_fix=mapped.suggested_fix,
            )
        payload = mapped.payload()
        digest = content_hash(payload)
        link = self.ctx.links.get(tenant_id, entity, key)
        if link is not None and link.to_rackbeat_hash == digest:
            self.ctx.links.record(
                tenant_id, entity, key, tripletex_id=record.id, tripletex_version=record.version
            )
            return Written("skipped", record.id)
        api = session.rackbeat
        try:
            if entity == "product":
                existing: Any = api.get_product(key)
                saved: Any = api.update_product(key, mapped) if existing else api.create_product(mapped)
            elif entity == "customer":
                existing = api.get_customer(int(key))
                saved = (
                    api.update_customer(int(key), as_update(mapped, record))
                    if existing
                    else api.create_customer(mapped)
                )
            else:
                existing = api.get_supplier(int(key))
                saved = (
                    api.update_supplier(int(key), as_update(mapped, record))
                    if existing
                    else api.create_supplier(mapped)
                )
        except ValidationFailed as error:
            return self._fail(
                session,
                stream,
                entity,
                key,
                source_hash=_tripletex_hash(record),
                reason="rejected",
                message=str(error),
                suggested_fix=error.user_hint,
            )
        self.ctx.links.record(
            tenant_id,
            entity,
            key,
            tripletex_id=record.id,
            origin="created" if link is None else None,
            tripletex_version=record.version,
            rackbeat_updated_at=rackbeat_stamp(saved.updated_at),
            synced_at=self.ctx.now(),
            to_rackbeat_hash=digest,
            # Rackbeat as we left it: the Rackbeat -> Tripletex stream then sees our own write as
            # nothing new, instead of echoing it back to Tripletex.
            rackbeat_source_hash=self._source_hash(saved),
        )
        self._resolved(session, stream, key)
        return Written("written", record.id)


def _is_credit_note(invoice: rb.CustomerInvoice) -> bool:
    """Marked as one, or (when Rackbeat does not say) a negative total."""
    if invoice.is_credit_note is not None:
        return invoice.is_credit_note
    return invoice.credited_invoice_id is not None or exact_amount(invoice.total_total) < 0


def r2t_order_number(number: int | None) -> str:
    return f"{r2t.ORDER_NUMBER_PREFIX}{number}"


def _tenant_key(finding: str) -> str:
    """The failures-list key of a tenant-level finding (never a Rackbeat number)."""
    return f"tenant:{finding}"


def _rackbeat_key(record: Any) -> str:
    """The key a Rackbeat record syncs and fails under: its number; for a record without a
    readable number, its content (so it still has exactly one failure row)."""
    if isinstance(record, Unreadable):
        if record.key is not None:
            return record.key
        return "unnumbered-" + content_hash(dict(record.raw))[:16]
    return str(record.number)


def _stream_failure(error: Exception) -> str:
    """What a stopped stream's run says, in words for the tenant (never the raw answer)."""
    if isinstance(error, ValidationFailed):
        return f"{error.api or 'The API'} refused the stream's list request ({error}). {error.user_hint}"
    return error.user_hint if isinstance(error, ApiError) else str(error)


def _dependency_failure(
    invoice: rb.CustomerInvoice, dependency: r2t.Dependency, why: str
) -> r2t.MappingFailure:
    what = f"{dependency.entity} {dependency.rackbeat_key}"
    return r2t.MappingFailure(
        entity="invoice",
        rackbeat_key=str(invoice.number),
        reason=r2t.FailureReason.DEPENDENCY_FAILED,
        message=f"Invoice {invoice.number} needs {what} in Tripletex first, but {why}.",
        suggested_fix=(
            f"Fix {what} in Rackbeat (see its own failure, if listed), then retry the invoice; the "
            "nightly run retries it too."
        ),
    )


def _pages[R](records: Iterable[R]) -> Iterator[list[R]]:
    page: list[R] = []
    for record in records:
        page.append(record)
        if len(page) == PAGE_STATE_RECORDS:
            yield page
            page = []
    if page:
        yield page


def _record_id(record: Any) -> int | None:
    if isinstance(record, Unreadable):
        return int(record.key) if record.key is not None and record.key.isdigit() else None
    return cast(int | None, record.id)


def _tripletex_number(entity: Entity, record: Any) -> Any:
    if isinstance(record, Unreadable):
        name = {"customer": "customerNumber", "supplier": "supplierNumber"}.get(entity, "number")
        number = record.raw.get(name)
        return number if isinstance(number, int | str) and str(number).strip() else None
    if entity == "product":
        return record.number
    return record.customer_number if entity == "customer" else record.supplier_number


def _tripletex_key(entity: Entity, record: Any, linked_key: str | None) -> str:
    """The Rackbeat key a Tripletex record syncs under (as ``_sync_tripletex_record`` decides it);
    a record without one is failed under ``tripletex-<id>``."""
    if linked_key:
        return linked_key
    number = _tripletex_number(entity, record)
    return str(number) if number is not None else f"tripletex-{_record_id(record)}"


def _tripletex_hash(record: Any) -> str:
    return content_hash(record.model_dump(mode="json"))


def _is_time(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _parse_time(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
