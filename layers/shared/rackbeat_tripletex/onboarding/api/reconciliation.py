"""The reconciliation routes: what the daily check found, a day checked now, and the one-click
resend (per gap, or every invoice of a date range). Each route is its documentation and one call
into :class:`~rackbeat_tripletex.onboarding.reconciling.ReconciliationOperations`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from rackbeat_tripletex.i18n import language_of
from rackbeat_tripletex.onboarding.api.routing import TenantId, authorised_tenant, documented
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.api.setup import Lang
from rackbeat_tripletex.onboarding.reconciling import (
    CheckDay,
    DayReport,
    ReconciliationOperations,
    ReconciliationView,
    ResendQueued,
    ResendRequest,
)


def reconciliation_router(services: OnboardingServices) -> Router:
    router = Router()  # type: ignore[no-untyped-call]
    holder: dict[str, ReconciliationOperations] = {}

    def operations() -> ReconciliationOperations:
        if "ops" not in holder:
            holder["ops"] = ReconciliationOperations(sync_queue_url=services.settings.sync_queue_url)
        return holder["ops"]

    @router.get(
        "/tenants/<tenant_id>/reconciliation",
        summary="What the daily reconciliation found: the days checked and their differences",
        description=(
            "Every night the invoices booked in Rackbeat the day before are compared with Tripletex "
            "(each exactly once, same total, same VAT per rate), and so are the linked customers and "
            "products on them (name, number, price). Each gap has a `summary` and a `fix` in the "
            "tenant's language and, when `resendable`, a one-click resend."
        ),
        responses=documented(200, ReconciliationView, "The days checked, newest first, and their gaps."),
    )
    def get_reconciliation(
        tenant_id: TenantId,
        days: Annotated[int, Query(ge=1, le=90, description="How many checked days, newest first.")] = 14,
        lang: Lang = None,
    ) -> ReconciliationView:
        tenant = authorised_tenant(router, tenant_id)
        return operations().read(tenant.tenant_id, days, language_of(lang) if lang else None)

    @router.post(
        "/tenants/<tenant_id>/reconciliation/check",
        summary="Check one day now (yesterday by default); replaces that day's findings",
        responses=documented(200, DayReport, "The day as checked now, with its gaps.", vendors=True),
    )
    def check_day(tenant_id: TenantId, request: CheckDay) -> DayReport:
        return operations().check(authorised_tenant(router, tenant_id), request)

    @router.post(
        "/tenants/<tenant_id>/reconciliation/resend",
        summary="Resend the records of gaps (by id), or every differing invoice of a date range",
        description=(
            '`{"gap_ids": [...]}` queues each gap\'s record to be written to Tripletex again. '
            '`{"date_from": "YYYY-MM-DD", "date_to": "YYYY-MM-DD"}` (at most 31 days) checks each day '
            "again and resends every invoice found missing or different. A duplicate is not resent: "
            "its `fix` says how to remove it in Tripletex."
        ),
        responses=documented(
            202, ResendQueued, "Queued; the next check shows whether the gaps are gone.", vendors=True
        ),
    )
    def resend(tenant_id: TenantId, request: ResendRequest) -> Response[ResendQueued]:
        queued = operations().resend(authorised_tenant(router, tenant_id), request)
        return Response(202, content_types.APPLICATION_JSON, queued)

    return router
