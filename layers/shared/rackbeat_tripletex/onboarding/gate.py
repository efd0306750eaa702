"""Checks on the raw API Gateway event, and the answers given before the resolver runs
(onboarding.api.admission says in which order and why there).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from rackbeat_tripletex.i18n import Language, accepted_language, text
from rackbeat_tripletex.onboarding.problems import describe_validation_errors

MAX_BODY_BYTES = 64 * 1024

_TENANT_PATH = re.compile(r"^/tenants/(?P<tenant_id>[^/]+)(?:/.*)?$")


def tenant_id_of(path: str) -> str | None:
    """The tenant id of a `/tenants/{tenant_id}...` path; None for every other path."""
    match = _TENANT_PATH.match(path or "")
    return match.group("tenant_id") if match else None


def header(event: Mapping[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return str(value) if value is not None else None
    return None


def body_size(event: Mapping[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        # Four base64 characters carry three bytes; no need to decode to measure.
        return (len(body) * 3) // 4
    return len(body.encode("utf-8"))


def reply(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    """An API Gateway proxy response, for answers given before the resolver runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def request_language(event: Mapping[str, Any]) -> Language:
    """The language of a request without a tenant: its ``Accept-Language``."""
    return accepted_language(header(event, "Accept-Language"))


def too_large(event: Mapping[str, Any]) -> dict[str, Any]:
    language = request_language(event)
    return reply(413, {"message": text("validation.too_large", language, kilobytes=MAX_BODY_BYTES // 1024)})


def body_is_text(event: Mapping[str, Any]) -> bool:
    """Whether the body is UTF-8 text (API Gateway base64-encodes bodies that are not): the
    resolver decodes it strictly and would crash on anything else."""
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return True
    try:
        base64.b64decode(body, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError both are
        return False
    return True


def not_text(event: Mapping[str, Any]) -> dict[str, Any]:
    """The 422 every other body problem gets, so the wizard shows it the same way."""
    language = request_language(event)
    return reply(422, describe_validation_errors([{"type": "body_not_utf8", "loc": ("body",)}], language))


def decoded_body(event: Mapping[str, Any]) -> str:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body).decode("utf-8", errors="replace")
    return str(body)
