"""Headers every API answer carries, whichever function and code path gave it.

API Gateway's proxy integration passes the function's headers through unchanged, so the
functions set them: HSTS (the API is only ever reached over https), ``no-store`` unless the
answer chose its own caching (the wizard's static files), and ``nosniff``.
"""

from __future__ import annotations

from typing import Any

HSTS = "max-age=63072000; includeSubDomains"
DEFAULTS = {
    "Strict-Transport-Security": HSTS,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def with_security_headers(reply: dict[str, Any]) -> dict[str, Any]:
    """The API Gateway proxy reply with the defaults added where it has none of its own."""
    headers = dict(reply.get("headers") or {})
    multi = reply.get("multiValueHeaders") or {}
    present = {name.lower() for name in [*headers, *multi]}
    for name, value in DEFAULTS.items():
        if name.lower() not in present:
            headers[name] = value
    return {**reply, "headers": headers}
