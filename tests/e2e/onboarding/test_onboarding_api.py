"""The onboarding API end to end: real HTTP into the local stack's API Gateway, the handler in the
Lambda runner, moto for DynamoDB/Secrets Manager/SES, and both simulators over HTTP."""

from __future__ import annotations

import json
import re

import boto3
import httpx
import pytest

from tests.support.stack import (
    EMPLOYEE_TOKEN,
    RACKBEAT_COMPANY,
    RACKBEAT_TOKEN,
    TRIPLETEX_COMPANY,
    Stack,
    good_credentials,
    secret_exists,
)

# Alerts go to the contact in these tests: another address needs the contact's confirmation
# (tests/security/test_sessions_and_step_up.py).
SETTINGS = {
    "streams": {"customers_to_tripletex": True, "invoices_to_tripletex": True},
    "invoice_mode": "order",
    "sync_interval_minutes": 30,
    "notification_email": "alerts@fjordlager.no",
}
INITIAL_SYNC = {
    "customer_group": 1,
    "supplier_group": 1,
    "product_group": 1,
    "service_group": 2,
    "payment_terms": {"default": 1},
}


def checks_by_id(body: dict[str, object]) -> dict[str, dict[str, object]]:
    return {check["id"]: check for check in body["checks"]}  # type: ignore[index,union-attr]


def link_in(text: str) -> tuple[str, str]:
    match = re.search(r"#settings\?tenant=([0-9a-f]+)&token=([\w\-]+)", text)
    assert match, text
    return match.group(1), match.group(2)


# ---------------------------------------------------------------- tenants


def test_create_tenant_answers_id_token_and_status(stack: Stack) -> None:
    tenant_id, token, email = stack.new_tenant()
    assert re.fullmatch(r"[0-9a-f]{32}", tenant_id)
    assert len(token) > 40

    profile = stack.request("GET", f"/tenants/{tenant_id}", token=token)
    assert profile.status_code == 200
    body = profile.json()
    assert body["status"] == "onboarding"
    assert body["contact_email"] == email
    assert body["credentials"]["validated_at"] is None
    assert token not in profile.text
    assert "hash" not in profile.text


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"company_name": "A AS", "contact_name": "Per", "contact_email": "not-an-email"}, "contact_email"),
        ({"company_name": "A AS", "contact_name": "Per", "contact_email": "per@nodot"}, "contact_email"),
        ({"company_name": "A AS", "contact_email": "per@a.no"}, "contact_name"),
        ({"company_name": "", "contact_name": "Per", "contact_email": "per@a.no"}, "company_name"),
        ({"company_name": "A", "contact_name": "P", "contact_email": "p@a.no", "admin": True}, "admin"),
    ],
)
def test_create_tenant_rejects_bad_fields_naming_them(
    stack: Stack, payload: dict[str, object], field: str
) -> None:
    response = stack.request("POST", "/tenants", json=payload)
    assert response.status_code == 422
    body = response.json()
    assert field in [d["field"] for d in body["detail"]]
    assert field in body["message"]


def test_invalid_email_reason_is_in_plain_words(stack: Stack) -> None:
    response = stack.request(
        "POST", "/tenants", json={"company_name": "A AS", "contact_name": "Per", "contact_email": "per.a.no"}
    )
    assert response.status_code == 422
    assert "is not an email address" in response.json()["message"]


