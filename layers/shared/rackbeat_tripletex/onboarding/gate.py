"""Checks on the raw API Gateway event, and the answers given before the resolver runs
(onboarding.api.admission says in which order and why there).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

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


def too_large() -> dict[str, Any]:
    return reply(
        413,
        {
            "message": f"The request body is larger than {MAX_BODY_BYTES // 1024} KB. "
            "Send only the fields this route expects."
        },
    )


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


NOT_TEXT_MESSAGE = "The request body is not UTF-8 text. Send JSON encoded as UTF-8."


def not_text() -> dict[str, Any]:
    """The 422 every other body problem gets, so the wizard shows it the same way."""
    return reply(
        422,
        {
            "message": f"The request was not accepted. body: {NOT_TEXT_MESSAGE}",
            "detail": [{"field": "body", "type": "body_not_utf8", "message": NOT_TEXT_MESSAGE}],
        },
    )


def decoded_body(event: Mapping[str, Any]) -> str:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body).decode("utf-8", errors="replace")
    return str(body)


def describe_validation_errors(errors: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A 422 body that names each field and the reason in words, without echoing any input
    (an input may be a token) or Python internals."""
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        kind = str(error.get("type", "invalid"))
        if kind == "json_invalid":
            details.append(
                {
                    "field": "body",
                    "type": kind,
                    "message": (
                        "The request body is not valid JSON. Check for a missing quote, comma or brace."
                    ),
                }
            )
            continue
        field = ".".join(part for part in loc if part != "body") or "body"
        details.append({"field": field, "type": kind, "message": _reason(kind, str(error.get("msg", "")))})
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return {"message": f"The request was not accepted. {summary}", "detail": details}


def errors_of(exc: ValidationError) -> list[Mapping[str, Any]]:
    return [dict(e) for e in exc.errors(include_input=False, include_url=False)]


_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request; remove it",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a list",
}


def _reason(kind: str, message: str) -> str:
    if kind == "value_error":
        # Our own validators word these for users; pydantic prefixes "Value error, ".
        return message.removeprefix("Value error, ")
    if kind in _REASONS:
        return _REASONS[kind]
    for noun in ("String ", "List ", "Input ", "Value "):
        if message.startswith(noun + "should"):
            return message.removeprefix(noun)
    return message[:1].lower() + message[1:] if message else "is not valid"
