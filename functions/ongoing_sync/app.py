"""ongoing_sync: the composition root of the ongoing sync. The schedule fans out one task per
active tenant; SyncQueue runs the tasks.

Schedule events carry ``{"action": "fan_out", "full": false}`` (every few minutes) or
``"full": true`` (the nightly reconcile, which re-reads everything, sends the failure
digest and checks yesterday's invoices against Tripletex: ``sync.reconciliation``). SQS
records are tenant-level or entity-level tasks; each fails alone (ReportBatchItemFailures), so
one tenant's outage never holds back another's changes.

The module loads only Powertools: the engine, its clients and models (boto3, httpx, pydantic)
are imported on the first invocation, which needs only the half it uses (the fan-out or the
sync), and the import stays a fraction of ``import boto3`` (bench/cold_start.py).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.config import OngoingSyncSettings
    from rackbeat_tripletex.sync.context import SyncContext

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


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


def record_handler(record: SQSRecord) -> None:
    from rackbeat_tripletex.models.sync import TenantSyncTask, parse_sync_task
    from rackbeat_tripletex.sync.digest import send_digest
    from rackbeat_tripletex.sync.engine import SyncEngine
    from rackbeat_tripletex.sync.reconciliation import daily_reconciliation

    task = parse_sync_task(record.body)
    ctx = context()
    engine = SyncEngine(ctx)
    if isinstance(task, TenantSyncTask):
        runs = engine.run_tenant(task)
        logger.info(
            "tenant sync finished",
            extra={"tenant_id": task.tenant_id, "streams": {r.stream.value: r.outcome.value for r in runs}},
        )
        if task.full:
            tenant = ctx.tenants.get(task.tenant_id)
            tenant_settings = ctx.tenants.get_settings(task.tenant_id)
            if tenant is not None:
                send_digest(
                    ctx.table,
                    ctx.mailer,
                    tenant,
                    list(ctx.failures.list_streams(task.tenant_id)),
                    ctx.now(),
                    to=tenant_settings.notification_email if tenant_settings else None,
                )
            import boto3

            daily_reconciliation(ctx, task.tenant_id, boto3.client("sqs"), settings().sync_queue_url)
    else:
        outcome = engine.run_entity(task)
        logger.info("entity synced", extra={"tenant_id": task.tenant_id, "key": task.key, "outcome": outcome})


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context_: LambdaContext) -> Any:
    if "Records" in event:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context_
        )
    import boto3

    from rackbeat_tripletex.store.tenants import TenantStore
    from rackbeat_tripletex.sync.fanout import fan_out

    config = settings()
    tenants = TenantStore(boto3.resource("dynamodb").Table(config.state_table_name))
    count = fan_out(tenants, boto3.client("sqs"), config.sync_queue_url, full=bool(event.get("full")))
    return {"enqueued": count}