def test_malformed_json_is_a_clear_422(stack: Stack) -> None:
    response = stack.request(
        "POST", "/tenants", content=b'{"company_name": "A AS",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["message"]


def test_oversized_body_is_413(stack: Stack) -> None:
    huge = {"company_name": "A" * 70_000, "contact_name": "Per", "contact_email": "per@a.no"}
    response = stack.request("POST", "/tenants", json=huge)
    assert response.status_code == 413
    assert "64 KB" in response.json()["message"]


def test_oversized_body_on_a_tenant_route_is_413_too(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    response = stack.request(
        "PUT", f"/tenants/{tenant_id}/credentials", token=token, content=b"x" * (65 * 1024)
    )
    assert response.status_code == 413


# ---------------------------------------------------------------- credentials


def test_good_credentials_pass_every_check_and_are_stored(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=good_credentials())
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert list(checks_by_id(body)) == [
        "rackbeat_token",
        "tripletex_session",
        "tripletex_company",
        "tripletex_access_customer",
        "tripletex_access_supplier",
        "tripletex_access_product",
        "tripletex_access_invoice",
        "tripletex_bank_account",
        "tripletex_vat_types",
        "tripletex_ehf",
        "tripletex_environment",
    ]
    assert all(check["ok"] for check in body["checks"])
    assert secret_exists(stack, tenant_id)

    summary = stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["credentials"]
    assert summary["validated_at"] is not None
    assert summary["rackbeat_company"] == RACKBEAT_COMPANY
    assert summary["tripletex_company"] == TRIPLETEX_COMPANY
    assert summary["tripletex_environment"] == "production"


@pytest.mark.parametrize(
    ("field", "failing_check", "cause", "fix_words"),
    [
        (
            "rackbeat_api_token",
            "rackbeat_token",
            "Rackbeat did not accept the API token.",
            "Settings \u2192 API",
        ),
        (
            "tripletex_consumer_token",
            "tripletex_session",
            "Tripletex did not accept the consumer token.",
            "Paste the consumer token",
        ),
        (
            "tripletex_employee_token",
            "tripletex_session",
            "Tripletex did not accept the employee token.",
            "API access, create a new token",
        ),
    ],
)
def test_each_wrong_token_fails_its_check_and_stores_nothing(
    stack: Stack, field: str, failing_check: str, cause: str, fix_words: str
) -> None:
    tenant_id, token, _ = stack.new_tenant()
    credentials = {**good_credentials(), field: "wrong-token-value-123456"}
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=credentials)
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    checks = checks_by_id(body)
    assert checks[failing_check]["ok"] is False
    assert fix_words in str(checks[failing_check]["fix"])
    assert checks[failing_check]["detail"] == cause
    assert checks[failing_check]["field"] == field  # the page shows the fix at that input
    assert body["message"] == f"Nothing was saved. {cause}"  # one cause, not every skipped check
    assert not secret_exists(stack, tenant_id)
    assert (
        stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["credentials"]["validated_at"]
        is None
    )


@pytest.mark.parametrize(
    ("area", "check_id", "words"),
    [
        ("customer", "tripletex_access_customer", "customers"),
        ("supplier", "tripletex_access_supplier", "suppliers"),
        ("product", "tripletex_access_product", "products"),
        ("invoice", "tripletex_access_invoice", "customer invoices"),
    ],
)
def test_each_missing_tripletex_area_is_named(stack: Stack, area: str, check_id: str, words: str) -> None:
    stack.tripletex.grants.discard(area)
    tenant_id, token, _ = stack.new_tenant()
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=good_credentials())
    assert response.status_code == 422
    checks = checks_by_id(response.json())
    failed = [cid for cid, check in checks.items() if not check["ok"]]
    assert failed == [check_id]
    assert checks[check_id]["detail"] == f"The Tripletex token has no access to {words}."
    assert checks[check_id]["fix"].startswith("Edit the token in Tripletex")  # type: ignore[union-attr]
    assert f"grant access to {words}" in checks[check_id]["fix"]  # type: ignore[operator]
    assert checks[check_id]["field"] == "tripletex_employee_token"
    assert not secret_exists(stack, tenant_id)


def test_test_token_against_production_is_named(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    credentials = {**good_credentials(), "tripletex_employee_token": "test-" + EMPLOYEE_TOKEN}
    response = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=credentials)
    assert response.status_code == 422
    checks = checks_by_id(response.json())
    assert checks["tripletex_environment"]["ok"] is False
    assert "test environment" in str(checks["tripletex_environment"]["detail"])
    assert checks["rackbeat_token"]["ok"] is True


