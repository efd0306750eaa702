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
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.params import Path as PathParam
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.auth import bearer_token
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.models.domain import Credentials
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.schemas import (
    CreateGroups,
    DeleteTenant,
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
from rackbeat_tripletex.onboarding.wiring import build_onboarding, public_base_url

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
WIZARD = Path(__file__).parent / "wizard"
TenantId = Annotated[str, PathParam(description="The id POST /tenants answered.", max_length=64)]


@cache
def onboarding() -> Onboarding:
    return build_onboarding()


def _tenant(tenant_id: str) -> Any:
    # The gate in lambda_handler authorised this request before the body was parsed.
    tenant = app.context.get("tenant")
    if tenant is None or tenant.tenant_id != tenant_id:
        raise TenantNotFoundError()
    return tenant


@app.exception_handler(OnboardingError)  # type: ignore[untyped-decorator]
def onboarding_error(error: OnboardingError) -> Response[Any]:
    return Response(error.status, content_types.APPLICATION_JSON, {"message": error.message})


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
