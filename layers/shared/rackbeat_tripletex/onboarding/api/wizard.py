"""The wizard: one static page and its two assets, served from the function's own directory."""

from __future__ import annotations

import json
from pathlib import Path

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

_ASSETS = {"wizard.js": "application/javascript", "wizard.css": "text/css"}
_HEADERS = {
    "Cache-Control": "no-cache",
    # The page holds a management token in memory: no third-party code, no framing.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def wizard_router(directory: Path) -> Router:
    router = Router()  # type: ignore[no-untyped-call]

    def static(name: str, content_type: str) -> Response[str]:
        return Response(200, content_type, (directory / name).read_text(encoding="utf-8"), headers=_HEADERS)

    @router.get("/", include_in_schema=False)
    def wizard_page() -> Response[str]:
        return static("index.html", "text/html; charset=utf-8")

    @router.get("/assets/<name>", include_in_schema=False)
    def wizard_asset(name: str) -> Response[str]:
        if name not in _ASSETS:
            return Response(404, content_types.APPLICATION_JSON, json.dumps({"message": "Not found"}))
        return static(name, _ASSETS[name] + "; charset=utf-8")

    return router
