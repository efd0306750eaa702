"""``GET /openapi.json``: the document the routers' own declarations make."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Router

TITLE = "Rackbeat-Tripletex onboarding API"
DESCRIPTION = "Every /tenants/{tenant_id} route needs `Authorization: Bearer <management_token>`."


def openapi_router() -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[str]:
        resolver = router.api_resolver
        if not isinstance(resolver, ApiGatewayResolver):
            raise TypeError("the OpenAPI router must be included in a resolver")
        document = resolver.get_openapi_json_schema(title=TITLE, version="1.0.0", description=DESCRIPTION)
        return Response(
            200, content_types.APPLICATION_JSON, json.dumps(without_unused_schemas(json.loads(document)))
        )

    return router


def without_unused_schemas(document: dict[str, Any]) -> dict[str, Any]:
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
