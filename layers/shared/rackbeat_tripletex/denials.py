"""One structured ``auth_failed`` log line per denied request: the operator's record of who was
refused where, counted by a metric filter (template.yaml, AuthFailedAlarm).

The line names the route, a reason class, the tenant id only when it is well formed (anything
else in that place is attacker text), the source IP and the request id. It never carries what
was presented (a token, a signature, a secret): a denial is often a near miss of a real one.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

MESSAGE = "auth_failed"
_TENANT_ID = re.compile(r"^[0-9a-f]{32}$")


class Reason(StrEnum):
    NO_CREDENTIAL = "no_credential"  # nothing presented where a token or signature belongs
    BAD_CREDENTIAL = "bad_credential"  # presented, but it is not this tenant's (or no such tenant)
    MALFORMED_TENANT = "malformed_tenant"  # the tenant id cannot exist, nothing was looked up


def well_formed_tenant_id(tenant_id: str | None) -> bool:
    """Tenant ids are uuid4 hex: anything else cannot belong to a tenant."""
    return tenant_id is not None and _TENANT_ID.match(tenant_id) is not None


def _logger() -> logging.Logger:
    # A child of the function's Powertools logger (named after the service): the line is written
    # as JSON by its handler, with the function's request id and cold-start keys.
    return logging.getLogger(f"{os.environ.get('POWERTOOLS_SERVICE_NAME', 'service_undefined')}.denials")


def route_of(event: Mapping[str, Any]) -> str:
    """``POST /tenants/{tenant_id}``: the template's resource, never the path the client sent."""
    context = event.get("requestContext") or {}
    resource = event.get("resource") or context.get("resourcePath") or "unknown"
    return f"{event.get('httpMethod') or context.get('httpMethod') or '?'} {resource}"


def record_denial(event: Mapping[str, Any], reason: Reason, tenant_id: str | None) -> None:
    context = event.get("requestContext") or {}
    identity = context.get("identity") or {}
    _logger().warning(
        MESSAGE,
        extra={
            "route": route_of(event),
            "reason": reason.value,
            "tenant_id": tenant_id if well_formed_tenant_id(tenant_id) else None,
            "source_ip": identity.get("sourceIp"),
            "request_id": context.get("requestId"),
        },
    )