def test_credentials_body_is_validated(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    response = stack.request(
        "PUT", f"/tenants/{tenant_id}/credentials", token=token, json={"rackbeat_api_token": RACKBEAT_TOKEN}
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["detail"]}
    assert fields == {"tripletex_consumer_token", "tripletex_employee_token"}


# ---------------------------------------------------------------- prerequisites


def test_prerequisites_need_credentials_first(stack: Stack) -> None:
    tenant_id, token, _ = stack.new_tenant()
    response = stack.request("GET", f"/tenants/{tenant_id}/prerequisites", token=token)
    assert response.status_code == 409
    assert "tokens" in response.json()["message"]


def test_prerequisites_list_groups_terms_and_counts(stack: Stack) -> None:
    tenant_id, token, _ = stack.onboarded_tenant()
    body = stack.request("GET", f"/tenants/{tenant_id}/prerequisites", token=token).json()
    assert body["missing"] == []
    assert [g["name"] for g in body["rackbeat"]["customer_groups"]] == ["Kunder"]
    assert {(g["name"], g["has_inventory"]) for g in body["rackbeat"]["product_groups"]} == {
        ("Varer", True),
        ("Tjenester", False),
    }
    assert body["rackbeat"]["payment_terms"][0]["name"] == "Netto 14 dager"
    assert body["tripletex_counts"] == {"customers": 2, "suppliers": 1, "products": 0}


def test_missing_groups_are_reported_and_created_once(stack: Stack) -> None:
    stack.reset_simulators(with_groups=False)
    tenant_id, token, _ = stack.onboarded_tenant()
    before = stack.request("GET", f"/tenants/{tenant_id}/prerequisites", token=token).json()
    assert before["missing"] == ["customer_group", "supplier_group", "product_group", "service_group"]

    kinds = {"kinds": before["missing"]}
    after = stack.request("POST", f"/tenants/{tenant_id}/prerequisites/groups", token=token, json=kinds)
    assert after.status_code == 200
    assert after.json()["missing"] == []
    assert {(g["name"], g["has_inventory"]) for g in after.json()["rackbeat"]["product_groups"]} == {
        ("Varer", True),
        ("Tjenester", False),
    }
    # A second click creates nothing more.
    again = stack.request(
        "POST", f"/tenants/{tenant_id}/prerequisites/groups", token=token, json=kinds
    ).json()
    assert len(again["rackbeat"]["customer_groups"]) == 1
    assert len(again["rackbeat"]["product_groups"]) == 2


def test_missing_units_are_created_once_and_nothing_leaks(stack: Stack) -> None:
    # The account has no units; a product without one in Tripletex is counted in pieces ("stk").
    tenant_id, token, _ = stack.onboarded_tenant()
    route = f"/tenants/{tenant_id}/prerequisites/units"
    first = stack.request("POST", route, token=token, json={"names": ["STK"]})
    assert first.status_code == 200, first.text
    assert [unit["name"] for unit in first.json()["created"]] == ["stk"]
    again = stack.request("POST", route, token=token, json={"names": ["stk"]})
    assert again.json() == {"created": []}
    assert [unit["name"] for unit in stack.rackbeat.dump_state()["units"]] == ["stk"]
    assert any("rackbeat units created" in line for line in stack.recorder.lines)


def test_create_groups_rejects_unknown_kinds(stack: Stack) -> None:
    tenant_id, token, _ = stack.onboarded_tenant()
    response = stack.request(
        "POST", f"/tenants/{tenant_id}/prerequisites/groups", token=token, json={"kinds": ["warehouse"]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "kinds.0"


# ---------------------------------------------------------------- settings


def test_settings_need_validated_credentials(stack: Stack) -> None:
    tenant_id, token, email = stack.new_tenant()
    response = stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    assert response.status_code == 409
    assert "tokens" in response.json()["message"]


def test_first_save_activates_and_emails_the_link_later_saves_do_not(stack: Stack) -> None:
    tenant_id, token, email = stack.onboarded_tenant()
    assert stack.request("GET", f"/tenants/{tenant_id}/settings", token=token).json()["settings"] is None

    first = stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    assert first.status_code == 200
    assert first.json()["status"] == "active"
    assert first.json()["settings_link_sent_to"] == email
    mails = stack.emails_to(email)
    assert len(mails) == 1
    assert link_in(mails[0].text) == (tenant_id, token)
    assert f"{stack.api_url}/#settings?tenant={tenant_id}" in mails[0].text

    saved = stack.request("GET", f"/tenants/{tenant_id}/settings", token=token).json()
    assert saved["settings"]["invoice_mode"] == "order"
    assert saved["settings"]["streams"]["customers_to_tripletex"] is True
    assert saved["settings"]["streams"]["products_to_rackbeat"] is False

    second = stack.request(
        "PUT",
        f"/tenants/{tenant_id}/settings",
        token=token,
        json={**SETTINGS, "notification_email": email, "sync_interval_minutes": 60},
    )
    assert second.json()["settings_link_sent_to"] is None
    assert len(stack.emails_to(email)) == 1

    asked = stack.request(
        "PUT",
        f"/tenants/{tenant_id}/settings",
        token=token,
        json={**SETTINGS, "notification_email": email, "send_settings_link": True},
    )
    assert asked.json()["settings_link_sent_to"] == email
    assert len(stack.emails_to(email)) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notification_email": "nope"}, "notification_email"),
        ({"invoice_mode": "receipt"}, "invoice_mode"),
        ({"sync_interval_minutes": 1}, "sync_interval_minutes"),
        ({"streams": {"everything": True}}, "streams.everything"),
    ],
)
def test_bad_settings_name_the_field(stack: Stack, change: dict[str, object], field: str) -> None:
    tenant_id, token, _ = stack.onboarded_tenant()
    response = stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, **change}
    )
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["detail"]]


