"""The fuzz suite's live stack runs unthrottled: hundreds of requests per operation in seconds
would meet the template's method throttles (429), which tests/security/test_budgets_and_replays.py
tests; here the code is judged."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from local.stack import LocalStack
from tests.support.live_stack import LiveStack, start_live_stack
from tests.support.stack import UNTHROTTLED


@pytest.fixture
def live_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    stack = start_live_stack(start_local_stack, parameters=UNTHROTTLED)
    with stack.http:
        yield stack
