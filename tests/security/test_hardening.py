"""Against the local stack over HTTP: a body no parser should try (too deep, a number too
large, infinity, not UTF-8, too big) is a 4xx on every JSON route, never a 5xx; names are
stored in one Unicode form and refused with control characters; every answer carries HSTS and
``no-store`` (the wizard's files keep their own caching)."""

from __future__ import annotations

import unicodedata
import uuid

import httpx
import pytest

from rackbeat_tripletex.http_headers import HSTS
from tests.security.test_webhook_isolation import RACKBEAT_EVENT, _activate, _rackbeat_token
from tests.support.live_stack import LiveStack, Tenant

DEEP = "[" * 5000 + "]" * 5000
BODIES = {
    "too_deep": '{"company_name": ' + DEEP + "}",
    "number_too_large": '{"company_name": "A", "n": ' + "9" * 5000 + "}",
    "infinite": '{"sync_interval_minutes": 1e999}',
}
PROBLEM = {"too_deep": "too_deep", "number_too_large": "number_too_large", "infinite": "number_too_large"}


def _json_routes(tenant: Tenant) -> list[tuple[str, str, str | None]]:
    t = tenant.tenant_id
    return [
        ("POST", "/tenants", None),
        ("PUT", f"/tenants/{t}/credentials", tenant.management_token),
        ("PUT", f"/tenants/{t}/settings", tenant.management_token),
        ("DELETE", f"/tenants/{t}", tenant.management_token),
        ("POST", f"/tenants/{t}/prerequisites/units", tenant.management_token),
    ]


