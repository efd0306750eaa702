"""onboarding_api: the tenant lifecycle routes, the wizard page and the OpenAPI document.

Thin on purpose: parse -> call rackbeat_tripletex.onboarding -> shape the reply.
"""

from __future__ import annotations

import json
import math
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
from rackbeat_tripletex.clients.http import (
    AccessDenied,
    ApiError,
    AuthError,
    RateLimited,
    ServerError,
    TransportError,
)
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.sync import Accepted, DryRunReport, InitialSyncRequest
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.schemas import (
    CreateGroups,
    CreateUnits,
    CredentialsRequest,
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
    UnitsCreated,
    ValidationOutcome,
    VendorUnavailable,
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
from rackbeat_tripletex.webhooks.status import WebhookStatus, tenant_webhook_status

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


# ----- what every operation may answer: the OpenAPI document and the replies agree ----------

_NOT_FOUND = (ErrorBody, "No such tenant, or the token is not this tenant's (the same answer for both).")
_TOO_LARGE = (ErrorBody, f"The request body is larger than {gate.MAX_BODY_BYTES // 1024} KB.")
_INVALID = (
    ProblemsBody,
    "A field is missing or wrong, or the body is not UTF-8 JSON; `detail` names each field and what to fix.",
)
_EARLIER_STEP = (
    ErrorBody,
    "An earlier step is not done, the saved tokens no longer work, or the tenant changed at the same "
    "time; `message` says what to do.",
)
_BUSY = (
    VendorUnavailable,
    "Rackbeat or Tripletex is busy (rate limit), failing or unreachable; nothing was lost. "
    "Try again after `Retry-After` seconds when given.",
)
_REFUSED = (ErrorBody, "Rackbeat or Tripletex refused the request; `message` says what to do.")


def _responses(
    ok: int,
    model: Any,
    description: str,
    *,
    tenant: bool = True,
    vendors: bool = False,
    **errors: tuple[Any, str],
) -> dict[int, OpenAPIResponse]:
    """`tenant`: a /tenants/{tenant_id} route (404 from the gate). `vendors`: the route calls
    Rackbeat or Tripletex (409/502/503 from `vendor_error`). `s<status>=(model, words)` adds or
    replaces one answer."""
    answers: dict[int, tuple[Any, str]] = {413: _TOO_LARGE, 422: _INVALID}
    if tenant:
        answers[404] = _NOT_FOUND
    if vendors:
        answers |= {409: _EARLIER_STEP, 502: _REFUSED, 503: _BUSY}
    answers |= {int(status.removeprefix("s")): answer for status, answer in errors.items()}
    documented: dict[int, OpenAPIResponse] = {
        ok: {"description": description, "content": {"application/json": {"model": model}}}
    }
    for status, (error_model, words) in sorted(answers.items()):
        documented[status] = {"description": words, "content": {"application/json": {"model": error_model}}}
    return documented


_UNAVAILABLE = (RateLimited, ServerError, TransportError)


@app.exception_handler(ApiError)  # type: ignore[untyped-decorator]
def vendor_error(error: ApiError) -> Response[Any]:
    """Every route that calls Rackbeat or Tripletex ends here when the call fails after the
    client's own retries: the user learns which system failed and what to do next."""
    system = error.api or "The other system"
    logger.warning(
        "vendor call failed", extra={"api": error.api, "status": error.status, "error": type(error).__name__}
    )
    if isinstance(error, _UNAVAILABLE):
        wait = math.ceil(error.retry_after) if isinstance(error, RateLimited) and error.retry_after else None
        if isinstance(error, RateLimited):
            message = f"{system} is busy; try again in a minute."
        elif isinstance(error, ServerError):
            message = f"{system} has a problem right now; try again in a few minutes."
        else:
            message = f"{system} could not be reached; try again in a few minutes."
        body = VendorUnavailable(message=message, system=system, retry_after_seconds=wait)
        headers = {"Retry-After": str(wait)} if wait else None
        return Response(503, content_types.APPLICATION_JSON, body, headers=headers)
    if isinstance(error, AuthError | AccessDenied):
        message = f"{system}: {error.user_hint} Then enter the new token in the step \u201cTokens\u201d."
        return Response(409, content_types.APPLICATION_JSON, ErrorBody(message=message))
    message = f"{system} refused the request. {error.user_hint}"
    return Response(502, content_types.APPLICATION_JSON, ErrorBody(message=message))


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


@app.post(
    "/tenants",
    summary="Start onboarding a company",
    responses=_responses(201, TenantCreated, "The tenant exists; keep the management token.", tenant=False),
)
def create_tenant(request: NewTenant) -> Response[TenantCreated]:
    tenant, token = onboarding().create_tenant(request)
    created = TenantCreated(tenant_id=tenant.tenant_id, management_token=token, status=tenant.status)
    return Response(201, content_types.APPLICATION_JSON, created)


@app.get(
    "/tenants/<tenant_id>",
    summary="The tenant's profile, status and credentials summary",
    responses=_responses(200, TenantView, "The tenant; never a token."),
)
def get_tenant(tenant_id: TenantId) -> TenantView:
    return onboarding().view(_tenant(tenant_id))


@app.put(
    "/tenants/<tenant_id>/credentials",
    summary="Check the API tokens and store them if they work",
    responses=_responses(
        200,
        ValidationOutcome,
        "Every check passed; the tokens are stored.",
        vendors=True,
        s422=(
            ValidationOutcome | ProblemsBody,
            "Nothing was stored: either a check failed (`checks` says which and what to do) or a "
            "field is missing or wrong (`detail` names it).",
        ),
    ),
)
def put_credentials(
    tenant_id: TenantId, credentials: Annotated[CredentialsRequest, Body()]
) -> Response[ValidationOutcome]:
    report = onboarding().put_credentials(_tenant(tenant_id), credentials)
    if report.ok:
        return Response(200, content_types.APPLICATION_JSON, ValidationOutcome(ok=True, checks=report.checks))
    failed = ", ".join(check.label for check in report.failed)
    outcome = ValidationOutcome(
        ok=False, message=f"Nothing was saved. These checks failed: {failed}.", checks=report.checks
    )
    return Response(422, content_types.APPLICATION_JSON, outcome)


@app.get(
    "/tenants/<tenant_id>/prerequisites",
    summary="Rackbeat groups, payment terms, Tripletex counts",
    responses=_responses(
        200, Prerequisites, "What exists and which required groups are missing.", vendors=True
    ),
)
def get_prerequisites(tenant_id: TenantId) -> Prerequisites:
    return onboarding().prerequisites(_tenant(tenant_id))


@app.post(
    "/tenants/<tenant_id>/prerequisites/groups",
    summary="Create the missing Rackbeat groups",
    responses=_responses(
        200, Prerequisites, "The groups exist; the prerequisites as they are now.", vendors=True
    ),
)
def create_groups(tenant_id: TenantId, request: CreateGroups) -> Prerequisites:
    return onboarding().create_groups(_tenant(tenant_id), request.kinds)


@app.post(
    "/tenants/<tenant_id>/prerequisites/units",
    summary="Create the Rackbeat units the import preview named as missing",
    description=(
        "Creates each named unit Rackbeat still lacks, spelled as in Tripletex; a name Rackbeat has "
        "already (a second click) or Tripletex does not know is left alone. Preview the import again "
        "afterwards; products that already failed for their unit import on a retry of the failures."
    ),
    responses=_responses(200, UnitsCreated, "The units made now (none when none was missing).", vendors=True),
)
def create_units(tenant_id: TenantId, request: CreateUnits) -> UnitsCreated:
    return onboarding().create_units(_tenant(tenant_id), request.names)


@app.get(
    "/tenants/<tenant_id>/settings",
    summary="What is synchronised",
    responses=_responses(200, SettingsView, "The saved settings (`null` before the first save)."),
)
def get_settings(tenant_id: TenantId) -> SettingsView:
    return onboarding().get_settings(_tenant(tenant_id))


@app.put(
    "/tenants/<tenant_id>/settings",
    summary="Save what is synchronised; the first save activates",
    # Vendors: saving an active tenant makes sure its Rackbeat webhooks exist.
    responses=_responses(200, SettingsSaved, "Saved; says where the settings link went.", vendors=True),
)
def put_settings(tenant_id: TenantId, update: SettingsUpdate) -> SettingsSaved:
    token = bearer_token(app.current_event.headers.get("Authorization")) or ""
    return onboarding().save_settings(_tenant(tenant_id), update, token, _public_base_url())


@app.post(
    "/tenants/<tenant_id>/management-token",
    summary="Email a new settings link; the old one stops",
    responses=_responses(200, TokenRotated, "The new link went to the contact's email.", s409=_EARLIER_STEP),
)
def rotate_token(tenant_id: TenantId) -> TokenRotated:
    return onboarding().rotate_management_token(_tenant(tenant_id), _public_base_url())


@app.delete(
    "/tenants/<tenant_id>",
    summary="Offboard: delete tokens, webhooks and all data",
    # No vendors: a Rackbeat that cannot be reached becomes a warning in the answer.
    responses=_responses(200, TenantDeleted, "Everything of the tenant is gone."),
)
def delete_tenant(tenant_id: TenantId, request: DeleteTenant) -> TenantDeleted:
    return onboarding().delete(_tenant(tenant_id), request.confirm_company_name)


# ----- sync: the initial import, failures and retry, run history ---------------------------


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
    responses=_responses(202, RetryQueued, "The records are queued again."),
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


@app.get(
    "/tenants/<tenant_id>/webhooks",
    summary="Which Rackbeat webhooks are registered, which Rackbeat refused and why",
    description=(
        "Per wanted event: registered, refused (with Rackbeat's reason) or failed; a change without a "
        "webhook still arrives by the scheduled sync, at most `scheduled_sync_every_minutes` later."
    ),
    responses=_responses(200, WebhookStatus, "The last registration's outcome per event."),
)
def get_webhooks(tenant_id: TenantId) -> WebhookStatus:
    return tenant_webhook_status(_tenant(tenant_id).tenant_id)


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    document = app.get_openapi_json_schema(
        title="Rackbeat-Tripletex onboarding API",
        version="1.0.0",
        description="Every /tenants/{tenant_id} route needs `Authorization: Bearer <management_token>`.",
    )
    return Response(
        200, content_types.APPLICATION_JSON, json.dumps(_without_unused_schemas(json.loads(document)))
    )


def _without_unused_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """Powertools always adds its own 422 shape (HTTPValidationError) to the components; every
    route documents ours instead, so a client generator must not be offered one we never send."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps({key: value for key, value in document.items() if key != "components"})
        text += json.dumps(schemas)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return document
        for name in unused:
            del schemas[name]


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
    if not gate.body_is_text(event):
        # After authorisation, so a stranger still gets the 404; before the resolver, which
        # decodes the body strictly and would crash on it.
        return gate.not_text()
    return app.resolve(event, context)
