"""initial_sync: the composition root of the InitialSyncQueue worker; each SyncTask message is
parsed and handed to the layer.

Each record succeeds or fails alone (ReportBatchItemFailures); a failed one returns to the queue
after its visibility timeout and reaches the DLQ after maxReceiveCount deliveries.

The module loads only Powertools: the import machinery (boto3, httpx, pydantic models) is
imported on the first task, so the module's import stays a fraction of ``import boto3``
(bench/cold_start.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.initial_sync.context import InitialSyncContext

logger = Logger()
_context: InitialSyncContext | None = None


def __getattr__(name: str) -> Any:
    if name == "InitialSyncSettings":  # the settings model, read by the template's tests
        from rackbeat_tripletex.config import InitialSyncSettings

        return InitialSyncSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sync_context() -> InitialSyncContext:
    global _context
    if _context is None:
        from rackbeat_tripletex.config import InitialSyncSettings, function_settings
        from rackbeat_tripletex.initial_sync.context import InitialSyncContext

        function_settings(InitialSyncSettings)  # a missing variable fails here, named
        _context = InitialSyncContext.from_config()
    return _context


def use_context(context: InitialSyncContext | None) -> None:
    """Tests and the local stack hand in a context wired to their own endpoints."""
    global _context
    _context = context


def record_handler(record: SQSRecord) -> None:
    from rackbeat_tripletex.initial_sync.worker import describe, handle_task
    from rackbeat_tripletex.models.sync import parse_task

    task = parse_task(record.body)
    logger.info("initial-sync task", extra={"task": describe(task), "message_id": record.message_id})
    handle_task(sync_context(), task)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # A processor per invocation (functions/ongoing_sync/app.py says why).
    return process_partial_response(
        event=event,
        record_handler=record_handler,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )
