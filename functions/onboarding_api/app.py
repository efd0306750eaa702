"""onboarding_api: the composition root of the tenant lifecycle routes, the wizard page and the
OpenAPI document.

The routers (rackbeat_tripletex.onboarding.api) hold the routes; errors maps every domain error
to its answer; admission screens the raw event before any router parses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from rackbeat_tripletex.http_headers import with_security_headers
from rackbeat_tripletex.onboarding.api.admission import Admitted, admit
from rackbeat_tripletex.onboarding.api.errors import map_errors
from rackbeat_tripletex.onboarding.api.identity import identity_router
from rackbeat_tripletex.onboarding.api.openapi import openapi_router
from rackbeat_tripletex.onboarding.api.services import OnboardingServices
from rackbeat_tripletex.onboarding.api.setup import setup_router
from rackbeat_tripletex.onboarding.api.sync import sync_router
from rackbeat_tripletex.onboarding.api.tenants import tenants_router
from rackbeat_tripletex.onboarding.api.wizard import wizard_router

logger = Logger()
services = OnboardingServices()
app = APIGatewayRestResolver(enable_validation=True)
app.include_router(tenants_router(services))
app.include_router(identity_router(services))
app.include_router(sync_router(services))
app.include_router(setup_router(services))
app.include_router(wizard_router(Path(__file__).parent / "wizard"))
app.include_router(openapi_router())
map_errors(app)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    admitted = admit(event, services.authorize)
    if not isinstance(admitted, Admitted):
        return with_security_headers(admitted)
    principal = admitted.principal
    if principal is not None:
        logger.append_keys(tenant_id=principal.tenant.tenant_id)
        app.append_context(principal=principal)  # type: ignore[no-untyped-call]
    answer = app.resolve(event, context)
    if principal is not None and principal.rotated_token:
        # The session token was replaced on this use: the wizard reads the successor here.
        headers = answer.setdefault("headers", {}) or {}
        headers["X-Session-Token"] = principal.rotated_token
        headers["Cache-Control"] = "no-store"
        answer["headers"] = headers
    return with_security_headers(answer)
