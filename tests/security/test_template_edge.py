"""The edge as template.yaml declares it (what a deployed stack enforces and the local stack
cannot: WAF, reserved concurrency, KMS, metric filters): per-route budgets, the alarm topic's
key and the denial alarm."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from local.cfn import load_template, merge_globals
from rackbeat_tripletex.denials import MESSAGE

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
WEBHOOK_ROUTES = {("/webhooks/rackbeat/{tenant_id}", "POST"), ("/webhooks/tripletex/{tenant_id}", "POST")}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return merge_globals(load_template(TEMPLATE))


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def _method_settings(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    api = template["Resources"]["Api"]["Properties"]
    # "/~1tenants" is /tenants: a leading "/", then the path with each "/" written "~1".
    return {
        (str(s["ResourcePath"]).removeprefix("/").replace("~1", "/") or "/", str(s["HttpMethod"])): s
        for s in api["MethodSettings"]
    }


def _api_routes(template: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (str(e["Properties"]["Path"]), str(e["Properties"]["Method"]).upper())
        for function in _resources(template, "AWS::Serverless::Function").values()
        for e in (function["Properties"].get("Events") or {}).values()
        if e["Type"] == "Api"
    }


def test_vendor_webhooks_have_their_own_throttle_budget(template: dict[str, Any]) -> None:
    settings = _method_settings(template)
    default = settings[("*", "*")]
    assert _api_routes(template) >= WEBHOOK_ROUTES, "a webhook route moved: update this test"
    for path, method in WEBHOOK_ROUTES:
        own = settings.get((path, method))
        assert own is not None, f"{method} {path} shares the stage default budget"
        for limit in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
            assert own[limit] != default[limit], f"{method} {path}: {limit} is the wizard's own parameter"
            assert own[limit]["Ref"].startswith("Webhook"), own[limit]
    signup = settings.get(("/tenants", "POST"))
    assert signup is not None
    assert signup["ThrottlingRateLimit"] == {"Ref": "SignupThrottlingRateLimit"}
    parameters = template["Parameters"]
    assert (
        parameters["SignupThrottlingRateLimit"]["Default"] < parameters["ApiThrottlingRateLimit"]["Default"]
    )


def test_the_webhooks_function_has_reserved_concurrency(template: dict[str, Any]) -> None:
    reserved = template["Resources"]["WebhooksFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved == {"Ref": "WebhooksReservedConcurrency"}
    assert template["Parameters"]["WebhooksReservedConcurrency"]["Default"] >= 1
    assert template["Parameters"]["WebhooksReservedConcurrency"]["MinValue"] >= 1


def _byte_matches(statement: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, positional constraint, search string) of every byte match under a statement."""
    found = []
    if "ByteMatchStatement" in statement:
        match = statement["ByteMatchStatement"]
        found.append(
            (next(iter(match["FieldToMatch"])), match["PositionalConstraint"], match["SearchString"])
        )
    for nested in ("AndStatement", "OrStatement"):
        for inner in (statement.get(nested) or {}).get("Statements", []):
            found += _byte_matches(inner)
    if "NotStatement" in statement:
        found += [("NOT " + f, c, s) for f, c, s in _byte_matches(statement["NotStatement"]["Statement"])]
    return found


def _rate_rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (acl,) = _resources(template, "AWS::WAFv2::WebACL").values()
    return {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}


def _waf_path_matches(rule: dict[str, Any], method: str, path: str) -> bool:
    """Whether the rule's scope-down covers a request (the stage is part of the path WAF sees)."""
    statement = rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    return _evaluate(statement, method, f"/dev{path}")


def _evaluate(statement: dict[str, Any], method: str, path: str) -> bool:
    if "AndStatement" in statement:
        return all(_evaluate(s, method, path) for s in statement["AndStatement"]["Statements"])
    if "OrStatement" in statement:
        return any(_evaluate(s, method, path) for s in statement["OrStatement"]["Statements"])
    if "NotStatement" in statement:
        return not _evaluate(statement["NotStatement"]["Statement"], method, path)
    match = statement["ByteMatchStatement"]
    value = method if "Method" in match["FieldToMatch"] else path
    wanted, how = match["SearchString"], match["PositionalConstraint"]
    return {
        "EXACTLY": value == wanted,
        "ENDS_WITH": value.endswith(wanted),
        "STARTS_WITH": value.startswith(wanted),
        "CONTAINS": wanted in value,
    }[how]


