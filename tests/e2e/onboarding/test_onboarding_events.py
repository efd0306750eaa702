"""Each sample event in events/ fed to its handler, in the function's own environment (runner)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.e2e.onboarding.onboarding_e2e import Stack

EVENTS = Path(__file__).resolve().parents[3] / "events"


def test_api_gateway_event_creates_a_tenant(stack: Stack) -> None:
    event = json.loads((EVENTS / "onboarding_api" / "create_tenant.json").read_text())
    assert stack.local.runner is not None
    result = stack.local.runner.invoke("OnboardingApiFunction", event)
    assert result.ok, result.error
    assert result.payload["statusCode"] == 201
    body = result.payload["body"]
    if result.payload.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    created = json.loads(body)
    assert created["status"] == "onboarding"


def test_schedule_event_runs_the_daily_check(stack: Stack) -> None:
    event = json.loads((EVENTS / "token_validation" / "daily_schedule.json").read_text())
    assert stack.local.runner is not None
    result = stack.local.runner.invoke("TokenValidationFunction", event)
    assert result.ok, result.error
    assert set(result.payload) == {"checked", "ok", "needs_relink", "resumed", "inconclusive"}
