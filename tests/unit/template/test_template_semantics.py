"""What template.yaml means, checked where lint cannot: cfn-lint accepts a bad runtime in
Globals or an unknown key inside an SQS event, so the facts the design relies on are asserted here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from local.cfn import load_template, merge_globals

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
SQS_EVENT_KEYS = {
    "Queue",
    "BatchSize",
    "Enabled",
    "FilterCriteria",
    "FunctionResponseTypes",
    "MaximumBatchingWindowInSeconds",
    "ScalingConfig",
    "KmsKeyArn",
    "MetricsConfig",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return merge_globals(load_template(TEMPLATE))


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def test_globals_pin_the_runtime_architecture_tracing_and_powertools() -> None:
    raw = load_template(TEMPLATE)["Globals"]["Function"]
    assert raw["Runtime"] == "python3.13"
    assert raw["Architectures"] == ["arm64"]
    assert raw["Tracing"] == "Active"
    env = raw["Environment"]["Variables"]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} <= set(env)


def test_layer_builds_for_python313_arm64() -> None:
    layer = load_template(TEMPLATE)["Resources"]["SharedLayer"]
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_required_parameters_exist() -> None:
    assert {"Stage", "SenderEmail", "SyncScheduleExpression"} <= set(load_template(TEMPLATE)["Parameters"])


def test_tables_have_point_in_time_recovery_and_ttl(template: dict[str, Any]) -> None:
    tables = _resources(template, "AWS::DynamoDB::Table")
    assert {"StateTable", "IdempotencyTable"} <= set(tables)
    for name, table in tables.items():
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert props["TimeToLiveSpecification"]["Enabled"] is True, name


def test_every_work_queue_has_a_dlq_with_five_receives_and_an_alarm(template: dict[str, Any]) -> None:
    queues = _resources(template, "AWS::SQS::Queue")
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    alarmed = {
        dim["Value"]["Fn::GetAtt"][0]
        for alarm in alarms.values()
        for dim in alarm["Properties"].get("Dimensions", [])
        if dim["Name"] == "QueueName"
    }
    work_queues = {n: q for n, q in queues.items() if "RedrivePolicy" in q.get("Properties", {})}
    assert {"InitialSyncQueue", "SyncQueue"} <= set(work_queues)
    for name, queue in work_queues.items():
        redrive = queue["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] >= 5, name
        dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert queues[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600, dlq
        assert dlq in alarmed, f"{dlq} has no depth alarm"


def test_sqs_consumers_report_partial_failures_cap_concurrency_and_fit_the_visibility_timeout(
    template: dict[str, Any],
) -> None:
    queues = _resources(template, "AWS::SQS::Queue")
    for name, function in _resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        for event in props.get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            event_props = event["Properties"]
            assert set(event_props) <= SQS_EVENT_KEYS, f"{name}: unknown SQS event keys"
            assert event_props.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], name
            assert _value(template, event_props["ScalingConfig"]["MaximumConcurrency"]) >= 2, name
            queue = queues[event_props["Queue"]["Fn::GetAtt"][0]]
            assert queue["Properties"]["VisibilityTimeout"] >= 6 * props["Timeout"], name


def _value(template: dict[str, Any], value: Any) -> Any:
    """A literal, or the default of the parameter it refers to."""
    if isinstance(value, dict) and "Ref" in value:
        return template["Parameters"][value["Ref"]]["Default"]
    return value


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in function["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            found.extend(policy["Statement"])
    return found


def test_no_iam_statement_grants_wildcard_actions_and_secrets_stay_under_the_tenant_prefix(
    template: dict[str, Any],
) -> None:
    for name, function in _resources(template, "AWS::Serverless::Function").items():
        for statement in _statements(function):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any(action == "*" or action.endswith(":*") for action in actions), name
            if any(action.startswith("secretsmanager:") for action in actions):
                resources = statement["Resource"]
                resources = resources if isinstance(resources, list) else [resources]
                for resource in resources:
                    text = resource["Fn::Sub"] if isinstance(resource, dict) else resource
                    # Narrower patterns under the prefix are checked in tests/security/test_template_iam.py.
                    assert ":secret:${AWS::StackName}/tenants/" in text, (
                        f"{name}: secret access beyond the prefix"
                    )


def test_api_stage_has_throttling_and_access_logs(template: dict[str, Any]) -> None:
    api = template["Resources"]["Api"]["Properties"]
    assert api["MethodSettings"][0]["ThrottlingRateLimit"]
    assert api["MethodSettings"][0]["ThrottlingBurstLimit"]
    assert api["AccessLogSetting"]["DestinationArn"]


def test_outputs_name_the_api_tables_and_queues() -> None:
    outputs = load_template(TEMPLATE)["Outputs"]
    assert {"ApiUrl", "StateTableName", "InitialSyncQueueUrl", "SyncQueueUrl", "TenantSecretPrefix"} <= set(
        outputs
    )


def test_every_function_names_the_operator_to_rackbeat(template: dict[str, Any]) -> None:
    """Consumer-Name/Consumer-Contact are the operator's (RACKBEAT-EVIDENCE mismatch 12): template
    parameters, passed to every function, parsed by config.py."""
    import re

    from rackbeat_tripletex.config import RuntimeConfig

    parameters = load_template(TEMPLATE)["Parameters"]
    contact = parameters["RackbeatConsumerContact"]
    assert re.fullmatch(contact["AllowedPattern"], contact["Default"])
    assert not re.fullmatch(contact["AllowedPattern"], "not an address")
    assert parameters["RackbeatConsumerName"]["Default"]
    wanted = {
        "RACKBEAT_CONSUMER_NAME": {"Ref": "RackbeatConsumerName"},
        "RACKBEAT_CONSUMER_CONTACT": {"Ref": "RackbeatConsumerContact"},
    }
    functions = _resources(template, "AWS::Serverless::Function")
    assert functions
    for name, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert {k: env.get(k) for k in wanted} == wanted, name
    config = RuntimeConfig.model_validate(
        {"RACKBEAT_CONSUMER_NAME": "Fjordsync", "RACKBEAT_CONSUMER_CONTACT": "drift@fjordsync.no"}
    )
    assert config.rackbeat_consumer_name == "Fjordsync"
    assert config.rackbeat_consumer_contact == "drift@fjordsync.no"
