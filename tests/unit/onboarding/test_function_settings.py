"""A function's settings: parsed from its environment once, and a missing variable is named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rackbeat_tripletex.config import function_settings, runtime_config
from rackbeat_tripletex.onboarding.wiring import OnboardingApiSettings

COMPLETE = {
    "STATE_TABLE_NAME": "state",
    "TENANT_SECRET_PREFIX": "stack/tenants/",
    "SENDER_EMAIL": "no-reply@example.com",
    "INITIAL_SYNC_QUEUE_URL": "https://sqs.local/initial",
    "SYNC_QUEUE_URL": "https://sqs.local/sync",
}


def test_settings_are_parsed_once_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in COMPLETE.items():
        monkeypatch.setenv(name, value)
    first = function_settings(OnboardingApiSettings)
    assert function_settings(OnboardingApiSettings) is first
    assert (first.state_table_name, first.sync_queue_url) == ("state", "https://sqs.local/sync")
    # The runtime view of the same environment is its own model, parsed once too.
    assert runtime_config() is runtime_config()
    assert runtime_config().state_table_name == "state"

    monkeypatch.setenv("STATE_TABLE_NAME", "other")
    assert function_settings(OnboardingApiSettings).state_table_name == "other"


@pytest.mark.parametrize("missing", ["SYNC_QUEUE_URL", "SENDER_EMAIL"])
@pytest.mark.parametrize("empty", [False, True], ids=["unset", "empty"])
def test_a_missing_variable_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch, missing: str, empty: bool
) -> None:
    for name, value in COMPLETE.items():
        monkeypatch.setenv(name, value)
    if empty:
        monkeypatch.setenv(missing, "")
    else:
        monkeypatch.delenv(missing)
    with pytest.raises(ValidationError, match=missing):
        function_settings(OnboardingApiSettings)
