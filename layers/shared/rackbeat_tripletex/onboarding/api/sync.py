"""The sync routes: start or preview the initial import, follow it, list and retry failed
records, the ongoing sync's run history and the webhook registration status. Each route is its
documentation and one call into :class:`~rackbeat_tripletex.onboarding.syncing.SyncOperations`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.sync import Accepted, DryRunReport, InitialSyncRequest
from rackbeat_tripletex.onboarding.api.routing import TenantId, authorised_tenant, documented
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.failures import CONFIRM_EMAIL_FIRST, StepOrderError
from rackbeat_tripletex.onboarding.ledger_settings import Chart
from rackbeat_tripletex.onboarding.schemas import ErrorBody
from rackbeat_tripletex.onboarding.syncing import (
    AlreadyRanBody,
    FailureList,
    InitialSyncStatus,
    RetryQueued,
    RetryRequest,
    SyncRunList,
)
from rackbeat_tripletex.store.payments import InvoicePayments, PaymentStore
from rackbeat_tripletex.webhooks.status import WebhookStatus

_DRY_RUN = "Preview only: read both systems, write nothing."


def sync_router(services: OnboardingServices) -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    def tenant_id_of(tenant_id: str) -> str:
        return authorised_tenant(router, tenant_id).tenant_id

    @router.post(
        "/tenants/<tenant_id>/initial-sync",
        summary="Start the one-time import from Tripletex into Rackbeat, or preview it (dry_run)",
        description=(
            "Without `dry_run` the import is queued and the answer is 202; follow it with GET. "
            "With `dry_run=true` the answer (200) holds counts per entity, a sample of mapped records "
            "and the records that would fail and why; nothing is written anywhere. The import runs "
            "once: a second start answers 409 saying when it ran and how it ended."
        ),
        responses=documented(
            202,
            Accepted,
            "The import is queued.",
            s200=(DryRunReport, "dry_run=true: what the import would do; nothing was written."),
            vendors=True,
            s409=(
                AlreadyRanBody | ErrorBody,
                "The import already ran for this tenant (`started_at`, `state`), or the saved tokens no "
                "longer work (`message` says what to do).",
            ),
        ),
    )
    def start_initial_sync(
        tenant_id: TenantId,
        request: InitialSyncRequest,
        dry_run: Annotated[
            bool, Query(description="Preview only: read both systems, write nothing.")
        ] = False,
    ) -> Response[Accepted | DryRunReport]:
        tenant = authorised_tenant(router, tenant_id)
        if tenant.email_verification_pending and not dry_run:
            # The import ends with a summary email, which must not go to an unconfirmed address.
            raise StepOrderError(CONFIRM_EMAIL_FIRST.format(address=tenant.contact_email))
        answer = services.sync.start(tenant.tenant_id, request, dry_run=dry_run)
        return Response(200 if dry_run else 202, content_types.APPLICATION_JSON, answer)

    @router.get(
        "/tenants/<tenant_id>/initial-sync",
        summary="How far the initial import is: state, per-entity counters, time left",
        responses=documented(
            200, InitialSyncStatus, "The import's state (`not_started` before it is started)."
        ),
    )
    def get_initial_sync(tenant_id: TenantId) -> InitialSyncStatus:
        return services.sync.progress(tenant_id_of(tenant_id))

    @router.get(
        "/tenants/<tenant_id>/failures",
        summary="Records that did not sync, from the initial import and the ongoing sync, with what to do",
        responses=documented(200, FailureList, "Every failed record, with its reason and suggested fix."),
    )
    def get_failures(tenant_id: TenantId) -> FailureList:
        return services.sync.failures(tenant_id_of(tenant_id))

    @router.post(
        "/tenants/<tenant_id>/failures/retry",
        summary="Put failed records back on their queues: all of them, or those named",
        responses=documented(202, RetryQueued, "The records are queued again."),
    )
    def retry_failures(tenant_id: TenantId, request: RetryRequest) -> Response[RetryQueued]:
        queued = services.sync.retry(tenant_id_of(tenant_id), request)
        return Response(202, content_types.APPLICATION_JSON, queued)

    @router.get(
        "/tenants/<tenant_id>/sync-runs",
        summary="Ongoing-sync history: one entry per run and stream, newest first",
        responses=documented(200, SyncRunList, "Trigger, start, finish and counts of each stream's run."),
    )
    def get_sync_runs(
        tenant_id: TenantId,
        limit: Annotated[int, Query(ge=1, le=500, description="How many entries, newest first.")] = 50,
    ) -> SyncRunList:
        return services.sync.sync_runs(tenant_id_of(tenant_id), limit)

    @router.get(
        "/tenants/<tenant_id>/invoices/payments",
        summary="Payment status: paid and outstanding per invoice entered in Tripletex",
        description=(
            "What Tripletex last said about each invoice the integration entered there (the "
            "`payments_to_rackbeat` stream); `note` says whether Rackbeat's own invoice shows it."
        ),
        responses=documented(200, InvoicePayments, "One entry per invoice, by Rackbeat number."),
    )
    def get_invoice_payments(tenant_id: TenantId) -> InvoicePayments:
        tenant = authorised_tenant(router, tenant_id)
        found = sorted(
            PaymentStore(services.sync.table).statuses(tenant.tenant_id).values(), key=lambda s: s.invoice
        )
        in_rackbeat = any(status.in_rackbeat for status in found)
        note = text(
            "payments.rackbeat_updated" if in_rackbeat else "payments.rackbeat_not_updated", tenant.language
        )
        return InvoicePayments(tenant_id=tenant.tenant_id, note=note, invoices=found)

    @router.get(
        "/tenants/<tenant_id>/ledger/accounts",
        summary="The Tripletex company's active accounts, for the stock value's two",
        responses=documented(200, Chart, "Account number and name, by number.", vendors=True),
    )
    def get_ledger_accounts(tenant_id: TenantId) -> Chart:
        return services.onboarding.ledger_accounts(authorised_tenant(router, tenant_id))

    @router.get(
        "/tenants/<tenant_id>/webhooks",
        summary="Which Rackbeat webhooks are registered, which Rackbeat refused and why",
        description=(
            "Per wanted event: registered, refused (with Rackbeat's reason) or failed; a change without "
            "a webhook still arrives by the scheduled sync, at most `scheduled_sync_every_minutes` later."
        ),
        responses=documented(200, WebhookStatus, "The last registration's outcome per event."),
    )
    def get_webhooks(tenant_id: TenantId) -> WebhookStatus:
        return services.webhook_status(tenant_id_of(tenant_id))

    return router
