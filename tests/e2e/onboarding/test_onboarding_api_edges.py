"""The answers the API fuzz suite found missing or undocumented, pinned down one by one through the
local stack over real HTTP: bodies that are not UTF-8, tokens that cannot be tokens, a vendor
that is rate limiting or down, and an OpenAPI document that describes every answer we give."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from local.simulators import base
from tests.support.stack import Stack, good_credentials, secret_exists

LATIN1_BODY = '{"company_name": "Bl\u00e5b\u00e6r AS"}'.encode("latin-1")


# ---------------------------------------------------------------- bodies that are not UTF-8


def test_a_body_that_is_not_utf8_is_a_422_on_the_body(stack: Stack) -> None:
    response = stack.request(
        "POST", "/tenants", content=LATIN1_BODY, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == [
        {"field": "body", "type": "body_not_utf8", "message": body["detail"][0]["message"]}
    ]
    assert "UTF-8" in body["message"]


def test_a_body_that_is_not_utf8_is_checked_only_after_the_token(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    path = f"/tenants/{tenant_id}/settings"
    headers = {"Content-Type": "application/json"}
    stranger = stack.request(
        "PUT", path, token="not-the-token-" + "0" * 40, content=LATIN1_BODY, headers=headers
    )
    assert stranger.status_code == 404
    owner = stack.request("PUT", path, token=token, content=LATIN1_BODY, headers=headers)
    assert owner.status_code == 422
    assert owner.json()["detail"][0]["field"] == "body"


# ---------------------------------------------------------------- tokens that cannot be tokens


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rackbeat_api_token", "r\u00e6ckbeat-token-1234"),
        ("tripletex_consumer_token", "consumer token with spaces"),
        ("tripletex_employee_token", "employee-\u2013-dash-1234"),
    ],
)
def test_a_token_that_is_not_visible_ascii_is_a_422_naming_the_field(
    stack: Stack, field: str, value: str
) -> None:
    tenant_id, token, _ = stack.new_tenant()
    stack.known_secrets.add(value)  # the leak scan then proves it is not echoed anywhere
    credentials = {**good_credentials(), field: value}
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=credentials)
    assert response.status_code == 422, response.text
    body = response.json()
    assert [problem["field"] for problem in body["detail"]] == [field]
    assert "copy the token again" in body["detail"][0]["message"]
    assert value not in response.text
    assert not secret_exists(stack, tenant_id)


def test_a_pasted_token_with_a_trailing_newline_still_works(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    credentials = {**good_credentials()}
    credentials["rackbeat_api_token"] += "\n"
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=credentials)
    assert response.status_code == 200, response.text
    assert secret_exists(stack, tenant_id)


def test_the_tripletex_simulator_refuses_a_non_ascii_token_instead_of_crashing(stack: Stack) -> None:
    with httpx.Client(
        transport=httpx.WSGITransport(app=stack.tripletex), base_url="http://tripletex"
    ) as http:
        response = http.put(
            "/v2/token/session/:create",
            params={
                "consumerToken": "forbrukar-n\u00f8kkel-123",
                "employeeToken": good_credentials()["tripletex_employee_token"],
                "expirationDate": "2099-01-01",
            },
        )
    assert response.status_code == 422, response.text
    assert "consumerToken" in response.text


def test_the_rackbeat_simulator_refuses_a_non_ascii_token_instead_of_crashing(stack: Stack) -> None:
    # Over a socket: httpx's in-process WSGI transport cannot carry a header that is not ASCII.
    server = base.serve(stack.rackbeat, "127.0.0.1", 0)
    try:
        response = httpx.get(
            f"{server.url}/api/customer-groups",
            headers=[(b"Authorization", "Bearer n\u00f8kkel-123".encode())],
            timeout=10.0,
        )
    finally:
        server.shutdown()
    assert response.status_code == 401, response.text


# ---------------------------------------------------------------- a vendor that is busy or down


def _prerequisites_with_rackbeat_failing(stack: Stack, status: str) -> httpx.Response:
    tenant_id, token, _ = stack.onboarded_tenant()
    stack.rackbeat.set_faults({"error_rates": {status: 1.0}})
    try:
        return stack.request("GET", f"/tenants/{tenant_id}/prerequisites", token=token)
    finally:
        stack.rackbeat.set_faults({})


def test_a_rackbeat_rate_limit_is_a_503_saying_try_again_with_retry_after(stack: Stack) -> None:
    response = _prerequisites_with_rackbeat_failing(stack, "429")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body == {
        "message": "Rackbeat is busy; try again in a minute.",
        "system": "Rackbeat",
        "retry_after_seconds": 1,
    }
    assert response.headers["Retry-After"] == "1"


def test_a_rackbeat_outage_is_a_503_without_a_guessed_retry_after(stack: Stack) -> None:
    response = _prerequisites_with_rackbeat_failing(stack, "503")
    assert response.status_code == 503, response.text
    assert response.json()["system"] == "Rackbeat"
    assert "try again in a few minutes" in response.json()["message"]
    assert "Retry-After" not in response.headers


def test_a_tripletex_rate_limit_while_creating_groups_is_a_503_too(stack: Stack) -> None:
    tenant_id, token, _ = stack.onboarded_tenant()
    stack.tripletex.set_faults({"error_rates": {"429": 1.0}})
    try:
        response = stack.request(
            "POST",
            f"/tenants/{tenant_id}/prerequisites/groups",
            token=token,
            json={"kinds": ["customer_group"]},
        )
    finally:
        stack.tripletex.set_faults({})
    assert response.status_code == 503, response.text
    assert response.json()["system"] == "Tripletex"
    assert response.json()["message"].startswith("Tripletex is busy")


def test_a_vendor_rate_limit_during_the_credentials_check_is_named_in_the_report(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    stack.rackbeat.set_faults({"error_rates": {"429": 1.0}})
    try:
        response = stack.request(
            "PUT", f"/tenants/{tenant_id}/credentials", token=token, json=good_credentials()
        )
    finally:
        stack.rackbeat.set_faults({})
    assert response.status_code == 422, response.text
    rackbeat = next(check for check in response.json()["checks"] if check["id"] == "rackbeat_token")
    assert rackbeat["ok"] is False
    assert not secret_exists(stack, tenant_id)


# ---------------------------------------------------------------- the document matches the answers


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The component names a response schema may be (one level of anyOf)."""
    options = schema.get("anyOf", [schema])
    return {option["$ref"].rsplit("/", 1)[-1] for option in options if "$ref" in option}


