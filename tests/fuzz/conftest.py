"""Fuzz suites run against the local stack: they borrow the integration suite's moto fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from local.stack import LocalStack
from tests.integration.conftest import aws_stack, moto_endpoint, moto_server, start_local_stack
from tests.security.live_stack import LiveStack, start_live_stack

__all__ = ["aws_stack", "moto_endpoint", "moto_server", "start_local_stack"]

UNTHROTTLED = {
    f"{route}Throttling{limit}Limit": 100_000
    for route in ("Api", "Signup", "Webhook")
    for limit in ("Rate", "Burst")
}


@pytest.fixture
def live_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    # Hundreds of requests per operation in seconds: the template's method throttles would answer
    # them 429 (tests/security/test_budgets_and_replays.py tests those); here the code is judged.
    stack = start_live_stack(start_local_stack, parameters=UNTHROTTLED)
    with stack.http:
        yield stack
