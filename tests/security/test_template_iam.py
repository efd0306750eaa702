"""IAM in template.yaml, beyond tests/unit/template: every kind of policy a function or role can
carry (inline statements, SAM policy templates, managed policy names or ARNs, IAM resources),
wildcards anywhere in an action, ``NotAction``/``NotResource``, ``Resource: "*"``, and secret
access checked against the *resolved* ARNs of real secret names: each function reaches the
secrets it needs and matches no other kind (the webhooks role never a tenant's token secret).
"""

from __future__ import annotations

import re
import uuid
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


def _tenant_prefix(template: dict[str, Any]) -> str:
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
    return str(prefix)


def iam_matches(pattern: str, arn: str) -> bool:
    """IAM's resource matching: ``*`` any run of characters (``/`` included), ``?`` exactly one."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, arn) is not None


def test_iam_matching_is_what_the_checks_below_rely_on() -> None:
    assert iam_matches("a:secret:s/tenants/*", "a:secret:s/tenants/x/tripletex-webhook-AbCdEf")
    assert iam_matches("a:secret:s/tenants/??-??????", "a:secret:s/tenants/ab-AbCdEf")
    assert not iam_matches("a:secret:s/tenants/??-??????", "a:secret:s/tenants/abc-AbCdEf")
    assert not iam_matches("a:secret:s/tenants/*", "a:secret:s/tenantsX")


# What each kind of secret's ARN looks like: Secrets Manager appends "-" and 6 characters.
TENANT = "0123456789abcdef" * 2
OTHER_TENANT = "fedcba9876543210" * 2


def _secret_arns(prefix: str) -> dict[str, list[str]]:
    base = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:"
    other_stack = prefix.replace("/tenants/", "-other/tenants/", 1)
    return {
        "token": [f"{base}{prefix}{t}-{s}" for t in (TENANT, OTHER_TENANT) for s in ("AbCdEf", "x1Y2z3")],
        "webhook": [
            f"{base}{prefix}{t}/tripletex-webhook-{s}" for t in (TENANT, OTHER_TENANT) for s in ("AbCdEf",)
        ],
        "other stack": [
            f"{base}{other_stack}{TENANT}-AbCdEf",
            f"{base}{other_stack}{TENANT}/tripletex-webhook-AbCdEf",
        ],
        # Under the prefix, but neither of a tenant's two secrets.
        "other name": [
            f"{base}{prefix}{TENANT}/other-AbCdEf",
            f"{base}{prefix}{TENANT}/tripletex-webhook/x-AbCdEf",
            f"{base}{prefix}operator-notes-AbCdEf",
            f"{base}{prefix}{TENANT}x-AbCdEf",
        ],
    }


# No function may reach these, whatever its grant.
NEVER_FOR_ANY = {"other stack", "other name"}


# The narrowest grant each function needs: which secrets its statements must reach, which they
# must not, and the only secret actions it may have. A function not listed may read no secret.
SECRET_GRANTS: dict[str, tuple[set[str], set[str], set[str]]] = {
    # Stores the tokens, makes the Tripletex signing secret at registration, deletes both.
    "OnboardingApiFunction": (
        {"token", "webhook"},
        {"other stack"},
        {
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:GetSecretValue",
            "secretsmanager:DeleteSecret",
        },
    ),
    # Reads the tokens for the daily check; removes an unconfirmed tenant's two secrets.
    "TokenValidationFunction": (
        {"token", "webhook"},
        {"other stack"},
        {"secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret"},
    ),
    "OngoingSyncFunction": ({"token"}, {"webhook", "other stack"}, {"secretsmanager:GetSecretValue"}),
    "InitialSyncFunction": ({"token"}, {"webhook", "other stack"}, {"secretsmanager:GetSecretValue"}),
    # Re-creates subscriptions with the tenants' tokens, signed with their (maybe new) secret.
    "WebhookRepairFunction": (
        {"token", "webhook"},
        {"other stack"},
        {"secretsmanager:GetSecretValue", "secretsmanager:CreateSecret"},
    ),
    # Parses anonymous input: the signing secrets only, never a tenant's vendor tokens.
    "WebhooksFunction": ({"webhook"}, {"token", "other stack"}, {"secretsmanager:GetSecretValue"}),
}


def _secret_grants(template: dict[str, Any]) -> dict[str, list[tuple[set[str], list[str]]]]:
    """Per function: (secret actions, resolved resources) of each statement naming a secret action."""
    resolver = Resolver(template)
    grants: dict[str, list[tuple[set[str], list[str]]]] = {}
    for owner, statement in _statements(template):
        actions = {
            str(a) for a in _listed(statement.get("Action", [])) if str(a).startswith("secretsmanager:")
        }
        if actions and statement.get("Effect") == "Allow":
            resources = [str(resolver.resolve(r)) for r in _listed(statement.get("Resource", []))]
            grants.setdefault(owner, []).append((actions, resources))
    return grants


def test_each_function_reads_only_the_secrets_it_needs(template: dict[str, Any]) -> None:
    arns = _secret_arns(_tenant_prefix(template))
    grants = _secret_grants(template)
    assert set(grants) == set(SECRET_GRANTS), "a function gained or lost secret access: review it here"
    problems = []
    for owner, (reach, never_own, allowed_actions) in SECRET_GRANTS.items():
        never = never_own | NEVER_FOR_ANY
        actions = set().union(*(a for a, _ in grants[owner]))
        if not actions <= allowed_actions:
            problems.append(f"{owner}: secret actions {sorted(actions - allowed_actions)} beyond its need")
        patterns = [r for _, resources in grants[owner] for r in resources]
        for kind in reach:
            for arn in arns[kind]:
                if not any(iam_matches(p, arn) for p in patterns):
                    problems.append(f"{owner}: cannot reach its {kind} secret {arn}")
        for kind in never:
            for arn in arns[kind]:
                if any(iam_matches(p, arn) for p in patterns):
                    problems.append(f"{owner}: its grant matches a {kind} secret {arn}")
    assert not problems, "\n".join(problems)


def test_the_webhooks_role_cannot_match_any_tenants_token_secret(template: dict[str, Any]) -> None:
    """The negative case on its own, over many tenant ids and suffixes: the function that parses
    anonymous deliveries must not be one bug away from every tenant's vendor tokens."""
    prefix = _tenant_prefix(template)
    base = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{prefix}"
    patterns = [r for _, resources in _secret_grants(template)["WebhooksFunction"] for r in resources]
    assert patterns, "the webhooks function reads the Tripletex signing secrets"
    tenant_ids = [uuid.UUID(int=n * 0x9E3779B97F4A7C15 % (1 << 128)).hex for n in range(1, 200)]
    token_secrets = [f"{base}{t}-{t[:6]}" for t in tenant_ids]
    assert not [arn for arn in token_secrets if any(iam_matches(p, arn) for p in patterns)]
    # ...while every tenant's signing secret is reachable (the grant is not merely empty).
    assert all(
        any(iam_matches(p, f"{base}{t}/tripletex-webhook-{t[:6]}") for p in patterns) for t in tenant_ids
    )
