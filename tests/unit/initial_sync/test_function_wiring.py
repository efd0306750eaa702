"""InitialSyncFunction in template.yaml matches what the code assumes about it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local.cfn import load_template
from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.config import RuntimeConfig
from rackbeat_tripletex.models.sync import PageTask, PlanTask, RetryTask, parse_task

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def function() -> dict[str, Any]:
    resource: dict[str, Any] = load_template(TEMPLATE)["Resources"]["InitialSyncFunction"]
    return resource


def test_queue_event_caps_concurrency_at_the_budget_share() -> None:
    events = function()["Properties"]["Events"]
    (event,) = events.values()
    assert event["Type"] == "SQS"
    props = event["Properties"]
    assert props["ScalingConfig"]["MaximumConcurrency"] == budget.MAX_CONCURRENT_WORKERS
    assert props["BatchSize"] == 1
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_timeout_fits_the_queue_visibility_and_a_page() -> None:
    template = load_template(TEMPLATE)
    timeout = function()["Properties"]["Timeout"]
    visibility = template["Resources"]["InitialSyncQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * timeout
    seconds_per_write = 60 / budget.rackbeat_per_minute_per_worker()
    assert budget.PAGE_SIZE * seconds_per_write < timeout / 2


def test_environment_holds_only_references_the_config_knows() -> None:
    variables = function()["Properties"]["Environment"]["Variables"]
    known = {field.alias for field in RuntimeConfig.model_fields.values()}
    assert set(variables) <= known
    assert "INITIAL_SYNC_QUEUE_URL" in variables


def test_messages_round_trip_through_the_union() -> None:
    for task in (
        PlanTask(tenant_id="t", run_id="r"),
        PageTask(tenant_id="t", run_id="r", entity="product", page=3, ids=[1, 2]),
        RetryTask(tenant_id="t", run_id="r", entity="customer", ids=[7]),
    ):
        assert parse_task(task.model_dump_json()) == task
