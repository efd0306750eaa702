"""IAM in template.yaml, beyond tests/unit/template: every kind of policy a function or role can
carry (inline statements, SAM policy templates, managed policy names or ARNs, IAM resources),
wildcards anywhere in an action, ``NotAction``/``NotResource``, ``Resource: "*"``, and secret
access checked against the *resolved* ARN of the tenant prefix the functions are told to use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from local.cfn import ACCOUNT_ID, REGION, Resolver, load_template, merge_globals

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
# SAM policy templates that are scoped to one named resource by their parameters.
SCOPED_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy",
    "DynamoDBReadPolicy",
    "DynamoDBWritePolicy",
    "SQSSendMessagePolicy",
    "SQSPollerPolicy",
    "LambdaInvokePolicy",
    "EventBridgePutEventsPolicy",
}
# Actions AWS offers no resource-level permission for: "*" is the only resource they accept.
UNSCOPABLE_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return merge_globals(load_template(TEMPLATE))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _policies(template: dict[str, Any]) -> list[tuple[str, Any]]:
    """(owner, policy) for every policy in the template, whatever form it takes."""
    found: list[tuple[str, Any]] = []
    for name, resource in template["Resources"].items():
        props = resource.get("Properties") or {}
        kind = resource["Type"]
        if kind == "AWS::Serverless::Function":
            found += [(name, p) for p in _listed(props.get("Policies", []))]
            if "Role" in props:
                found.append((name, {"external role": props["Role"]}))
        elif kind == "AWS::IAM::Role":
            found += [(name, p.get("PolicyDocument")) for p in props.get("Policies", [])]
            found += [(name, arn) for arn in props.get("ManagedPolicyArns", [])]
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            found.append((name, props.get("PolicyDocument")))
    return found


def _statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (owner, statement)
        for owner, policy in _policies(template)
        if isinstance(policy, dict) and "Statement" in policy
        for statement in _listed(policy["Statement"])
    ]


def test_every_policy_is_an_inline_statement_or_a_scoped_policy_template(template: dict[str, Any]) -> None:
    problems = []
    for owner, policy in _policies(template):
        if isinstance(policy, str) or (isinstance(policy, dict) and ("Ref" in policy or "Fn::Sub" in policy)):
            problems.append(f"{owner}: managed policy {policy!r} (its actions are not reviewed here)")
        elif isinstance(policy, dict) and "Statement" not in policy:
            for name in policy:
                if name not in SCOPED_POLICY_TEMPLATES:
                    problems.append(f"{owner}: policy {name!r} is not a resource-scoped SAM template")
    assert not problems, "\n".join(problems)


def test_no_statement_allows_wildcard_or_negated_actions(template: dict[str, Any]) -> None:
    problems = []
    for owner, statement in _statements(template):
        sid = statement.get("Sid", "?")
        if "NotAction" in statement or "NotResource" in statement:
            problems.append(f"{owner}/{sid}: NotAction/NotResource grants everything else")
        for action in _listed(statement.get("Action", [])):
            if statement.get("Effect") == "Allow" and ("*" in str(action) or "?" in str(action)):
                problems.append(f"{owner}/{sid}: wildcard action {action!r}")
        resources = _listed(statement.get("Resource", []))
        unscoped = set(_listed(statement.get("Action", []))) - UNSCOPABLE_ACTIONS
        if statement.get("Effect") == "Allow" and "*" in resources and unscoped:
            problems.append(f"{owner}/{sid}: Resource '*' for {sorted(unscoped)}")
    assert not problems, "\n".join(problems)


def test_secret_access_is_limited_to_the_tenant_prefix_the_functions_use(template: dict[str, Any]) -> None:
    resolver = Resolver(template)
    prefixes = set()
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        variables = ((resource["Properties"].get("Environment") or {}).get("Variables")) or {}
        if "TENANT_SECRET_PREFIX" in variables:
            prefixes.add(resolver.resolve(variables["TENANT_SECRET_PREFIX"]))
    assert len(prefixes) == 1, f"the functions disagree on where tenant secrets live: {prefixes}"
    (prefix,) = prefixes
    assert prefix.endswith("/"), "a prefix without a trailing slash also matches other stacks' names"
    allowed = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{prefix}*"

    secret_statements = 0
    for owner, statement in _statements(template):
        actions = _listed(statement.get("Action", []))
        if not any(str(a).startswith("secretsmanager:") for a in actions):
            continue
        secret_statements += 1
        for resource in _listed(statement.get("Resource", [])):
            resolved = resolver.resolve(resource)
            assert resolved == allowed, (
                f"{owner}/{statement.get('Sid')}: secrets {resolved!r}, allowed {allowed!r}"
            )
    assert secret_statements, "no function can read tenant secrets: the check above proved nothing"