def test_every_operation_documents_our_error_answers(stack: Stack) -> None:
    document = stack.request("GET", "/openapi.json").json()
    problems = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            label = f"{method.upper()} {path}"
            if "413" not in responses:
                problems.append(f"{label}: no 413")
            invalid = _resolve(
                document,
                responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {}),
            )
            if "ProblemsBody" not in invalid:
                problems.append(f"{label}: 422 is {invalid or 'undocumented'}, not ProblemsBody")
            if path.startswith("/tenants/{tenant_id}") and "404" not in responses:
                problems.append(f"{label}: no 404")
    assert not problems, "\n".join(problems)
    credentials_422 = document["paths"]["/tenants/{tenant_id}/credentials"]["put"]["responses"]["422"]
    assert _resolve(document, credentials_422["content"]["application/json"]["schema"]) == {
        "ValidationOutcome",
        "ProblemsBody",
    }
    for path in ("/tenants/{tenant_id}/prerequisites", "/tenants/{tenant_id}/credentials"):
        busy = next(iter(document["paths"][path].values()))["responses"]["503"]
        assert _resolve(document, busy["content"]["application/json"]["schema"]) == {"VendorUnavailable"}
    assert "HTTPValidationError" not in document["components"]["schemas"], "a 422 shape we never send"
