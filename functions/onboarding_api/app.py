"""onboarding_api: the composition root of the tenant lifecycle routes, the wizard page and the
OpenAPI document.

The routers (rackbeat_tripletex.onboarding.api) hold the routes; errors maps every domain error
to its answer; admission screens the raw event before any router parses it.

The module loads only Powertools' Logger. The resolver, its routers and the models their routes
declare (and validate with) are built on the first request, the AWS clients on the first route
that calls them (OnboardingServices), so the import stays a fraction of ``import boto3``
(bench/cold_start.py). ``app`` and ``services`` read as module attributes build them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from rackbeat_tripletex.onboarding.api.services import OnboardingServices

logger = Logger()


@cache
def onboarding_services() -> OnboardingServices:
    from rackbeat_tripletex.onboarding.api.services import OnboardingServices

    return OnboardingServices()


@cache
def resolver() -> APIGatewayRestResolver:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from rackbeat_tripletex.onboarding.api.errors import map_errors
    from rackbeat_tripletex.onboarding.api.identity import identity_router
    from rackbeat_tripletex.onboarding.api.openapi import openapi_router
    from rackbeat_tripletex.onboarding.api.reconciliation import reconciliation_router
    from rackbeat_tripletex.onboarding.api.setup import setup_router
    from rackbeat_tripletex.onboarding.api.sync import sync_router
    from rackbeat_tripletex.onboarding.api.tenants import tenants_router
    from rackbeat_tripletex.onboarding.api.wizard import wizard_router

    services = onboarding_services()
    app = APIGatewayRestResolver(enable_validation=True)
    app.include_router(tenants_router(services))
    app.include_router(identity_router(services))
    app.include_router(sync_router(services))
    app.include_router(reconciliation_router(services))
    app.include_router(setup_router(services))
    app.include_router(wizard_router(Path(__file__).parent / "wizard"))
    app.include_router(openapi_router())
    map_errors(app)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return resolver()
    if name == "services":
        return onboarding_services()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from rackbeat_tripletex.http_headers import with_security_headers
    from rackbeat_tripletex.onboarding.api.admission import Admitted, admit

    app = resolver()
    admitted = admit(event, onboarding_services().authorize)
    if not isinstance(admitted, Admitted):
        return with_security_headers(admitted)
    principal = admitted.principal
    if principal is not None:
        logger.append_keys(tenant_id=principal.tenant.tenant_id)
    if principal is not None:
        app.append_context(principal=principal)  # type: ignore[no-untyped-call]
    answer = app.resolve(event, context)
    if principal is not None and principal.rotated_token:
        # The session token was replaced on this use: the wizard reads the successor here.
        headers = answer.setdefault("headers", {}) or {}
        headers["X-Session-Token"] = principal.rotated_token
        headers["Cache-Control"] = "no-store"
        answer["headers"] = headers
    return with_security_headers(answer)
