"""``demo_harness`` (the whole demo dataset imported once per module), ``harness`` (a cut-down
demo, not imported) and ``lambda_context``; the harness itself is tests.support.import_harness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.aws import ProvisionedStack, provision, reset_moto
from local.seed.demo import demo_seed
from tests.support.import_harness import Harness, build_harness, small_seed
from tests.support.lambda_context import FakeLambdaContext
from tests.support.paths import TEMPLATE


@pytest.fixture(scope="module")
def demo_harness(moto_endpoint: str) -> Iterator[Harness]:
    """The whole demo dataset imported once for the module (the import is the expensive part)."""
    reset_moto(moto_endpoint)
    stack = provision(TEMPLATE, moto_endpoint)
    yield from build_harness(stack, demo_seed(), run_import=True)


@pytest.fixture
def harness(aws_stack: ProvisionedStack) -> Iterator[Harness]:
    yield from build_harness(aws_stack, small_seed(), run_import=False)


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()
