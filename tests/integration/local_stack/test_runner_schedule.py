"""Schedule and ScheduleV2 events: fired on demand and by the (sped-up) clock."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

import pytest

from local.aws import aws_client
from local.runner import CronExpression
from local.stack import LocalStack
from tests.support.paths import RUNNER_TEMPLATE


def ticks(stack: LocalStack) -> list[dict[str, object]]:
    assert stack.aws is not None
    items = aws_client("dynamodb", stack.aws.endpoint).scan(TableName=stack.aws.outputs["MarkerTableName"])[
        "Items"
    ]
    return [json.loads(item["event"]["S"]) for item in items if item["pk"]["S"].startswith("tick#")]


def test_fire_schedule_sends_a_real_eventbridge_scheduled_event(
    start_local_stack: Callable[..., LocalStack],
) -> None:
    stack = start_local_stack(RUNNER_TEMPLATE, poll_queues=False, run_schedules=False)
    assert stack.runner is not None

    result = stack.runner.fire_schedule("Hourly")

    assert result.ok
    event = result.payload["event"]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["account"] == "123456789012"
    assert event["region"] == "eu-west-1"
    assert event["resources"] == ["arn:aws:events:eu-west-1:123456789012:rule/rbtx-local-TickFunctionHourly"]
    assert event["detail"] == {}
    dt.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ")
    assert result.payload["label"] == "tick"


def test_a_schedule_with_input_sends_the_input(start_local_stack: Callable[..., LocalStack]) -> None:
    stack = start_local_stack(RUNNER_TEMPLATE, poll_queues=False, run_schedules=False)
    assert stack.runner is not None

    assert stack.runner.fire_schedule("TickFunction.Digest").payload["event"] == {"kind": "digest"}


def test_schedules_fire_on_their_rate_with_a_speedup(start_local_stack: Callable[..., LocalStack]) -> None:
    # rate(1 hour) at x36000 is every 0.1 s.
    stack = start_local_stack(RUNNER_TEMPLATE, poll_queues=False, speedup=36_000)

    deadline = time.monotonic() + 30
    while len(ticks(stack)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)

    fired = ticks(stack)
    assert len(fired) >= 3
    assert all(event["detail-type"] == "Scheduled Event" for event in fired if "detail-type" in event)


def test_a_disabled_schedule_does_not_run(start_local_stack: Callable[..., LocalStack]) -> None:
    stack = start_local_stack(
        RUNNER_TEMPLATE, poll_queues=False, run_schedules=False, parameter_overrides={"EnableDigest": "false"}
    )
    assert stack.runner is not None

    assert not stack.runner.schedule("Digest").enabled
    assert stack.runner.schedule("Hourly").enabled


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 8 ? * MON-FRI *", "2026-11-27T09:00", "2026-11-30T08:00"),  # Friday after 8 -> Monday
        ("*/15 * * * ? *", "2026-01-01T00:07", "2026-01-01T00:15"),
        ("30 2 1 JAN,JUL ? *", "2026-02-01T00:00", "2026-07-01T02:30"),
        ("0 0 ? * 1 *", "2026-11-24T12:00", "2026-11-29T00:00"),  # 1 = Sunday
        ("5 4 29 2 ? 2028", "2026-01-01T00:00", "2028-02-29T04:05"),
    ],
)
def test_cron_next_fire_times(expression: str, after: str, expected: str) -> None:
    moment = dt.datetime.fromisoformat(after).replace(tzinfo=dt.UTC)

    assert CronExpression.parse(expression).next_after(moment) == dt.datetime.fromisoformat(expected).replace(
        tzinfo=dt.UTC
    )


def test_unsupported_cron_features_are_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        CronExpression.parse("0 0 L * ? *")