# ---------------------------------------------------------------- management token, offboarding


def test_rotating_the_token_emails_a_new_link_and_kills_the_old(stack: Stack) -> None:
    tenant_id, old_token, email = stack.new_tenant()
    response = stack.request("POST", f"/tenants/{tenant_id}/management-token", token=old_token)
    assert response.status_code == 200
    assert old_token not in response.text
    assert response.json()["sent_to"] == email

    assert stack.request("GET", f"/tenants/{tenant_id}", token=old_token).status_code == 404
    (mail,) = stack.emails_to(email)
    linked_tenant, new_token = link_in(mail.text)
    stack.known_secrets.add(new_token)
    assert linked_tenant == tenant_id
    assert new_token not in response.text
    assert stack.request("GET", f"/tenants/{tenant_id}", token=new_token).status_code == 200


def test_delete_needs_the_company_name_then_removes_everything(stack: Stack) -> None:
    tenant_id, token, email = stack.onboarded_tenant()
    stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    # Activation registered our webhooks; someone else's hook on the same account must survive.
    rb_api = f"http://127.0.0.1:{_port_of(stack.local.runner, 'RACKBEAT_BASE_URL')}"
    headers = {"Authorization": f"Bearer {RACKBEAT_TOKEN}"}
    ours = [
        w
        for w in httpx.get(f"{rb_api}/api/webhooks", headers=headers).json()["webhooks"]
        if tenant_id in w["url"]
    ]
    assert ours, "activating the tenant registers its Rackbeat webhooks"
    created = httpx.post(
        f"{rb_api}/api/webhooks",
        json={"event": "customer.updated", "url": "https://other.example.com/hook"},
        headers=headers,
    )
    assert created.status_code == 201, created.text

    refused = stack.request(
        "DELETE", f"/tenants/{tenant_id}", token=token, json={"confirm_company_name": "Someone Else AS"}
    )
    assert refused.status_code == 422
    assert "Fjord Lager AS" in refused.json()["message"]
    assert secret_exists(stack, tenant_id)

    # Issue 13: the management token alone no longer deletes; the contact confirms by email.
    asked = stack.request(
        "DELETE", f"/tenants/{tenant_id}", token=token, json={"confirm_company_name": "fjord lager as"}
    )
    assert asked.status_code == 202, asked.text
    assert asked.json()["sent_to"] == email
    assert secret_exists(stack, tenant_id)
    stack.confirm_step_up(email)
    deleted = stack.request(
        "DELETE", f"/tenants/{tenant_id}", token=token, json={"confirm_company_name": "fjord lager as"}
    )
    assert deleted.status_code == 200
    assert deleted.json()["webhooks_removed"] == len(ours)
    assert "was deleted" in stack.emails_to(email)[-1].subject
    assert not secret_exists(stack, tenant_id)
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).status_code == 404
    remaining = httpx.get(f"{rb_api}/api/webhooks", headers=headers).json()["webhooks"]
    assert [w["url"] for w in remaining] == ["https://other.example.com/hook"]

    table = boto3.resource("dynamodb", endpoint_url=stack.local.moto.endpoint if stack.local.moto else None)
    name = stack.local.runner.function("OnboardingApiFunction").environment.values["STATE_TABLE_NAME"]  # type: ignore[union-attr]
    rows = table.Table(name).query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"TENANT#{tenant_id}"}
    )
    assert rows["Items"] == []


def _port_of(runner: object, variable: str) -> int:
    url = runner.function("OnboardingApiFunction").environment.values[variable]  # type: ignore[attr-defined]
    return int(url.split(":")[2].split("/")[0])


