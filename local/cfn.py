"""Read a SAM/CloudFormation template the way CloudFormation would, for the local stack.

Three steps, kept apart so each can be tested alone:

* `load_template` parses YAML with the short-form intrinsic tags (``!Ref``, ``!Sub`` ...) turned
  into their long forms (``{"Ref": ...}``, ``{"Fn::Sub": ...}``), so the rest of the code sees
  one shape only;
* `merge_globals` applies SAM ``Globals`` to every ``AWS::Serverless::Function`` (SAM's rules:
  maps merge with the function winning, lists are Globals first then the function's, scalars
  are the function's if it has one);
* `Resolver` evaluates intrinsics given parameter values, the pseudo parameters of the local
  stack and the physical values (Ref + attributes) of resources already provisioned.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STACK_NAME = "rbtx-local"
REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"

PSEUDO_PARAMETERS: dict[str, Any] = {
    "AWS::StackName": STACK_NAME,
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{STACK_NAME}/local",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT_ID,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}

SERVERLESS_FUNCTION = "AWS::Serverless::Function"


class TemplateError(ValueError):
    """The template says something the local stack cannot give a meaning to."""


class _NoValue:
    """``AWS::NoValue``: the property or list item it stands for is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


# --------------------------------------------------------------------------- loading


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader plus CloudFormation's short-form tags; a subclass so the global loader stays untouched."""


