"""Management tokens, the pre-resolver gate and the domain validators: pure functions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rackbeat_tripletex.auth import (
    bearer_token,
    hash_management_token,
    new_management_token,
    verify_management_token,
)
from rackbeat_tripletex.models.domain import Credentials, Settings
from rackbeat_tripletex.onboarding import gate
from rackbeat_tripletex.onboarding.problems import describe_validation_errors
from rackbeat_tripletex.onboarding.token_checks import environment_of
from rackbeat_tripletex.onboarding.wiring import public_base_url


def test_management_tokens_are_random_and_verified_only_against_their_hash() -> None:
    first, second = new_management_token(), new_management_token()
    assert first != second
    stored = hash_management_token(first)
    assert first not in stored
    assert verify_management_token(first, stored)
    assert not verify_management_token(second, stored)
    assert not verify_management_token(None, stored)
    assert not verify_management_token(first, None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None)],
)
def test_bearer_token_parsing(header: str | None, expected: str | None) -> None:
    assert bearer_token(header) == expected


def test_gate_finds_the_tenant_of_a_path_and_measures_bodies() -> None:
    assert gate.tenant_id_of("/tenants/abc/settings") == "abc"
    assert gate.tenant_id_of("/tenants/abc") == "abc"
    assert gate.tenant_id_of("/tenants") is None
    assert gate.tenant_id_of("/openapi.json") is None
    assert gate.body_size({"body": "é" * 10}) == 20
    assert gate.body_size({"body": "QUJD", "isBase64Encoded": True}) == 3
    assert gate.header({"headers": {"authorization": "Bearer x"}}, "Authorization") == "Bearer x"


def test_validation_errors_never_echo_the_input() -> None:
    with pytest.raises(ValidationError) as caught:
        Credentials.model_validate(
            {"rackbeat_api_token": "zq7x", "tripletex_consumer_token": "x" * 10, "extra": "secret-value"}
        )
    # With the inputs included: the answer must not echo them even when pydantic hands them over.
    body = describe_validation_errors([dict(e) for e in caught.value.errors()])
    text = repr(body)
    assert "zq7x" not in text
    assert "secret-value" not in text
    fields = {d["field"] for d in body["detail"]}
    assert fields == {"rackbeat_api_token", "tripletex_employee_token", "extra"}


def test_credentials_never_show_their_values() -> None:
    credentials = Credentials(
        rackbeat_api_token="rb-secret-123456",  # type: ignore[arg-type]
        tripletex_consumer_token="tx-consumer-123456",  # type: ignore[arg-type]
        tripletex_employee_token="tx-employee-123456",  # type: ignore[arg-type]
    )
    shown = repr(credentials) + str(credentials) + credentials.model_dump_json()
    for value in ("rb-secret-123456", "tx-consumer-123456", "tx-employee-123456"):
        assert value not in shown
    assert credentials.secret_values()["rackbeat_api_token"] == "rb-secret-123456"


@pytest.mark.parametrize("address", ["no", "a@b", "a b@c.no", "@c.no", "a@.no", "a@b.no."])
def test_settings_reject_addresses_that_are_not_email(address: str) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"notification_email": address})


def test_environment_and_public_url() -> None:
    assert environment_of("https://tripletex.no/v2").value == "production"
    assert environment_of("https://api-test.tripletex.tech/v2").value == "test"
    event = {
        "headers": {"Host": "evil.example"},
        "requestContext": {"domainName": "x.execute-api.eu-west-1.amazonaws.com", "stage": "prod"},
    }
    assert public_base_url(None, event) == "https://x.execute-api.eu-west-1.amazonaws.com/prod/"
    assert public_base_url("https://integrasjon.example.no", event) == "https://integrasjon.example.no/"
