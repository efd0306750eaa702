"""ongoing_sync: the composition root of the ongoing sync. The schedule fans out one task per
active tenant; SyncQueue runs the tasks.

Schedule events carry ``{"action": "fan_out", "full": false}`` (every few minutes) or
``"full": true`` (the nightly reconcile, which re-reads everything, sends the failure
digest and checks yesterday's invoices against Tripletex: ``sync.reconciliation``). SQS
records are tenant turns (sync/work.py: at most one holder per tenant, one slice each) or a
record's own task (the failures' retry, a reconciliation resend, a deletion), which adds the
record to the tenant's due work and runs only as, or within, the tenant's turn; each fails alone
(ReportBatchItemFailures), so one tenant's outage never holds back another's changes.

The module loads only Powertools: the engine, its clients and models (boto3, httpx, pydantic)
are imported on the first invocation, which needs only the half it uses (the fan-out or the
sync), and the import stays a fraction of ``import boto3`` (bench/cold_start.py).
"""

from __future__ import annotations

import logging
import math
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.config import OngoingSyncSettings
    from rackbeat_tripletex.sync.context import SyncContext
    from rackbeat_tripletex.sync.work import Turns

logger = Logger()
metrics = Metrics()


def __getattr__(name: str) -> Any:
    if name == "OngoingSyncSettings":  # the settings model, read by the template's tests
        from rackbeat_tripletex.config import OngoingSyncSettings

        return OngoingSyncSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def settings() -> OngoingSyncSettings:
    from rackbeat_tripletex.config import OngoingSyncSettings, function_settings

    return function_settings(OngoingSyncSettings)


@cache
def context() -> SyncContext:
    settings()  # a missing variable fails here, named, before any client is built
    # httpx logs request URLs at INFO, and Tripletex takes tokens as query parameters.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from rackbeat_tripletex.sync.context import SyncContext

    return SyncContext.from_config(metrics=metrics)


@cache
def _aws(idempotency_table_name: str) -> tuple[Any, Any]:
    import boto3

    return boto3.resource("dynamodb").Table(idempotency_table_name), boto3.client("sqs")


def turns() -> Turns:
    """Built on the current :func:`context` each time (cheap: the context and the AWS handles are
    cached), so the engine is always the one ``context()`` gives; caching the whole Turns would
    pin the first context's engine for the life of the process."""
    from rackbeat_tripletex.models.sync import TenantSyncTask
    from rackbeat_tripletex.store.tenant_work import TenantWork
    from rackbeat_tripletex.sync.digest import send_digest
    from rackbeat_tripletex.sync.engine import SyncEngine
    from rackbeat_tripletex.sync.reconciliation import daily_reconciliation
    from rackbeat_tripletex.sync.work import Turns

    config = settings()
    ctx = context()
    table, sqs = _aws(config.idempotency_table_name)

    def requeue(task: TenantSyncTask, delay_seconds: int) -> None:
        # SyncQueue is a standard queue, fair by its message groups: unlike a FIFO queue it
        # takes a delay per message, which is how a turn's retry waits out its backoff.
        sqs.send_message(
            QueueUrl=config.sync_queue_url,
            MessageBody=task.model_dump_json(),
            MessageGroupId=task.tenant_id,
            DelaySeconds=delay_seconds,
        )

    def reconciled(tenant_id: str) -> None:
        tenant = ctx.tenants.get(tenant_id)
        tenant_settings = ctx.tenants.get_settings(tenant_id)
        if tenant is not None:
            send_digest(
                ctx.table,
                ctx.mailer,
                tenant,
                list(ctx.failures.list_streams(tenant_id)),
                ctx.now(),
                to=tenant_settings.notification_email if tenant_settings else None,
            )
        daily_reconciliation(ctx, tenant_id, sqs, config.sync_queue_url)

    return Turns(SyncEngine(ctx), TenantWork(table), requeue, reconciled)


def record_handler(record: SQSRecord, lambda_context: LambdaContext | None = None) -> None:
    from rackbeat_tripletex.models.sync import TenantSyncTask, parse_sync_task

    task = parse_sync_task(record.body)
    remaining = (
        (lambda: lambda_context.get_remaining_time_in_millis() / 1000)
        if lambda_context is not None
        else (lambda: math.inf)
    )
    if isinstance(task, TenantSyncTask):
        outcome = turns().run(task, remaining, message_id=record.message_id)
        logger.info("tenant turn finished", extra={"tenant_id": task.tenant_id, "outcome": outcome})
    else:
        # A record's own task (a retry, a resend, a deletion) is run by the tenant's turn too.
        outcome = turns().run_record(task, remaining, message_id=record.message_id)
        logger.info("entity synced", extra={"tenant_id": task.tenant_id, "key": task.key, "outcome": outcome})


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context_: LambdaContext) -> Any:
    if "Records" in event:
        # A processor per invocation: it keeps the batch's records and failures on itself, so a
        # shared one is right only while one invocation at a time calls the handler (Lambda, and
        # each of the local runner's containers). Built here it costs a few attributes and the
        # handler stays right when called from two threads at once (tests call it directly).
        return process_partial_response(
            event=event,
            record_handler=record_handler,
            processor=BatchProcessor(event_type=EventType.SQS),
            context=context_,
        )
    import boto3

    from rackbeat_tripletex.store.tenants import TenantStore
    from rackbeat_tripletex.sync.fanout import fan_out

    config = settings()
    tenants = TenantStore(boto3.resource("dynamodb").Table(config.state_table_name))
    count = fan_out(tenants, boto3.client("sqs"), config.sync_queue_url, full=bool(event.get("full")))
    return {"enqueued": count}
