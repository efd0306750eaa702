"""A Lambda runner over tests/fixtures/runner_containers, without AWS: that template has only
functions and layers, which provisioning names without creating anything, so no moto is needed
and nothing is invoked that would reach AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.aws import provision
from local.runner import LambdaRunner
from tests.support.paths import CONTAINERS_TEMPLATE

# Nothing listens here: a test that reached AWS would fail at once rather than touch a real account.
NO_AWS = "http://127.0.0.1:9"


@pytest.fixture
def containers_runner() -> Iterator[LambdaRunner]:
    runner = LambdaRunner(provision(CONTAINERS_TEMPLATE, NO_AWS))
    yield runner
    runner.stop()
