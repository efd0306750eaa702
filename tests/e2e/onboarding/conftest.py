"""The local stack (moto provisioned from template.yaml, the Lambda runner, the API on a free port)
with both simulators, started once for the onboarding end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from boto3.dynamodb.conditions import Attr

from local.simulators import base
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from tests.support.paths import TEMPLATE
from tests.support.stack import UNTHROTTLED, LeakRecorder, Stack, rackbeat_seed, tripletex_seed


@pytest.fixture(scope="session")
def onboarding_stack() -> Iterator[Stack]:
    tripletex = tripletex_app(tripletex_seed())
    rackbeat = rackbeat_app(rackbeat_seed(with_groups=True))
    tripletex_server = base.serve(tripletex, "127.0.0.1", 0)
    rackbeat_server = base.serve(rackbeat, "127.0.0.1", 0)
    local = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        parameter_overrides={
            "TripletexBaseUrl": f"{tripletex_server.url}/v2",
            "RackbeatBaseUrl": f"{rackbeat_server.url}/api",
            **UNTHROTTLED,
            # The rule the local stack turns off: these tests are about it.
            "OneIntegrationPerAccount": "true",
        },
        poll_queues=False,
        run_schedules=False,
    )
    recorder = LeakRecorder()
    local.start()
    try:
        # Import the two handlers now, so their loggers exist and the recorder can hook them.
        assert local.runner is not None
        errors = {
            name: error
            for name, error in local.runner.load_all().items()
            if name in ("OnboardingApiFunction", "TokenValidationFunction")
        }
        assert not errors, errors
        recorder.attach()
        with httpx.Client(base_url=local.api_url, timeout=30.0) as http:
            yield Stack(local, tripletex, rackbeat, recorder, http)
    finally:
        local.stop()
        tripletex_server.shutdown()
        rackbeat_server.shutdown()


def state_table(stack: Stack) -> Any:
    endpoint = stack.local.moto.endpoint if stack.local.moto else None
    runner = stack.local.runner
    assert runner is not None
    name = runner.function("OnboardingApiFunction").environment.values["STATE_TABLE_NAME"]
    return boto3.resource("dynamodb", endpoint_url=endpoint).Table(name)


def free_accounts(stack: Stack) -> None:
    """The simulators' one Rackbeat account and one Tripletex company, free for the next tenant:
    each test is a company of its own, though all of them share the simulated accounts."""
    table = state_table(stack)
    claims = table.scan(FilterExpression=Attr("pk").begins_with("ACCOUNT#"))["Items"]
    for item in claims:
        table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})


@pytest.fixture
def stack(onboarding_stack: Stack) -> Stack:
    onboarding_stack.reset_simulators()
    free_accounts(onboarding_stack)
    return onboarding_stack
