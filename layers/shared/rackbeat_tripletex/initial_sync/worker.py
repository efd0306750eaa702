"""The InitialSyncQueue worker: ``plan`` fans out ``page`` messages, ``page`` imports one page,
``retry`` imports failed records again; the last page to finish sends the summary email."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence

from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.i18n import use_language
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.initial_sync.employees import import_employees
from rackbeat_tripletex.initial_sync.records import (
    duplicates_by_lowest_id,
    import_records,
    importing,
    read_by_ids,
    read_numbers,
)
from rackbeat_tripletex.initial_sync.summary import send_summary
from rackbeat_tripletex.models.sync import (
    Cursor,
    EntityProgress,
    PageTask,
    PlanTask,
    RetryTask,
    RunState,
)
from rackbeat_tripletex.store.queue import send_bodies
from rackbeat_tripletex.streams.to_rackbeat import reference_data

logger = logging.getLogger(__name__)


class StalePlan(Exception):
    """The run the plan message names is not waiting for a plan."""


def handle_task(ctx: InitialSyncContext, task: PlanTask | PageTask | RetryTask) -> None:
    tenant = ctx.tenants.get(task.tenant_id)
    # The failures recorded here are read by the tenant: written in its language.
    with use_language(tenant.language if tenant is not None else None):
        if isinstance(task, PlanTask):
            plan(ctx, task)
        elif isinstance(task, PageTask):
            import_page(ctx, task)
        else:
            retry(ctx, task)


def send_tasks(ctx: InitialSyncContext, tasks: Sequence[PlanTask | PageTask | RetryTask]) -> None:
    """Every task on InitialSyncQueue; any unsent raises so the caller's message is retried."""
    unsent = send_bodies(
        ctx.sqs,
        ctx.queue_url,
        [task.model_dump_json() for task in tasks],
        # A fair queue per tenant: one big import's pages do not hold back another tenant's.
        groups=[task.tenant_id for task in tasks],
    )
    if unsent:
        raise RuntimeError(f"{unsent} of {len(tasks)} initial-sync messages were not sent")


def plan(ctx: InitialSyncContext, task: PlanTask) -> int:
    """Enumerate the pages and enqueue one message each; returns the number of pages sent."""
    run = ctx.runs.get_import(task.tenant_id)
    if run is None or run.run_id != task.run_id:
        logger.warning("plan for an unknown run %s of tenant %s: dropped", task.run_id, task.tenant_id)
        return 0
    if run.pages_total is not None:
        # A redelivered plan whose pages were all sent and recorded already.
        return 0
    started = ctx.now()
    pages: list[PageTask] = []
    totals = {}
    with ctx.clients(task.tenant_id) as clients:
        ctx.runs.set_refs(task.tenant_id, reference_data(clients.tripletex, clients.rackbeat))
        for entity in run.request.entity_types():
            stream = importing(entity)
            # Read Rackbeat's list once per entity per run; every page consults this index.
            ctx.runs.put_index(task.tenant_id, entity, stream.rackbeat_keys(clients.rackbeat))
            numbers = read_numbers(clients.tripletex, stream)
            duplicate_of = duplicates_by_lowest_id(numbers)
            ids = sorted(numbers)
            totals[entity] = len(ids)
            for number, chunk in enumerate(budget.split_pages(ids)):
                pages.append(
                    PageTask(
                        tenant_id=task.tenant_id,
                        run_id=run.run_id,
                        entity=entity,
                        page=number,
                        ids=chunk,
                        duplicate_of={i: duplicate_of[i] for i in chunk if i in duplicate_of},
                    )
                )
        if run.request.employees:
            # Before the pages: a redelivered plan (pages not yet recorded) runs it again, safely.
            import_employees(ctx, task.tenant_id, clients)
    send_tasks(ctx, pages)
    # The cursor each Tripletex -> Rackbeat stream starts from: the moment the import began reading.
    cursors = [Cursor(stream=importing(entity).name.value, value=started.isoformat()) for entity in totals]
    ctx.runs.set_plan(task.tenant_id, len(pages), totals, cursors)
    finish_if_done(ctx, task.tenant_id)
    return len(pages)


def import_page(ctx: InitialSyncContext, task: PageTask) -> EntityProgress | None:
    run = ctx.runs.get_import(task.tenant_id)
    if run is None or run.run_id != task.run_id or run.refs is None:
        logger.warning("page for an unknown run %s of tenant %s: dropped", task.run_id, task.tenant_id)
        return None
    stream = importing(task.entity)
    with ctx.clients(task.tenant_id) as clients:
        budget.start_empty(clients.rackbeat.budget)
        records = read_by_ids(clients.tripletex, stream, task.ids)
        result = import_records(
            ctx,
            task.tenant_id,
            clients.rackbeat,
            stream,
            records,
            run.request,
            run.refs,
            task.duplicate_of,
        )
    # Records deleted in Tripletex since the plan: nothing to import, but the page is done with them.
    result.counts.skipped = len(set(task.ids)) - len(records)
    ctx.runs.complete_page(task.tenant_id, task.entity, task.page, result.counts)
    finish_if_done(ctx, task.tenant_id)
    return result.counts


def retry(ctx: InitialSyncContext, task: RetryTask) -> EntityProgress | None:
    """Import failed records again with fresh reference data (the cause may have been fixed)."""
    run = ctx.runs.get_import(task.tenant_id)
    if run is None or run.run_id != task.run_id:
        return None
    with ctx.clients(task.tenant_id) as clients:
        refs = reference_data(clients.tripletex, clients.rackbeat)
        ctx.runs.set_refs(task.tenant_id, refs)
        stream = importing(task.entity)
        records = read_by_ids(clients.tripletex, stream, task.ids)
        result = import_records(ctx, task.tenant_id, clients.rackbeat, stream, records, run.request, refs)
    for tripletex_id, origin in result.succeeded:
        ctx.runs.resolve_failure(task.tenant_id, task.entity, str(tripletex_id), origin)
    if run.state == RunState.COMPLETED_WITH_FAILURES and not any(
        True for _ in ctx.failures.list_import(task.tenant_id)
    ):
        ctx.runs.set_state(task.tenant_id, RunState.COMPLETED, expected=RunState.COMPLETED_WITH_FAILURES)
    return result.counts


def finish_if_done(ctx: InitialSyncContext, tenant_id: str) -> None:
    run = ctx.runs.get_import(tenant_id)
    if run is None or run.pages_total is None or run.pages_done < run.pages_total:
        return
    if run.state == RunState.RUNNING:
        failed = sum(c.failed for c in run.counters.values())
        state = RunState.COMPLETED_WITH_FAILURES if failed else RunState.COMPLETED
        ctx.runs.finish(tenant_id, state, ctx.now())
        run = ctx.runs.get_import(tenant_id)
        if run is None:
            return
    if (
        run.state != RunState.RUNNING
        and run.summary_sent_at is None
        and ctx.runs.mark_summary_sent(tenant_id, ctx.now())
    ):
        # Claimed before sending: a crash here loses the email rather than sending it twice.
        send_summary(ctx, run, list(ctx.failures.list_import(tenant_id)))


def new_run_id() -> str:
    return uuid.uuid4().hex


def describe(task: PlanTask | PageTask | RetryTask) -> str:
    """A log-safe one-line description (ids only; there are no secrets on the queue)."""
    data = json.loads(task.model_dump_json())
    data.pop("ids", None)
    return json.dumps(data, sort_keys=True)
