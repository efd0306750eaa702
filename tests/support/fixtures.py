"""Fixtures every suite that needs AWS shares (loaded by tests/conftest.py as a plugin).

* ``moto_endpoint`` (session): one moto server on a free port; ``AWS_ENDPOINT_URL`` points at it.
  moto keeps its state in process-wide backends, so every moto server in one process would share
  it anyway: use this one, never start another. (Each xdist worker is its own process.)
* ``aws_stack``: the real template.yaml provisioned in that server, after a reset, for each test.
  ``aws_stack.outputs`` holds the resolved Outputs (table names, queue URLs, TenantSecretPrefix);
  ``aws_stack.physical`` the physical ids by logical id.
* ``start_local_stack``: starts a `LocalStack` (runner + API + invoke endpoint, free ports) on the
  shared moto server, after a reset; every stack started is stopped at teardown.
* ``live_stack``: the demo dataset's simulators and the local stack, driven over HTTP, with the
  method throttles lifted (tests/security/test_budgets_and_replays.py starts its own, tight ones).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local.aws import MotoServer, ProvisionedStack, provision, reset_moto
from local.stack import LocalStack, StackPorts
from tests.support.live_stack import LiveStack, start_live_stack
from tests.support.paths import TEMPLATE
from tests.support.stack import UNTHROTTLED


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    previous = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = server.endpoint
    yield server
    if previous is None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
    else:
        os.environ["AWS_ENDPOINT_URL"] = previous
    server.stop()


@pytest.fixture(scope="session")
def moto_endpoint(moto_server: MotoServer) -> str:
    return moto_server.endpoint


@pytest.fixture
def aws_stack(moto_endpoint: str) -> ProvisionedStack:
    reset_moto(moto_endpoint)
    return provision(TEMPLATE, moto_endpoint)


@pytest.fixture
def start_local_stack(moto_server: MotoServer) -> Iterator[Callable[..., LocalStack]]:
    """``start_local_stack(template_path=TEMPLATE, **LocalStack options)`` -> a started stack."""
    started: list[LocalStack] = []

    def start(template_path: Path = TEMPLATE, **options: Any) -> LocalStack:
        reset_moto(moto_server.endpoint)
        options.setdefault("ports", StackPorts.free())
        stack = LocalStack(Path(template_path), shared_moto=moto_server, **options)
        started.append(stack.start())
        return stack

    yield start
    for stack in reversed(started):
        stack.stop()


@pytest.fixture
def live_stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    stack = start_live_stack(start_local_stack, parameters=UNTHROTTLED)
    with stack.http:
        yield stack
