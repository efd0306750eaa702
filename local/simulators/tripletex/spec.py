"""Validation of request and response bodies against Tripletex's own OpenAPI document.

The 2 MB document is parsed once per process, on first use. Its object schemas are made strict
(``additionalProperties: false`` where the document leaves it open) so that an unknown field in
a request, or a field the simulator invents in a response, is caught. Validators are compiled
once per schema and cached.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

SPEC_PATH = Path(__file__).resolve().parents[3] / "specs" / "tripletex-openapi.json"
_lock = threading.Lock()
_strict: dict[str, Any] | None = None


def _make_strict(node: Any) -> None:
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _make_strict(value)
    elif isinstance(node, list):
        for value in node:
            _make_strict(value)


def spec() -> dict[str, Any]:
    global _strict
    with _lock:
        if _strict is None:
            document = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
            components = copy.deepcopy(document["components"])
            _make_strict(components)
            _strict = {"paths": document["paths"], "components": components}
        return _strict


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft4Validator:
    schema = json.loads(schema_json)
    # The components ride along so "#/components/schemas/X" resolves against this root.
    root = {**schema, "components": spec()["components"]}
    return Draft4Validator(root)


def request_schema(path: str, method: str) -> dict[str, Any] | None:
    """The requestBody schema of an operation of the document, or None when it takes no body."""
    operation = spec()["paths"].get(path, {}).get(method.lower())
    if not operation:
        return None
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        schema = media.get("schema")
        if schema is not None:
            return dict(schema)
    return None


def response_schema(path: str, method: str) -> dict[str, Any] | None:
    operation = spec()["paths"].get(path, {}).get(method.lower())
    if not operation:
        return None
    for response in operation.get("responses", {}).values():
        for media in response.get("content", {}).values():
            schema = media.get("schema")
            if schema is not None:
                return dict(schema)
    return None


# REAL (tripletex-samples error-422-16000-*.json).
UNKNOWN_FIELD = "Feltet eksisterer ikke i objektet."
WRONG_TYPE = "Verdien er ikke av korrekt type for dette feltet."


def _field_of(error: ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path if not isinstance(p, int)]
    if error.validator == "additionalProperties":
        extra = [p for p in (error.instance or {}) if p not in error.schema.get("properties", {})]
        parts.extend(extra[:1])
    return ".".join(parts) or "body"


def _message_of(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return UNKNOWN_FIELD
    if error.validator == "enum":
        return f"Ugyldig verdi. Gyldige verdier er: {', '.join(map(str, error.validator_value))}."
    if error.validator == "type":
        return WRONG_TYPE
    return str(error.message)


def drop_nulls(value: Any) -> Any:
    """Jackson maps a JSON null to 'not set', so nulls never violate a schema at Tripletex."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def violations(schema: dict[str, Any], body: Any) -> list[tuple[str, str]]:
    """(field, message) for every way ``body`` breaks ``schema``."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    found = []
    for error in sorted(validator.iter_errors(drop_nulls(body)), key=lambda e: list(map(str, e.path))):
        found.append((_field_of(error), _message_of(error)))
    return found
