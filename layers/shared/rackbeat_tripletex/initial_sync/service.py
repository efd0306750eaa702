"""What the initial-sync routes call: start (or preview), progress, failures, retry.

Plain functions with typed inputs and outputs; onboarding_api maps the errors to statuses:
:class:`TenantNotFound` 404, :class:`NotReady` and :class:`InvalidRequest` 422,
:class:`AlreadyRan` 409.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, cast

from pydantic import BaseModel

from rackbeat_tripletex.clients.records import Unreadable, readable
from rackbeat_tripletex.clients.tenant import Clients
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.initial_sync.records import importing, rackbeat_key, read_all, unreadable
from rackbeat_tripletex.initial_sync.worker import new_run_id, send_tasks
from rackbeat_tripletex.mappers.common import BASE_CURRENCY, content_hash
from rackbeat_tripletex.models.sync import (
    Accepted,
    DryRunEntity,
    DryRunReport,
    EntityProgress,
    FailureReason,
    ImportEntity,
    InitialSyncProgress,
    InitialSyncRequest,
    PlanTask,
    RecordFailure,
    RetryAccepted,
    RetryTask,
    RunState,
)
from rackbeat_tripletex.store.runs import AlreadyStarted, RunRecord
from rackbeat_tripletex.streams.to_rackbeat import reference_data

DRY_RUN_SAMPLE = 5
RETRY_CHUNK = 200


class TenantNotFound(Exception):
    pass


class NotReady(Exception):
    """The tenant's credentials have not passed validation yet."""


class InvalidRequest(Exception):
    """The chosen groups or payment terms do not fit; ``problems`` says what to fix, per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


class AlreadyRan(Exception):
    """409: the import runs once per tenant."""

    def __init__(self, run: RunRecord) -> None:
        self.started_at = run.started_at
        self.finished_at = run.finished_at
        self.state = run.state
        ended = f"and ended as {run.state.value}" if run.finished_at else f"and is {run.state.value}"
        super().__init__(f"The initial import already ran: it started {run.started_at.isoformat()} {ended}.")


class FailureRef(BaseModel):
    entity: ImportEntity
    key: str


def start_initial_sync(
    ctx: InitialSyncContext, tenant_id: str, request: InitialSyncRequest, *, dry_run: bool = False
) -> Accepted | DryRunReport:
    tenant = ctx.tenants.get(tenant_id)
    if tenant is None:
        raise TenantNotFound(tenant_id)
    if tenant.credentials.validated_at is None:
        raise NotReady(text("import.not_ready"))
    if not dry_run:
        existing = ctx.runs.get_import(tenant_id)
        if existing is not None:
            raise AlreadyRan(existing)
    with ctx.clients(tenant_id) as clients:
        _check_choices(clients, request)
        if dry_run:
            return _dry_run(clients, tenant_id, request)
    run = RunRecord(
        tenant_id=tenant_id,
        run_id=new_run_id(),
        state=RunState.PLANNED,
        request=request,
        started_at=ctx.now(),
    )
    try:
        ctx.runs.begin(run)
    except AlreadyStarted as started:
        raise AlreadyRan(started.run) from None
    try:
        send_tasks(ctx, [PlanTask(tenant_id=tenant_id, run_id=run.run_id)])
    except Exception:
        ctx.runs.abandon(tenant_id, run.run_id)
        raise
    return Accepted(tenant_id=tenant_id, run_id=run.run_id)


def _check_choices(clients: Clients, request: InitialSyncRequest) -> None:
    rackbeat = clients.rackbeat
    problems: dict[str, str] = {}
    if request.customer_group not in {g.number for g in readable(rackbeat.customer_groups())}:
        problems["customer_group"] = text("import.no_customer_group", number=request.customer_group)
    if request.supplier_group not in {g.number for g in readable(rackbeat.supplier_groups())}:
        problems["supplier_group"] = text("import.no_supplier_group", number=request.supplier_group)
    groups = {g.number: g for g in readable(rackbeat.product_groups())}
    product, service = groups.get(request.product_group), groups.get(request.service_group)
    if product is None:
        problems["product_group"] = text("import.no_product_group", number=request.product_group)
    elif not product.has_inventory:
        problems["product_group"] = text("import.product_group_no_inventory", name=product.name)
    if service is None:
        problems["service_group"] = text("import.no_product_group", number=request.service_group)
    elif service.has_inventory:
        problems["service_group"] = text("import.service_group_inventory", name=service.name)
    terms = {t.number for t in readable(rackbeat.payment_terms())}
    wanted = {"payment_terms.default": request.payment_terms.default} | {
        f"payment_terms.by_days.{days}": term for days, term in request.payment_terms.by_days.items()
    }
    for name, term in wanted.items():
        if term not in terms:
            problems[name] = text("import.no_payment_term", number=term)
    if problems:
        raise InvalidRequest(problems)


def _dry_run(clients: Clients, tenant_id: str, request: InitialSyncRequest) -> DryRunReport:
    """Everything the import would do, from reads only: GETs to both APIs, no writes anywhere."""
    refs = reference_data(clients.tripletex, clients.rackbeat)
    account_currencies = clients.rackbeat.currencies()
    report = DryRunReport(tenant_id=tenant_id, currencies_checked=account_currencies is not None)
    foreign: Counter[str] = Counter()
    missing_currencies: set[str] = set()
    for entity in request.entity_types():
        stream = importing(entity)
        rows = read_all(clients.tripletex, stream)
        existing = set(stream.rackbeat_keys(clients.rackbeat))
        summary = DryRunEntity(total=len(rows))
        records = []
        for row in rows:
            if isinstance(row, Unreadable):
                report.failures.append(unreadable(stream, row))
                summary.would_fail += 1
            else:
                records.append(row)
        mapped = [(r, stream.map(r, request, refs)) for r in records]
        numbers = Counter(rackbeat_key(m) for _, m in mapped if not isinstance(m, RecordFailure))
        claimed: set[str] = set()
        for record, write in mapped:
            if isinstance(write, RecordFailure):
                report.failures.append(write)
                summary.would_fail += 1
                continue
            key = rackbeat_key(write)
            if numbers[key] > 1 and key in claimed:
                report.failures.append(
                    _predicted(
                        entity, record, key, FailureReason.DUPLICATE_NUMBER, "duplicate_number", number=key
                    )
                )
                summary.would_fail += 1
                continue
            currency = _foreign_currency(write.payload())
            if currency:
                foreign[currency] += 1
            if currency and account_currencies is not None and currency not in account_currencies:
                # Rackbeat refuses the write (create or update) on its currency: the number
                # stays free for a later record, as in the import.
                missing_currencies.add(currency)
                report.failures.append(
                    _predicted(
                        entity,
                        record,
                        key,
                        FailureReason.UNKNOWN_CURRENCY,
                        "unknown_currency",
                        currency=currency,
                    )
                )
                summary.would_fail += 1
                continue
            claimed.add(key)
            if key in existing:
                summary.would_link += 1
            else:
                summary.would_create += 1
            if len(summary.sample) < DRY_RUN_SAMPLE:
                summary.sample.append(
                    {"tripletex_id": record.id, "hash": content_hash(write.payload())} | write.payload()
                )
        report.entities[entity] = summary
        missing = {unit for r in records if (unit := stream.missing_unit(r, refs))}
        report.missing_units = sorted(set(report.missing_units) | missing)
    report.foreign_currencies = dict(sorted(foreign.items()))
    report.missing_currencies = sorted(missing_currencies)
    return report


def _predicted(
    entity: ImportEntity, record: Any, key: str, reason: FailureReason, words: str, **params: object
) -> RecordFailure:
    """A failure the import would have, in the preview's own words (``preview.<words>.*``)."""
    return RecordFailure(
        entity=entity,
        key=str(record.id),
        number=key,
        name=record.name,
        reason=reason,
        message=text(f"preview.{words}.message", **params),
        suggested_fix=text(f"preview.{words}.fix", **params),
    )


