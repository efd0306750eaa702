"""onboarding_api: the tenant lifecycle routes, the wizard page and the OpenAPI document.

Thin on purpose: parse -> call rackbeat_tripletex.onboarding -> shape the reply.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Credentials
from rackbeat_tripletex.models.sync import Accepted, DryRunReport, InitialSyncRequest
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.schemas import (
    CreateGroups,
    DeleteTenant,
    ErrorBody,
    NewTenant,
    Prerequisites,
    SettingsSaved,
    SettingsUpdate,
    SettingsView,
    TenantCreated,
    TenantDeleted,
    TenantView,
    TokenRotated,
    ValidationOutcome,
)
from rackbeat_tripletex.onboarding.service import Onboarding, OnboardingError, TenantNotFoundError
from rackbeat_tripletex.onboarding.syncing import (
    AlreadyRanBody,
    FailureList,
    ImportAlreadyRanError,
    ImportChoicesError,
    InitialSyncStatus,
    ProblemsBody,
    RetryQueued,
    RetryRequest,
    SyncOperations,
)
from rackbeat_tripletex.onboarding.wiring import build_onboarding, public_base_url
from rackbeat_tripletex.sync.history import SyncRuns

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
WIZARD = Path(__file__).parent / "wizard"
TenantId = Annotated[str, PathParam(description="The id POST /tenants answered.", max_length=64)]


@cache
def onboarding() -> Onboarding:
    return build_onboarding()


@cache
def sync_operations() -> SyncOperations:
    return SyncOperations.from_config()


def _tenant(tenant_id: str) -> Any:
    # The gate in lambda_handler authorised this request before the body was parsed.
    tenant = app.context.get("tenant")
    if tenant is None or tenant.tenant_id != tenant_id:
        raise TenantNotFoundError()
    return tenant


@app.exception_handler(OnboardingError)  # type: ignore[untyped-decorator]
def onboarding_error(error: OnboardingError) -> Response[Any]:
    return Response(error.status, content_types.APPLICATION_JSON, {"message": error.message})


@app.exception_handler(ImportChoicesError)  # type: ignore[untyped-decorator]
def import_choices_error(error: ImportChoicesError) -> Response[Any]:
    return Response(error.status, content_types.APPLICATION_JSON, error.body())


@app.exception_handler(ImportAlreadyRanError)  # type: ignore[untyped-decorator]
def import_already_ran(error: ImportAlreadyRanError) -> Response[Any]:
    return Response(error.status, content_types.APPLICATION_JSON, error.body())


@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def invalid_request(error: RequestValidationError) -> Response[Any]:
    return Response(
        422, content_types.APPLICATION_JSON, gate.describe_validation_errors(list(error.errors()))
    )


@app.post("/tenants", summary="Start onboarding a company")
def create_tenant(request: NewTenant) -> Response[TenantCreated]:
    tenant, token = onboarding().create_tenant(request)
    created = TenantCreated(tenant_id=tenant.tenant_id, management_token=token, status=tenant.status)
    return Response(201, content_types.APPLICATION_JSON, created)


@app.get("/tenants/<tenant_id>", summary="The tenant's profile, status and credentials summary")
def get_tenant(tenant_id: TenantId) -> TenantView:
    return onboarding().view(_tenant(tenant_id))


@app.put("/tenants/<tenant_id>/credentials", summary="Check the API tokens and store them if they work")
def put_credentials(
    tenant_id: TenantId, credentials: Annotated[Credentials, Body()]
) -> Response[ValidationOutcome]:
    report = onboarding().put_credentials(_tenant(tenant_id), credentials)
    if report.ok:
        return Response(200, content_types.APPLICATION_JSON, ValidationOutcome(ok=True, checks=report.checks))
    failed = ", ".join(check.label for check in report.failed)
    outcome = ValidationOutcome(
        ok=False, message=f"Nothing was saved. These checks failed: {failed}.", checks=report.checks
    )
    return Response(422, content_types.APPLICATION_JSON, outcome)


@app.get("/tenants/<tenant_id>/prerequisites", summary="Rackbeat groups, payment terms, Tripletex counts")
def get_prerequisites(tenant_id: TenantId) -> Prerequisites:
    return onboarding().prerequisites(_tenant(tenant_id))


@app.post("/tenants/<tenant_id>/prerequisites/groups", summary="Create the missing Rackbeat groups")
def create_groups(tenant_id: TenantId, request: CreateGroups) -> Prerequisites:
    return onboarding().create_groups(_tenant(tenant_id), request.kinds)


@app.get("/tenants/<tenant_id>/settings", summary="What is synchronised")
def get_settings(tenant_id: TenantId) -> SettingsView:
    return onboarding().get_settings(_tenant(tenant_id))


@app.put("/tenants/<tenant_id>/settings", summary="Save what is synchronised; the first save activates")
def put_settings(tenant_id: TenantId, update: SettingsUpdate) -> SettingsSaved:
    token = bearer_token(app.current_event.headers.get("Authorization")) or ""
    return onboarding().save_settings(_tenant(tenant_id), update, token, _public_base_url())


@app.post("/tenants/<tenant_id>/management-token", summary="Email a new settings link; the old one stops")
def rotate_token(tenant_id: TenantId) -> TokenRotated:
    return onboarding().rotate_management_token(_tenant(tenant_id), _public_base_url())


@app.delete("/tenants/<tenant_id>", summary="Offboard: delete tokens, webhooks and all data")
def delete_tenant(tenant_id: TenantId, request: DeleteTenant) -> TenantDeleted:
    return onboarding().delete(_tenant(tenant_id), request.confirm_company_name)


# ----- sync: the initial import, failures and retry, run history ---------------------------


def _responses(
    ok: int, model: Any, description: str, **errors: tuple[Any, str]
) -> dict[int, OpenAPIResponse]:
    documented: dict[int, OpenAPIResponse] = {
        ok: {"description": description, "content": {"application/json": {"model": model}}},
        404: {
            "description": "No such tenant, or the token is not this tenant's (the same answer for both).",
            "content": {"application/json": {"model": ErrorBody}},
        },
    }
    for status, (error_model, words) in errors.items():
        documented[int(status.removeprefix("s"))] = {
            "description": words,
            "content": {"application/json": {"model": error_model}},
        }
    return documented


_INVALID = (ProblemsBody, "A field is missing or wrong; `detail` names each field and what to fix.")


@app.post(
    "/tenants/<tenant_id>/initial-sync",
    summary="Start the one-time import from Tripletex into Rackbeat, or preview it (dry_run)",
    description=(
        "Without `dry_run` the import is queued and the answer is 202; follow it with GET. "
        "With `dry_run=true` the answer (200) holds counts per entity, a sample of mapped records and "
        "the records that would fail and why; nothing is written anywhere. The import runs once: "
        "a second start answers 409 saying when it ran and how it ended."
    ),
    responses=_responses(
        202,
        Accepted,
        "The import is queued.",
        s200=(DryRunReport, "dry_run=true: what the import would do; nothing was written."),
        s409=(AlreadyRanBody, "The import already ran for this tenant."),
        s422=_INVALID,
    ),
)
def start_initial_sync(
    tenant_id: TenantId,
    request: InitialSyncRequest,
    dry_run: Annotated[bool, Query(description="Preview only: read both systems, write nothing.")] = False,
) -> Response[Accepted | DryRunReport]:
    tenant = _tenant(tenant_id)
    answer = sync_operations().start(tenant.tenant_id, request, dry_run=dry_run)
    return Response(200 if dry_run else 202, content_types.APPLICATION_JSON, answer)


@app.get(
    "/tenants/<tenant_id>/initial-sync",
    summary="How far the initial import is: state, per-entity counters, time left",
    responses=_responses(200, InitialSyncStatus, "The import's state (`not_started` before it is started)."),
)
def get_initial_sync(tenant_id: TenantId) -> InitialSyncStatus:
    return sync_operations().progress(_tenant(tenant_id).tenant_id)


@app.get(
    "/tenants/<tenant_id>/failures",
    summary="Records that did not sync, from the initial import and the ongoing sync, with what to do",
    responses=_responses(200, FailureList, "Every failed record, with its reason and suggested fix."),
)
def get_failures(tenant_id: TenantId) -> FailureList:
    return sync_operations().failures(_tenant(tenant_id).tenant_id)


@app.post(
    "/tenants/<tenant_id>/failures/retry",
    summary="Put failed records back on their queues: all of them, or those named",
    responses=_responses(202, RetryQueued, "The records are queued again.", s422=_INVALID),
)
def retry_failures(tenant_id: TenantId, request: RetryRequest) -> Response[RetryQueued]:
    queued = sync_operations().retry(_tenant(tenant_id).tenant_id, request)
    return Response(202, content_types.APPLICATION_JSON, queued)


@app.get(
    "/tenants/<tenant_id>/sync-runs",
    summary="Ongoing-sync history: one entry per run and stream, newest first",
    responses=_responses(200, SyncRuns, "Trigger, start, finish and counts of each stream's run."),
)
def get_sync_runs(
    tenant_id: TenantId,
    limit: Annotated[int, Query(ge=1, le=500, description="How many entries, newest first.")] = 50,
) -> SyncRuns:
    return sync_operations().sync_runs(_tenant(tenant_id).tenant_id, limit)


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    document = app.get_openapi_json_schema(
        title="Rackbeat-Tripletex onboarding API",
        version="1.0.0",
        description="Every /tenants/{tenant_id} route needs `Authorization: Bearer <management_token>`.",
    )
    return Response(200, content_types.APPLICATION_JSON, document)


_ASSETS = {"wizard.js": "application/javascript", "wizard.css": "text/css"}


@app.get("/", include_in_schema=False)
def wizard_page() -> Response[str]:
    return _static("index.html", "text/html; charset=utf-8")


@app.get("/assets/<name>", include_in_schema=False)
def wizard_asset(name: str) -> Response[str]:
    if name not in _ASSETS:
        return Response(404, content_types.APPLICATION_JSON, json.dumps({"message": "Not found"}))
    return _static(name, _ASSETS[name] + "; charset=utf-8")


def _static(name: str, content_type: str) -> Response[str]:
    return Response(
        200,
        content_type,
        (WIZARD / name).read_text(encoding="utf-8"),
        headers={
            "Cache-Control": "no-cache",
            # The page holds a management token in memory: no third-party code, no framing.
            "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _public_base_url() -> str:
    event = app.current_event.raw_event
    return public_base_url(runtime_config().public_base_url, event)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if gate.body_size(event) > gate.MAX_BODY_BYTES:
        return gate.too_large()
    tenant_id = gate.tenant_id_of(event.get("path", ""))
    if tenant_id is not None:
        # Authorise before the resolver parses the body: a stranger learns nothing from a 422.
        presented = bearer_token(gate.header(event, "Authorization"))
        try:
            tenant = onboarding().authorize(tenant_id, presented)
        except TenantNotFoundError as error:
            return gate.reply(error.status, {"message": error.message})
        logger.append_keys(tenant_id=tenant.tenant_id)
        app.append_context(tenant=tenant)  # type: ignore[no-untyped-call]
    return app.resolve(event, context)