def _node_value(loader: _TemplateLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError(f"unexpected YAML node {node!r}")


def _long_form(name: str) -> Any:
    def construct(loader: _TemplateLoader, node: yaml.Node) -> dict[str, Any]:
        return {name: _node_value(loader, node)}

    return construct


def _construct_getatt(loader: _TemplateLoader, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if isinstance(value, str):
        # "!GetAtt Resource.Attr.With.Dots": the logical id never has a dot, the attribute may.
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {"Fn::GetAtt": value}


_TemplateLoader.add_constructor("!Ref", _long_form("Ref"))
_TemplateLoader.add_constructor("!Condition", _long_form("Condition"))
_TemplateLoader.add_constructor("!GetAtt", _construct_getatt)
for _fn in (
    "Sub",
    "Join",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "Select",
    "Split",
    "FindInMap",
    "Base64",
    "GetAZs",
    "ImportValue",
    "Cidr",
    "Length",
    "ToJsonString",
):
    _TemplateLoader.add_constructor(f"!{_fn}", _long_form(f"Fn::{_fn}"))


def load_template(path: Path | str) -> dict[str, Any]:
    """The template at `path` as plain dicts/lists with every intrinsic in its long form."""
    text = Path(path).read_text(encoding="utf-8")
    document = yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources)")
    return document


def _merge_global(global_value: Any, own_value: Any) -> Any:
    if isinstance(global_value, dict) and isinstance(own_value, dict):
        merged = dict(global_value)
        for key, value in own_value.items():
            merged[key] = _merge_global(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(own_value, list):
        return [*global_value, *own_value]
    return own_value


def merge_globals(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `template` whose serverless functions carry the ``Globals.Function`` settings."""
    merged = copy.deepcopy(dict(template))
    function_globals = (merged.get("Globals") or {}).get("Function") or {}
    for resource in merged["Resources"].values():
        if resource.get("Type") != SERVERLESS_FUNCTION:
            continue
        properties = resource.setdefault("Properties", {})
        for key, global_value in function_globals.items():
            if key in properties:
                properties[key] = _merge_global(copy.deepcopy(global_value), properties[key])
            else:
                properties[key] = copy.deepcopy(global_value)
    return merged


# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class PhysicalResource:
    """What CloudFormation would know about a created resource: its Ref value and attributes."""

    logical_id: str
    type: str
    ref: str
    attributes: Mapping[str, str] = field(default_factory=dict)


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def references(value: Any) -> set[str]:
    """Logical ids or parameter names that `value` refers to (Ref, GetAtt and Sub variables)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, arg),) = node.items()
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                    return
                if key == "Fn::GetAtt":
                    target = arg[0] if isinstance(arg, list) else str(arg).partition(".")[0]
                    found.add(str(target))
                    return
                if key == "Fn::Sub":
                    text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
                    if isinstance(text, str):
                        for name in _SUB_VARIABLE.findall(text):
                            if not name.startswith("!") and name not in variables:
                                found.add(name.partition(".")[0])
                    walk(variables)
                    return
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(value)
    return found


class Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters and physical resources."""

    def __init__(
        self,
        template: Mapping[str, Any],
        parameter_overrides: Mapping[str, Any] | None = None,
        physical: Mapping[str, PhysicalResource] | None = None,
    ) -> None:
        self.template = template
        self.parameters = self._parameter_values(template, parameter_overrides or {})
        self.physical: dict[str, PhysicalResource] = dict(physical or {})
        self._conditions: dict[str, bool] = {}

    @staticmethod
    def _parameter_values(template: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
        declared = template.get("Parameters") or {}
        unknown = set(overrides) - set(declared)
        if unknown:
            raise TemplateError(f"parameter override(s) not declared in the template: {sorted(unknown)}")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                value = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no Default and no value was given")
            allowed = spec.get("AllowedValues")
            if allowed is not None and str(value) not in {str(v) for v in allowed}:
                raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
            kind = str(spec.get("Type", "String"))
            if kind.startswith("List<") or kind == "CommaDelimitedList":
                values[name] = (
                    value if isinstance(value, list) else [s.strip() for s in str(value).split(",")]
                )
            else:
                # CloudFormation hands every scalar parameter (Number included) to Ref as a string.
                values[name] = str(value)
        return values

    # -- conditions

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                raise TemplateError(f"unknown condition {name}")
            result = self.resolve(conditions[name])
            if not isinstance(result, bool):
                raise TemplateError(f"condition {name} does not evaluate to a boolean: {result!r}")
            self._conditions[name] = result
        return self._conditions[name]

    def resource_enabled(self, logical_id: str) -> bool:
        resource = self.template["Resources"][logical_id]
        name = resource.get("Condition")
        return True if name is None else self.condition(str(name))

    # -- values

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name].ref
        raise TemplateError(f"Ref {name}: no such parameter, or the resource is not provisioned yet")

    def get_att(self, logical_id: str, attribute: str) -> str:
        resource = self.physical.get(logical_id)
        if resource is None:
            raise TemplateError(f"GetAtt {logical_id}.{attribute}: resource not provisioned yet")
        if attribute not in resource.attributes:
            raise TemplateError(
                f"GetAtt {logical_id}.{attribute}: the local stack knows only {sorted(resource.attributes)}"
            )
        return resource.attributes[attribute]

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, raw_variables = argument[0], argument[1]
        else:
            text, raw_variables = argument, {}
        variables = {key: self.resolve(value) for key, value in (raw_variables or {}).items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, _, attribute = name.partition(".")
                return self.get_att(logical_id, attribute)
            value = self.ref(name)
            if isinstance(value, list):
                raise TemplateError(f"Fn::Sub ${{{name}}} is a list")
            return str(value)

        return _SUB_VARIABLE.sub(substitute, str(text))

    def _intrinsic(self, key: str, arg: Any) -> Any:
        if key == "Ref":
            return self.ref(str(arg))
        if key == "Condition":
            return self.condition(str(arg))
        if key == "Fn::GetAtt":
            if isinstance(arg, str):
                logical_id, _, attribute = arg.partition(".")
            else:
                logical_id, attribute = str(arg[0]), str(self.resolve(arg[1]))
            return self.get_att(logical_id, attribute)
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::Join":
            delimiter, items = arg
            values = self.resolve(items)
            return str(delimiter).join(str(v) for v in values if v is not NO_VALUE)
        if key == "Fn::Select":
            index, items = arg
            values = self.resolve(items)
            return values[int(self.resolve(index))]
        if key == "Fn::Split":
            delimiter, text = arg
            return str(self.resolve(text)).split(str(delimiter))
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self.resolve(when_true if self.condition(str(name)) else when_false)
        if key == "Fn::Equals":
            left, right = (self.resolve(v) for v in arg)
            return str(left) == str(right) if not isinstance(left, list | dict) else left == right
        if key == "Fn::Not":
            (inner,) = arg
            return not self._boolean(inner)
        if key == "Fn::And":
            return all(self._boolean(v) for v in arg)
        if key == "Fn::Or":
            return any(self._boolean(v) for v in arg)
        if key == "Fn::FindInMap":
            map_name, top_key, second_key = (self.resolve(v) for v in arg[:3])
            mappings = self.template.get("Mappings") or {}
            try:
                return self.resolve(mappings[map_name][top_key][second_key])
            except KeyError as exc:
                raise TemplateError(f"Fn::FindInMap {map_name}/{top_key}/{second_key}: missing") from exc
        if key == "Fn::Base64":
            return base64.b64encode(str(self.resolve(arg)).encode()).decode()
        if key == "Fn::GetAZs":
            region = self.resolve(arg) or PSEUDO_PARAMETERS["AWS::Region"]
            return [f"{region}{zone}" for zone in "abc"]
        if key == "Fn::Length":
            return len(self.resolve(arg))
        if key == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg), separators=(",", ":"))
        raise TemplateError(f"{key} is not supported by the local stack")

    def _boolean(self, value: Any) -> bool:
        result = self.resolve(value)
        if isinstance(result, bool):
            return result
        if str(result).lower() in {"true", "false"}:
            return str(result).lower() == "true"
        raise TemplateError(f"not a boolean: {result!r}")

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic evaluated and every ``AWS::NoValue`` removed."""
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
                    return self._intrinsic(key, arg)
            resolved = {key: self.resolve(child) for key, child in value.items()}
            return {key: child for key, child in resolved.items() if child is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(child) for child in value) if item is not NO_VALUE]
        return value

    def outputs(self) -> dict[str, Any]:
        """Every output whose condition holds, resolved."""
        result: dict[str, Any] = {}
        for name, output in (self.template.get("Outputs") or {}).items():
            condition = output.get("Condition")
            if condition is not None and not self.condition(str(condition)):
                continue
            result[name] = self.resolve(output["Value"])
        return result