def _assert_hardened_headers(answer: httpx.Response) -> None:
    assert answer.headers.get("Strict-Transport-Security") == HSTS, answer.request.url
    assert answer.headers.get("Cache-Control") == "no-store", answer.request.url
    assert answer.headers.get("X-Content-Type-Options") == "nosniff", answer.request.url


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_a_body_no_parser_should_try_is_a_422_on_every_json_route(live_stack: LiveStack, kind: str) -> None:
    tenant = live_stack.new_tenant()
    for method, path, token in _json_routes(tenant):
        answer = live_stack.request(
            method, path, token=token, content=BODIES[kind], headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 422, (method, path, answer.status_code, answer.text[:200])
        assert [d["type"] for d in answer.json()["detail"]] == [PROBLEM[kind]]
        _assert_hardened_headers(answer)
    # The tenant is untouched by all of it.
    view = live_stack.request("GET", f"/tenants/{tenant.tenant_id}", token=tenant.management_token)
    assert view.status_code == 200
    assert view.json()["company_name"] == tenant.company_name


def test_other_bad_bodies_are_4xx_with_the_same_headers(live_stack: LiveStack) -> None:
    tenant = live_stack.new_tenant()
    answers = {
        "not json": live_stack.request(
            "POST", "/tenants", content="{company", headers={"Content-Type": "application/json"}
        ),
        "not utf-8": live_stack.request(
            "PUT",
            f"/tenants/{tenant.tenant_id}/settings",
            token=tenant.management_token,
            content=b"\xff\xfe{",
            headers={"Content-Type": "application/json"},
        ),
        "too big": live_stack.request("POST", "/tenants", content="x" * (70 * 1024)),
        "a stranger's deep body": live_stack.request(
            "PUT", f"/tenants/{tenant.tenant_id}/settings", token="wrong-token", content=BODIES["too_deep"]
        ),
    }
    assert {name: a.status_code for name, a in answers.items()} == {
        "not json": 422,
        "not utf-8": 422,
        "too big": 413,
        "a stranger's deep body": 404,  # the stranger learns nothing, not even that the body is bad
    }
    for answer in answers.values():
        _assert_hardened_headers(answer)


def test_a_webhook_body_no_parser_should_try_is_refused_not_crashed(live_stack: LiveStack) -> None:
    tenant = live_stack.onboarded_tenant()
    _activate(live_stack, tenant)
    headers = {
        "Rackbeat-Webhook-Event": RACKBEAT_EVENT,
        "Rackbeat-Webhook-Token": _rackbeat_token(live_stack, tenant),
    }
    for body in (DEEP, '{"key": ' + "9" * 5000 + "}", '{"key": 1e999}'):
        answer = live_stack.request(
            "POST", f"/webhooks/rackbeat/{tenant.tenant_id}", headers=headers, content=body
        )
        assert answer.status_code == 400, answer.text
        _assert_hardened_headers(answer)
    refused = live_stack.request("POST", f"/webhooks/tripletex/{tenant.tenant_id}", content=DEEP)
    assert refused.status_code == 401
    _assert_hardened_headers(refused)


@pytest.mark.parametrize(
    "name",
    [
        "Nordlys AS\r\nBcc: victim@example.com",
        "Nordlys\tAS",
        "Nordlys\x00AS",
        "Nordlys \u202eSA",  # right-to-left override: shows as another name
        "Nordlys\u200bAS",  # zero-width space
        "Nordlys\x85AS",  # next line (C1)
    ],
)
def test_a_name_with_control_characters_is_refused(live_stack: LiveStack, name: str) -> None:
    for field in ("company_name", "contact_name"):
        body = {
            "company_name": "Nordlys AS",
            "contact_name": "Åse",
            "contact_email": "a@nordlys.no",
            field: name,
        }
        answer = live_stack.request("POST", "/tenants", json=body)
        assert answer.status_code == 422, (field, repr(name), answer.text)
        assert answer.json()["detail"][0]["field"] == field
        assert name not in answer.text, "the refused input is never echoed"
    email = live_stack.request(
        "POST",
        "/tenants",
        json={"company_name": "Nordlys AS", "contact_name": "Åse", "contact_email": "a@nordlys.no\u202e"},
    )
    assert email.status_code == 422


def test_names_are_stored_in_one_unicode_form(live_stack: LiveStack) -> None:
    decomposed = unicodedata.normalize("NFD", "Ærlig Ångström Øst AS")
    assert decomposed != "Ærlig Ångström Øst AS"
    created = live_stack.request(
        "POST",
        "/tenants",
        json={
            "company_name": decomposed,
            "contact_name": unicodedata.normalize("NFD", "Åse Lagerløf"),
            "contact_email": f"owner-{uuid.uuid4().hex[:8]}@nordlys.no",
        },
    )
    assert created.status_code == 201, created.text
    _assert_hardened_headers(created)
    body = created.json()
    view = live_stack.request("GET", f"/tenants/{body['tenant_id']}", token=body["management_token"])
    assert view.json()["company_name"] == "Ærlig Ångström Øst AS"
    assert view.json()["contact_name"] == "Åse Lagerløf"
    _assert_hardened_headers(view)


def test_every_kind_of_answer_carries_hsts(live_stack: LiveStack) -> None:
    answers = {
        "openapi": live_stack.request("GET", "/openapi.json"),
        "unknown tenant": live_stack.request("GET", f"/tenants/{uuid.uuid4().hex}"),
        "no route in the app": live_stack.request("GET", "/assets/nothing.js"),
        "unverified webhook": live_stack.request("POST", f"/webhooks/rackbeat/{uuid.uuid4().hex}", json={}),
    }
    for name, answer in answers.items():
        assert answer.status_code < 500, name
        _assert_hardened_headers(answer)
    page = live_stack.request("GET", "/")
    assert page.headers["Strict-Transport-Security"] == HSTS
    assert page.headers["Cache-Control"] == "no-cache", "the wizard page keeps its own caching"
    # The page holds a management token in memory: no third-party code, no framing, no referrer.
    policy = {d.strip().split(" ")[0]: d.strip() for d in page.headers["Content-Security-Policy"].split(";")}
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
