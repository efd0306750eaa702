"""The template's side of fair sync turns (sync/work.py): one message per turn, concurrency
that follows the tenants, and an alarm when a tenant waits longer than a sync interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from local.cfn import load_template, merge_globals
from rackbeat_tripletex.sync import work

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return merge_globals(load_template(TEMPLATE))


def _default(template: dict[str, Any], value: Any) -> Any:
    return template["Parameters"][value["Ref"]]["Default"] if isinstance(value, dict) else value


def test_every_work_queue_has_an_oldest_message_age_alarm_to_the_alarm_topic(
    template: dict[str, Any],
) -> None:
    alarms = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: alarm["Properties"]
        for alarm in template["Resources"].values()
        if alarm["Type"] == "AWS::CloudWatch::Alarm"
        and alarm["Properties"].get("MetricName") == "ApproximateAgeOfOldestMessage"
    }
    assert set(alarms) == {"SyncQueue", "InitialSyncQueue"}
    for queue, alarm in alarms.items():
        assert alarm["Namespace"] == "AWS/SQS", queue
        assert alarm["Statistic"] == "Maximum", queue
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", queue
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], queue
    # A tenant may wait at most one sync interval for its turn: the alarm is set there.
    assert _default(template, alarms["SyncQueue"]["Threshold"]) == 300
    schedule = template["Parameters"]["SyncScheduleExpression"]["Default"]
    assert schedule == "rate(5 minutes)"


def test_a_sync_turn_is_one_message_and_fits_the_function_timeout(template: dict[str, Any]) -> None:
    function = template["Resources"]["OngoingSyncFunction"]["Properties"]
    event = function["Events"]["SyncTasks"]["Properties"]
    assert event["BatchSize"] == 1
    assert function["Timeout"] > work.SLICE_SECONDS + work.MARGIN_SECONDS
    # Concurrency follows the tenants (a parameter well above the old global 2), not a constant.
    assert event["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "SyncMaxConcurrency"}
    assert _default(template, event["ScalingConfig"]["MaximumConcurrency"]) >= 50
    assert function["Environment"]["Variables"]["IDEMPOTENCY_TABLE_NAME"] == {"Ref": "IdempotencyTable"}


def test_a_holder_outlives_the_sync_queue_visibility_timeout(template: dict[str, Any]) -> None:
    from rackbeat_tripletex.store.tenant_work import HOLD_SECONDS

    visibility = template["Resources"]["SyncQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility < HOLD_SECONDS