# ---------------------------------------------------------------- isolation


def test_a_tenants_token_opens_nothing_of_another_tenant(stack: Stack) -> None:
    tenant_a, token_a, _ = stack.onboarded_tenant()
    tenant_b, token_b, _ = stack.onboarded_tenant()
    routes = [
        ("GET", f"/tenants/{tenant_b}", None),
        ("DELETE", f"/tenants/{tenant_b}", {"confirm_company_name": "Fjord Lager AS"}),
        ("PUT", f"/tenants/{tenant_b}/credentials", good_credentials()),
        ("GET", f"/tenants/{tenant_b}/prerequisites", None),
        ("POST", f"/tenants/{tenant_b}/prerequisites/groups", {"kinds": ["customer_group"]}),
        ("POST", f"/tenants/{tenant_b}/prerequisites/units", {"names": ["pk"]}),
        ("GET", f"/tenants/{tenant_b}/settings", None),
        ("PUT", f"/tenants/{tenant_b}/settings", SETTINGS),
        ("POST", f"/tenants/{tenant_b}/management-token", None),
        ("POST", f"/tenants/{tenant_b}/initial-sync", INITIAL_SYNC),
        ("POST", f"/tenants/{tenant_b}/initial-sync?dry_run=true", INITIAL_SYNC),
        ("GET", f"/tenants/{tenant_b}/initial-sync", None),
        ("GET", f"/tenants/{tenant_b}/failures", None),
        ("POST", f"/tenants/{tenant_b}/failures/retry", {"all": True}),
        ("GET", f"/tenants/{tenant_b}/sync-runs", None),
    ]
    for method, path, body in routes:
        for presented in (token_a, None, "x", token_b + "x", token_b[:-1]):
            kwargs = {"json": body} if body is not None else {}
            response = stack.request(method, path, token=presented, **kwargs)
            assert response.status_code == 404, (method, path, response.text)
            assert response.json() == {"message": "Tenant not found"}
        # Same answer for a tenant that does not exist at all.
        ghost = path.replace(tenant_b, "0" * 32)
        response = stack.request(method, ghost, token=token_a, **({"json": body} if body is not None else {}))
        assert (response.status_code, response.json()) == (404, {"message": "Tenant not found"})
    # A malformed body with a wrong token: still 404, never a 422 that would reveal the route.
    garbage = stack.request(
        "PUT",
        f"/tenants/{tenant_b}/settings",
        token=token_a,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert garbage.status_code == 404
    # Nor does a malformed body on the sync routes.
    for path in (f"/tenants/{tenant_b}/initial-sync", f"/tenants/{tenant_b}/failures/retry"):
        garbage = stack.request(
            "POST", path, token=token_a, content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert (garbage.status_code, garbage.json()) == (404, {"message": "Tenant not found"})
    # B is untouched and still works with its own token: no import was started by anyone else.
    assert stack.request("GET", f"/tenants/{tenant_b}", token=token_b).json()["status"] == "onboarding"
    status = stack.request("GET", f"/tenants/{tenant_b}/initial-sync", token=token_b)
    assert (status.status_code, status.json()["state"]) == (200, "not_started")
    assert stack.request("GET", f"/tenants/{tenant_a}", token=token_a).status_code == 200


# ---------------------------------------------------------------- openapi and wizard


def test_openapi_document_lists_the_routes(stack: Stack) -> None:
    response = stack.request("GET", "/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.text)["paths"]
    for path in (
        "/tenants",
        "/tenants/{tenant_id}",
        "/tenants/{tenant_id}/credentials",
        "/tenants/{tenant_id}/prerequisites",
        "/tenants/{tenant_id}/prerequisites/groups",
        "/tenants/{tenant_id}/prerequisites/units",
        "/tenants/{tenant_id}/settings",
        "/tenants/{tenant_id}/management-token",
        "/tenants/{tenant_id}/initial-sync",
        "/tenants/{tenant_id}/failures",
        "/tenants/{tenant_id}/failures/retry",
        "/tenants/{tenant_id}/sync-runs",
        "/tenants/{tenant_id}/webhooks",
    ):
        assert path in paths, path
    start = paths["/tenants/{tenant_id}/initial-sync"]["post"]
    assert {"202", "200", "404", "409", "422"} <= set(start["responses"])
    assert any(p["name"] == "dry_run" and p["in"] == "query" for p in start["parameters"])
    for path, method, status in (
        ("/tenants/{tenant_id}/initial-sync", "get", "200"),
        ("/tenants/{tenant_id}/failures", "get", "200"),
        ("/tenants/{tenant_id}/failures/retry", "post", "202"),
        ("/tenants/{tenant_id}/sync-runs", "get", "200"),
        ("/tenants/{tenant_id}/webhooks", "get", "200"),
    ):
        schema = paths[path][method]["responses"][status]["content"]["application/json"]["schema"]
        assert "$ref" in schema, (path, schema)


def test_wizard_page_and_assets_are_served(stack: Stack) -> None:
    page = stack.request("GET", "/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert (
        stack.request("GET", "/assets/wizard.js").headers["content-type"].startswith("application/javascript")
    )
    assert stack.request("GET", "/assets/wizard.css").status_code == 200
    assert stack.request("GET", "/assets/secrets.txt").status_code == 404


# ---------------------------------------------------------------- the daily token check


def test_daily_check_pauses_a_revoked_tenant_emails_once_and_new_tokens_resume(stack: Stack) -> None:
    tenant_id, token, email = stack.onboarded_tenant()
    stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    assert len(stack.emails_to(email)) == 1

    stack.fire_daily_check()
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "active"

    stack.rackbeat.revoke_token(RACKBEAT_TOKEN)  # the user revoked the token in Rackbeat
    outcome = stack.fire_daily_check()
    assert outcome["needs_relink"] >= 1
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "needs_relink"
    relink = stack.emails_to(email)[1:]
    assert len(relink) == 1
    assert "paused" in relink[0].subject
    assert "Rackbeat API token" in relink[0].text

    stack.fire_daily_check()
    assert len(stack.emails_to(email)) == 2, "the contact is told once per outage"

    # Paused tenants are not listed as active, so the sync fan-out leaves them alone.
    active = _tenants_with_status(stack, "active")
    assert tenant_id not in active

    new_token = "eyJhbGciOiJIUzI1NiJ9.rackbeat-e2e-new-token.c2ln"
    stack.rackbeat.grant_token(new_token)
    renewal = {**good_credentials(), "rackbeat_api_token": new_token}
    # Issue 13: replacing stored tokens needs the contact's confirmation first.
    asked = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=renewal)
    assert asked.status_code == 202, asked.text
    stack.confirm_step_up(email)
    renewed = stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=renewal)
    assert renewed.status_code == 200
    assert "were replaced" in stack.emails_to(email)[-1].subject
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "active"
    assert tenant_id in _tenants_with_status(stack, "active")


def test_daily_check_resumes_a_tenant_whose_access_came_back(stack: Stack) -> None:
    tenant_id, token, email = stack.onboarded_tenant()
    stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    stack.tripletex.grants.discard("product")
    stack.fire_daily_check()
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "needs_relink"
    assert "no access to products" in stack.emails_to(email)[-1].text

    stack.tripletex.grants.add("product")
    outcome = stack.fire_daily_check()
    assert outcome["resumed"] >= 1
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "active"


def test_daily_check_does_not_pause_when_a_vendor_is_down(stack: Stack) -> None:
    tenant_id, token, email = stack.onboarded_tenant()
    stack.request(
        "PUT", f"/tenants/{tenant_id}/settings", token=token, json={**SETTINGS, "notification_email": email}
    )
    stack.rackbeat.set_faults({"error_rates": {"503": 1.0}})
    try:
        outcome = stack.fire_daily_check()
    finally:
        stack.rackbeat.set_faults({})
    assert outcome["inconclusive"] >= 1
    assert stack.request("GET", f"/tenants/{tenant_id}", token=token).json()["status"] == "active"


def _tenants_with_status(stack: Stack, status: str) -> set[str]:
    table = boto3.resource("dynamodb", endpoint_url=stack.local.moto.endpoint if stack.local.moto else None)
    name = stack.local.runner.function("OnboardingApiFunction").environment.values["STATE_TABLE_NAME"]  # type: ignore[union-attr]
    items = table.Table(name).query(
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :s",
        ExpressionAttributeValues={":s": f"STATUS#{status}"},
    )["Items"]
    return {item["gsi1sk"] for item in items}
