"""The local runner gives each concurrent invocation of a function an execution environment of its
own, as Lambda does: a container is its own import of the handler module, reused when idle (a
warm start) and added only when every container is busy (a cold start)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest

from local.runner import InvocationResult, LambdaRunner
from tests.support.runner_containers import containers_runner

__all__ = ["containers_runner"]

# How long a waiting invocation waits for the other before the barrier breaks: only a runner that
# lets one invocation in at a time gets there, and the test then fails on the broken barrier.
BARRIER_S = 30.0
# A runner that deadlocked on a nested invocation would hang the suite; this makes it a failure.
DEADLOCK_S = 60.0


@pytest.fixture
def fixture_layer(containers_runner: LambdaRunner) -> Iterator[ModuleType]:
    import runner_containers_fixture

    yield runner_containers_fixture
    runner_containers_fixture.barrier = None
    runner_containers_fixture.invoke = None


def _ok(result: InvocationResult) -> dict[str, Any]:
    assert result.error is None, result.error
    assert isinstance(result.payload, dict)
    return result.payload


def _two_at_once(runner: LambdaRunner, layer: ModuleType) -> list[dict[str, Any]]:
    layer.barrier = threading.Barrier(2, timeout=BARRIER_S)
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(runner.invoke, "MeetingFunction", {"wait": True}) for _ in range(2)]
        return [_ok(future.result()) for future in futures]


def test_two_invocations_at_once_run_in_two_module_instances(
    containers_runner: LambdaRunner, fixture_layer: ModuleType
) -> None:
    answers = _two_at_once(containers_runner, fixture_layer)

    assert answers[0]["module"] != answers[1]["module"]
    assert answers[0]["imported"] != answers[1]["imported"], "each container ran the module's import"
    function = containers_runner.function("MeetingFunction")
    assert len(function.containers) == 2
    assert sorted(module.__name__ for module in function.containers.modules) == [
        f"{function.package_name}.app",
        f"{function.package_name}_1.app",
    ]


def test_an_invocation_after_both_finished_reuses_a_container(
    containers_runner: LambdaRunner, fixture_layer: ModuleType
) -> None:
    first = {answer["module"] for answer in _two_at_once(containers_runner, fixture_layer)}

    third = _ok(containers_runner.invoke("MeetingFunction", {}))

    assert third["module"] in first, "a warm start"
    assert len(containers_runner.function("MeetingFunction").containers) == 2


def test_invocations_one_after_another_share_one_container(containers_runner: LambdaRunner) -> None:
    answers = [_ok(containers_runner.invoke("MeetingFunction", {})) for _ in range(3)]

    assert len({answer["module"] for answer in answers}) == 1
    assert len(containers_runner.function("MeetingFunction").containers) == 1


def test_a_function_invoking_itself_synchronously_gets_a_second_container(
    containers_runner: LambdaRunner, fixture_layer: ModuleType
) -> None:
    fixture_layer.invoke = lambda event: _ok(containers_runner.invoke("MeetingFunction", event))

    with ThreadPoolExecutor(1) as pool:
        outer = _ok(
            pool.submit(containers_runner.invoke, "MeetingFunction", {"invoke_self": True}).result(DEADLOCK_S)
        )

    assert outer["nested"]["module"] != outer["module"], "the outer invocation still holds its container"
    assert len(containers_runner.function("MeetingFunction").containers) == 2


def test_load_all_imports_one_container_per_function(containers_runner: LambdaRunner) -> None:
    assert containers_runner.load_all() == {}
    assert containers_runner.load_all() == {}

    assert {logical_id: len(f.containers) for logical_id, f in containers_runner.functions.items()} == {
        "MeetingFunction": 1,
        "WebhooksFunction": 1,
        "OnboardingApiFunction": 1,
    }


def test_a_setup_reaches_the_loaded_containers_and_every_later_one(
    containers_runner: LambdaRunner, fixture_layer: ModuleType
) -> None:
    containers_runner.load_all()
    set_up: list[str] = []

    def label(module: ModuleType) -> None:
        module.LABEL = "set up"
        set_up.append(module.__name__)

    containers_runner.on_container("MeetingFunction", label)
    assert len(set_up) == 1, "the container load_all imported"
    _two_at_once(containers_runner, fixture_layer)

    modules = containers_runner.function("MeetingFunction").containers.modules
    assert len(modules) == 2
    assert [getattr(module, "LABEL", None) for module in modules] == ["set up", "set up"]
    assert sorted(set_up) == sorted(module.__name__ for module in modules)