def _foreign_currency(payload: dict[str, object]) -> str | None:
    """The currency a write carries when it is not the base one. Customers and suppliers carry
    one; a product write has none (priced in the base currency, or failed in its mapper)."""
    code = payload.get("currency")
    if not isinstance(code, str) or not code:
        return None
    code = code.upper()
    return None if code == BASE_CURRENCY else code


def initial_sync_progress(ctx: InitialSyncContext, tenant_id: str) -> InitialSyncProgress | None:
    run = ctx.runs.get_import(tenant_id)
    if run is None:
        return None
    entities: dict[ImportEntity, EntityProgress] = {}
    for entity in run.request.entity_types():
        counts = run.counters.get(entity, EntityProgress()).model_copy()
        counts.total = run.totals.get(entity, 0)
        counts.done = (
            counts.created
            + counts.linked
            + counts.updated
            + counts.unchanged
            + counts.skipped
            + counts.failed
        )
        entities[entity] = counts
    return InitialSyncProgress(
        tenant_id=tenant_id,
        run_id=run.run_id,
        state=run.state,
        started_at=run.started_at,
        finished_at=run.finished_at,
        pages_total=run.pages_total,
        pages_done=run.pages_done,
        entities=entities,
        estimated_seconds_left=_estimate(run, entities, ctx.now()),
    )


def _estimate(run: RunRecord, entities: dict[ImportEntity, EntityProgress], now: dt.datetime) -> float | None:
    """Time left at the rate so far; None until there is a rate to go by."""
    if run.state not in (RunState.PLANNED, RunState.RUNNING):
        return 0.0
    total = sum(e.total for e in entities.values())
    done = sum(e.done for e in entities.values())
    elapsed = (now - run.started_at).total_seconds()
    if done == 0 or elapsed <= 0:
        return None
    return round(elapsed * (total - done) / done, 1)


def list_failures(ctx: InitialSyncContext, tenant_id: str) -> list[RecordFailure]:
    return sorted(ctx.failures.list_import(tenant_id), key=lambda f: (f.entity, f.number or "", f.key))


def retry_failures(
    ctx: InitialSyncContext, tenant_id: str, keys: list[FailureRef] | None = None
) -> RetryAccepted:
    """Re-enqueue failed records (all, or those named) as ``retry`` messages on the queue."""
    run = ctx.runs.get_import(tenant_id)
    if run is None:
        raise TenantNotFound(tenant_id)
    wanted = {(k.entity, k.key) for k in keys} if keys is not None else None
    by_entity: dict[ImportEntity, list[int]] = {}
    for failure in ctx.failures.list_import(tenant_id):
        if wanted is not None and (failure.entity, failure.key) not in wanted:
            continue
        if failure.key.isdigit():
            by_entity.setdefault(cast(ImportEntity, failure.entity), []).append(int(failure.key))
    tasks = [
        RetryTask(tenant_id=tenant_id, run_id=run.run_id, entity=entity, ids=ids[start : start + RETRY_CHUNK])
        for entity, ids in by_entity.items()
        for start in range(0, len(ids), RETRY_CHUNK)
    ]
    send_tasks(ctx, tasks)
    return RetryAccepted(tenant_id=tenant_id, run_id=run.run_id, enqueued=sum(len(t.ids) for t in tasks))
