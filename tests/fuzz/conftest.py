"""Fuzz suites run against the local stack: they borrow the integration suite's moto fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from local.stack import LocalStack
from tests.integration.conftest import aws_stack, moto_endpoint, moto_server, start_local_stack
from tests.security.live_stack import LiveStack, start_live_stack

__all__ = ["aws_stack", "moto_endpoint", "moto_server", "start_local_stack"]


@pytest.fixture
def live_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    stack = start_live_stack(start_local_stack)
    with stack.http:
        yield stack
