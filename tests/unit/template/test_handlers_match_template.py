"""Each function's composition root agrees with its template.yaml entry: the routes its
resolver serves are exactly its Api events, and every variable its settings model requires is
in its Environment (else it would fail at its first invocation, not at deploy)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from local.cfn import load_template, merge_globals
from rackbeat_tripletex.config import RuntimeConfig
from rackbeat_tripletex.onboarding.wiring import OnboardingApiSettings, OnboardingSettings
from rackbeat_tripletex.webhooks.deliveries import WebhooksSettings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def functions() -> dict[str, dict[str, Any]]:
    template = merge_globals(load_template(ROOT / "template.yaml"))
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _handler_module(properties: dict[str, Any]) -> Any:
    code = Path(properties["CodeUri"]).name
    module = properties["Handler"].rpartition(".")[0]
    return importlib.import_module(f"functions.{code}.{module}")


@pytest.mark.parametrize("function", ["OnboardingApiFunction", "WebhooksFunction"])
def test_the_resolver_serves_exactly_the_api_events(
    functions: dict[str, dict[str, Any]], function: str
) -> None:
    properties = functions[function]
    app = _handler_module(properties).app
    served = {(route.method, route.openapi_path) for route in app._static_routes + app._dynamic_routes}
    events = {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in properties["Events"].values()
        if event["Type"] == "Api"
    }
    assert served == events


def test_the_functions_are_named_for_what_they_do(functions: dict[str, dict[str, Any]]) -> None:
    """The SyncQueue worker runs every ongoing-sync task, webhook ones included."""
    assert "PeriodicSyncFunction" not in functions
    worker = functions["OngoingSyncFunction"]
    assert worker["CodeUri"] == "functions/ongoing_sync/"
    assert {event["Type"] for event in worker["Events"].values()} == {"Schedule", "SQS"}
    assert _handler_module(worker).lambda_handler


def _settings(function: str) -> type[RuntimeConfig]:
    if function == "OnboardingApiFunction":
        return OnboardingApiSettings
    if function == "TokenValidationFunction":
        return OnboardingSettings
    if function == "WebhooksFunction":
        return WebhooksSettings
    if function == "OngoingSyncFunction":
        return importlib.import_module("functions.ongoing_sync.app").OngoingSyncSettings  # type: ignore[no-any-return]
    return importlib.import_module("functions.initial_sync.app").InitialSyncSettings  # type: ignore[no-any-return]


def test_every_function_has_a_settings_model(functions: dict[str, dict[str, Any]]) -> None:
    assert set(functions) == {
        "OnboardingApiFunction",
        "TokenValidationFunction",
        "WebhooksFunction",
        "OngoingSyncFunction",
        "InitialSyncFunction",
    }


@pytest.mark.parametrize(
    "function",
    [
        "OnboardingApiFunction",
        "TokenValidationFunction",
        "WebhooksFunction",
        "OngoingSyncFunction",
        "InitialSyncFunction",
    ],
)
def test_every_required_setting_is_in_the_functions_environment(
    functions: dict[str, dict[str, Any]], function: str
) -> None:
    required = {field.alias for field in _settings(function).model_fields.values() if field.is_required()}
    assert required, "a settings model that requires nothing checks nothing"
    environment = set(functions[function]["Environment"]["Variables"])
    assert required <= environment, required - environment