TENANT_PATH = "/tenants/0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("rule", "covered", "not_covered"),
    [
        ("SignupPerIp", [("POST", "/tenants")], [("GET", "/tenants/x"), ("POST", "/webhooks/rackbeat/x")]),
        (
            "CredentialChecksPerIp",
            [
                ("PUT", f"{TENANT_PATH}/credentials"),
                ("POST", f"{TENANT_PATH}/management-token"),
                # The identity routes (issue 13, secid): every one that redeems or sends a code.
                ("POST", "/sign-in"),
                ("POST", "/sessions"),
                ("DELETE", f"{TENANT_PATH}/session"),
                ("POST", "/email-verification"),
                ("POST", f"{TENANT_PATH}/email-verification"),
                ("POST", "/confirmations"),
            ],
            [("PUT", f"{TENANT_PATH}/settings"), ("POST", "/webhooks/tripletex/x")],
        ),
        (
            "WizardPerIp",
            [("GET", "/"), ("POST", "/tenants"), ("GET", f"{TENANT_PATH}/settings")],
            [("POST", "/webhooks/rackbeat/x"), ("POST", "/webhooks/tripletex/x")],
        ),
    ],
)
def test_waf_rate_rules_count_per_ip_on_the_routes_they_protect(
    template: dict[str, Any], rule: str, covered: list[tuple[str, str]], not_covered: list[tuple[str, str]]
) -> None:
    rules = _rate_rules(template)
    statement = rules[rule]["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["EvaluationWindowSec"] == 300
    assert statement["Limit"]["Ref"] in template["Parameters"]
    action = rules[rule]["Action"]["Block"]["CustomResponse"]
    assert action["ResponseCode"] == 429
    assert [p for p in covered if not _waf_path_matches(rules[rule], *p)] == []
    assert [p for p in not_covered if _waf_path_matches(rules[rule], *p)] == []


def test_no_waf_rule_counts_vendor_webhooks_per_ip(template: dict[str, Any]) -> None:
    """Rackbeat and Tripletex deliver every tenant's events from a few addresses: a per-IP
    budget on the webhook routes would let one busy tenant starve the others."""
    for name, rule in _rate_rules(template).items():
        for path in ("/webhooks/rackbeat/x", "/webhooks/tripletex/x"):
            assert not _waf_path_matches(rule, "POST", path), f"{name} counts {path}"


def test_the_web_acl_is_attached_to_the_api_stage(template: dict[str, Any]) -> None:
    (association,) = _resources(template, "AWS::WAFv2::WebACLAssociation").values()
    props = association["Properties"]
    assert props["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    arn = props["ResourceArn"]["Fn::Sub"]
    assert re.fullmatch(
        r"arn:\$\{AWS::Partition\}:apigateway:\$\{AWS::Region\}::/restapis/\$\{Api\}/stages/\$\{Api\.Stage\}",
        arn,
    )
    (acl,) = _resources(template, "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "REGIONAL"


def test_the_alarm_topic_has_a_key_cloudwatch_may_use(template: dict[str, Any]) -> None:
    topic = template["Resources"]["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlarmTopicKey", "Arn"]}, (
        "alias/aws/sns bars CloudWatch"
    )
    key = template["Resources"]["AlarmTopicKey"]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    cloudwatch = [
        s for s in statements if s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"
    ]
    assert len(cloudwatch) == 1
    assert set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert cloudwatch[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    assert alarms
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())


def _filter_matches(pattern: str, line: dict[str, Any]) -> bool:
    """CloudWatch's ``{ $.field = "value" }`` JSON filter pattern, the one form used here."""
    match = re.fullmatch(r'\{ \$\.(\w+) = "([^"]*)" \}', pattern)
    assert match is not None, f"unsupported filter pattern {pattern!r}"
    return line.get(match.group(1)) == match.group(2)


def test_every_denying_function_counts_auth_failed_lines_and_a_spike_alarms(template: dict[str, Any]) -> None:
    filters = _resources(template, "AWS::Logs::MetricFilter")
    groups = {
        template["Resources"][f["Properties"]["LogGroupName"]["Ref"]]["Properties"]["LogGroupName"]["Fn::Sub"]
        for f in filters.values()
    }
    assert groups == {"/aws/lambda/${OnboardingApiFunction}", "/aws/lambda/${WebhooksFunction}"}
    line = json.loads(json.dumps({"level": "WARNING", "message": MESSAGE, "route": "POST /tenants"}))
    metrics = set()
    for f in filters.values():
        assert _filter_matches(f["Properties"]["FilterPattern"], line)
        assert not _filter_matches(f["Properties"]["FilterPattern"], {**line, "message": "webhook accepted"})
        (transform,) = f["Properties"]["MetricTransformations"]
        metrics.add((transform["MetricNamespace"], transform["MetricName"]))
    assert len(metrics) == 1
    ((namespace, name),) = metrics
    alarm = template["Resources"]["AuthFailedAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (namespace, name, "Sum")
    assert alarm["Threshold"] == {"Ref": "AuthFailuresAlarmThreshold"}
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
