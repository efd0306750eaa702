"""Request-body validation against the schemas of ``specs/rackbeat-openapi.yaml``.

The reference is OpenAPI 3.0, so its schemas are translated to JSON Schema once (``nullable``
becomes a null alternative, the boolean ``exclusiveMinimum`` becomes the numeric one) and then
checked with ``jsonschema``. Errors come back in Rackbeat's 422 shape: dotted field paths
mapping to Laravel-style messages.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[3] / "specs" / "rackbeat-openapi.yaml"
_SPEC_URI = "urn:rackbeat-openapi"


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items() if not str(key).startswith("x-")}
    if out.get("exclusiveMinimum") is True and "minimum" in out:
        out["exclusiveMinimum"] = out.pop("minimum")
    elif out.get("exclusiveMinimum") is False:
        out.pop("exclusiveMinimum")
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [{"type": "null"}, out]}
    if "$ref" in out:
        out["$ref"] = _SPEC_URI + out["$ref"]
    return out


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@functools.cache
def _registry() -> Registry[Any]:
    converted = _to_json_schema(spec())
    resource: Resource[Any] = DRAFT202012.create_resource(converted)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


@functools.cache
def _validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{_SPEC_URI}#/components/schemas/{schema_name}"}, registry=_registry()
    )


def _humanise(field: str) -> str:
    return field.rsplit(".", 1)[-1].replace("_", " ")


def _message(error: ValidationError, field: str) -> str:
    name = _humanise(field) if field else "body"
    validator = error.validator
    if validator == "required":
        return f"The {name} field is required."
    if validator == "type":
        wanted = error.validator_value
        kinds = [wanted] if isinstance(wanted, str) else list(wanted)
        kinds = [k for k in kinds if k != "null"]
        kind = {"integer": "an integer", "number": "a number", "boolean": "true or false"}.get(
            kinds[0] if kinds else "", f"a {kinds[0] if kinds else 'value'}"
        )
        return f"The {name} must be {kind}."
    if validator == "enum":
        return f"The selected {name} is invalid."
    if validator in ("minimum", "exclusiveMinimum"):
        inclusive = "or equal to " if validator == "minimum" else ""
        return f"The {name} must be greater than {inclusive}{error.validator_value}."
    if validator == "maximum":
        return f"The {name} may not be greater than {error.validator_value}."
    if validator in ("minLength", "maxLength"):
        bound = "at least" if validator == "minLength" else "at most"
        return f"The {name} must be {bound} {error.validator_value} characters."
    if validator == "minItems":
        return f"The {name} must have at least {error.validator_value} items."
    return f"The {name} is invalid."


def _leaf_errors(errors: Any) -> list[ValidationError]:
    leaves: list[ValidationError] = []
    for error in errors:
        if error.context:
            leaves.extend(_leaf_errors(error.context))
        else:
            leaves.append(error)
    return leaves


def validate(schema_name: str, body: Any, extra_required: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Field path -> messages for every way ``body`` breaks the named schema (empty when valid)."""
    found: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        return {"body": ["The request body must be a JSON object."]}
    for error in _leaf_errors(_validator(schema_name).iter_errors(body)):
        path = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            instance = error.instance if isinstance(error.instance, dict) else {}
            for missing in error.validator_value:
                if missing not in instance:
                    field = f"{path}.{missing}" if path else missing
                    found.setdefault(field, [])
                    message = _message(error, field)
                    if message not in found[field]:
                        found[field].append(message)
            continue
        messages = found.setdefault(path or "body", [])
        message = _message(error, path)
        if message not in messages:
            messages.append(message)
    for name in extra_required:
        if body.get(name) is None and name not in found:
            found[name] = [f"The {_humanise(name)} field is required."]
    return found
