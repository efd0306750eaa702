"""Issue 13, "the management token is the only factor": sign-in by a single-use emailed link, a
session that ends, and a confirmation from the contact's mailbox before a tenant is deleted, its
tokens replaced or its alerts sent elsewhere. Against the local stack, with the functions' clock
moved by the test (tests.security.identity_support.Clock); nothing waits on wall time.
"""

from __future__ import annotations

from typing import Any

import boto3

from tests.security.identity_support import (
    Clock,
    mails_to,
    open_link,
    sign_in,
    unconfirmed_tenant,
    use_clock,
)
from tests.support.live_stack import LiveStack, Tenant

# Settings choose at least one stream (a save with none is refused, issue 16).
A_STREAM = {"streams": {"customers_to_tripletex": True}}


def _tenant_view(stack: LiveStack, tenant: Tenant, token: str) -> Any:
    return stack.request("GET", f"/tenants/{tenant.tenant_id}", token=token)


def _delete(stack: LiveStack, tenant: Tenant, token: str) -> Any:
    return stack.request(
        "DELETE",
        f"/tenants/{tenant.tenant_id}",
        token=token,
        json={"confirm_company_name": tenant.company_name},
    )


def _secret_names(stack: LiveStack) -> list[str]:
    assert stack.local.moto is not None
    client = boto3.client("secretsmanager", endpoint_url=stack.local.moto.endpoint)
    return [s["Name"] for s in client.list_secrets().get("SecretList", [])]


# ------------------------------------------------------------------ single-use, short-lived links


def test_each_emailed_code_works_once(live_stack: LiveStack) -> None:
    created = unconfirmed_tenant(live_stack)
    address = created.json()["verification_sent_to"]
    assert open_link(live_stack, address, "verify", "/email-verification").status_code == 200
    again = open_link(live_stack, address, "verify", "/email-verification")
    assert again.status_code == 400
    assert "used already" in again.json()["message"]

    assert live_stack.request("POST", "/sign-in", json={"email": address}).status_code == 202
    assert open_link(live_stack, address, "sign-in", "/sessions").status_code == 201
    assert open_link(live_stack, address, "sign-in", "/sessions").status_code == 400

    tenant = Tenant(
        created.json()["tenant_id"], created.json()["management_token"], address, "Fjord Lager AS"
    )
    assert _delete(live_stack, tenant, tenant.management_token).status_code == 202
    assert open_link(live_stack, address, "confirm", "/confirmations").status_code == 200
    assert open_link(live_stack, address, "confirm", "/confirmations").status_code == 400


def test_a_code_for_one_purpose_or_tenant_opens_nothing_else(live_stack: LiveStack) -> None:
    first, second = unconfirmed_tenant(live_stack), unconfirmed_tenant(live_stack)
    from local.outbox import emailed_link

    link = emailed_link(first.json()["verification_sent_to"], "verify")
    assert link is not None
    elsewhere = {**link, "tenant_id": second.json()["tenant_id"]}
    assert live_stack.request("POST", "/email-verification", json=elsewhere).status_code == 400
    # A verification code is no sign-in code.
    assert live_stack.request("POST", "/sessions", json=link).status_code == 400
    assert live_stack.request("POST", "/email-verification", json=link).status_code == 200


def test_codes_expire(live_stack: LiveStack) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    created = unconfirmed_tenant(live_stack)
    address = created.json()["verification_sent_to"]
    clock.advance(minutes=61)
    assert open_link(live_stack, address, "verify", "/email-verification").status_code == 400
    token = created.json()["management_token"]
    resent = live_stack.request(
        "POST", f"/tenants/{created.json()['tenant_id']}/email-verification", token=token
    )
    assert resent.status_code == 200
    assert resent.json()["sent_to"] == address
    assert open_link(live_stack, address, "verify", "/email-verification").status_code == 200

    assert live_stack.request("POST", "/sign-in", json={"email": address}).status_code == 202
    clock.advance(minutes=11)
    assert open_link(live_stack, address, "sign-in", "/sessions").status_code == 400
    assert live_stack.request("POST", "/sign-in", json={"email": address}).status_code == 202
    clock.advance(minutes=9)
    assert open_link(live_stack, address, "sign-in", "/sessions").status_code == 201


# ------------------------------------------------------------------ sessions


def test_a_session_ends_when_idle_and_at_the_latest_after_twelve_hours(live_stack: LiveStack) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    tenant = live_stack.new_tenant()
    signed_in_at = clock.now

    token = sign_in(live_stack, tenant.contact_email)
    clock.advance(minutes=3)
    view = _tenant_view(live_stack, tenant, token)
    assert view.status_code == 200
    assert view.json()["session"]["last_used_at"].startswith(signed_in_at.isoformat()[:16])
    clock.advance(minutes=31)
    assert _tenant_view(live_stack, tenant, token).status_code == 404, "idle for 31 minutes"

    token = sign_in(live_stack, tenant.contact_email)
    uses = 0
    while True:
        clock.advance(minutes=25)
        answer = _tenant_view(live_stack, tenant, token)
        if answer.status_code != 200:
            break
        uses += 1
        token = answer.headers.get("X-Session-Token", token)
    assert answer.status_code == 404
    assert uses == 28, "kept alive every 25 minutes, the session still ends at 12 hours"


def test_a_session_token_is_replaced_on_use_and_the_old_one_dies(live_stack: LiveStack) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    tenant = live_stack.new_tenant()
    token = sign_in(live_stack, tenant.contact_email)
    clock.advance(minutes=1)
    assert "X-Session-Token" not in _tenant_view(live_stack, tenant, token).headers

    clock.advance(minutes=5)
    answer = _tenant_view(live_stack, tenant, token)
    successor = answer.headers["X-Session-Token"]
    assert successor != token
    assert answer.headers["Cache-Control"] == "no-store"
    # Requests already on their way with the old token still pass for a moment; one successor only.
    again = _tenant_view(live_stack, tenant, token)
    assert again.status_code == 200
    assert "X-Session-Token" not in again.headers
    clock.advance(minutes=2)
    assert _tenant_view(live_stack, tenant, token).status_code == 404
    assert _tenant_view(live_stack, tenant, successor).status_code == 200


def test_signing_out_ends_the_session_only(live_stack: LiveStack) -> None:
    tenant = live_stack.new_tenant()
    token = sign_in(live_stack, tenant.contact_email)
    assert (
        live_stack.request("DELETE", f"/tenants/{tenant.tenant_id}/session", token=token).status_code == 200
    )
    assert _tenant_view(live_stack, tenant, token).status_code == 404
    assert _tenant_view(live_stack, tenant, tenant.management_token).status_code == 200


# ------------------------------------------------------------------ step-up


def test_delete_needs_a_confirmation_bound_to_whoever_asked(live_stack: LiveStack) -> None:
    tenant = live_stack.onboarded_tenant()
    session = sign_in(live_stack, tenant.contact_email)

    asked = _delete(live_stack, tenant, session)
    assert asked.status_code == 202
    assert asked.json()["confirmation_required"] is True
    assert asked.json()["sent_to"] == tenant.contact_email
    assert "delete" in mails_to(tenant.contact_email)[-1].subject
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
    # The session's confirmation does not let the management token (a thief's copy) delete.
    assert _delete(live_stack, tenant, tenant.management_token).status_code == 202
    assert _tenant_view(live_stack, tenant, tenant.management_token).status_code == 200

    deleted = _delete(live_stack, tenant, session)
    assert deleted.status_code == 200, deleted.text
    assert _tenant_view(live_stack, tenant, tenant.management_token).status_code == 404
    assert "was deleted" in mails_to(tenant.contact_email)[-1].subject


def test_a_confirmation_expires(live_stack: LiveStack) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    tenant = live_stack.new_tenant()
    assert _delete(live_stack, tenant, tenant.management_token).status_code == 202
    clock.advance(minutes=11)
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 400
    assert _delete(live_stack, tenant, tenant.management_token).status_code == 202
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
    clock.advance(minutes=16)
    assert _delete(live_stack, tenant, tenant.management_token).status_code == 202


def test_replacing_tokens_and_moving_alerts_need_a_confirmation_and_are_told(live_stack: LiveStack) -> None:
    tenant = live_stack.onboarded_tenant()
    base = f"/tenants/{tenant.tenant_id}"
    token = tenant.management_token
    settings = {**A_STREAM, "notification_email": tenant.contact_email}
    assert live_stack.request("PUT", f"{base}/settings", token=token, json=settings).status_code == 200

    replaced = live_stack.request("PUT", f"{base}/credentials", token=token, json=live_stack.credentials())
    assert replaced.status_code == 202, replaced.text
    assert replaced.json()["action"] == "credentials"
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
    replaced = live_stack.request("PUT", f"{base}/credentials", token=token, json=live_stack.credentials())
    assert replaced.status_code == 200
    assert "were replaced" in mails_to(tenant.contact_email)[-1].subject

    moved = {**A_STREAM, "notification_email": "someone-else@example.org"}
    assert live_stack.request("PUT", f"{base}/settings", token=token, json=moved).json()["action"] == (
        "notification_email"
    )
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
    assert live_stack.request("PUT", f"{base}/settings", token=token, json=moved).status_code == 200
    notice = mails_to(tenant.contact_email)[-1]
    assert "new address" in notice.subject
    assert "someone-else@example.org" in (notice.text or "")
    assert mails_to("someone-else@example.org") == []


def test_a_first_alert_address_other_than_the_contact_needs_the_contacts_confirmation(
    live_stack: LiveStack,
) -> None:
    tenant = live_stack.onboarded_tenant()
    base = f"/tenants/{tenant.tenant_id}"
    elsewhere = {**A_STREAM, "notification_email": "digest-target@example.org"}
    asked = live_stack.request("PUT", f"{base}/settings", token=tenant.management_token, json=elsewhere)
    assert asked.status_code == 202, asked.text
    assert (
        live_stack.request("GET", f"{base}/settings", token=tenant.management_token).json()["settings"]
        is None
    )
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
    saved = live_stack.request("PUT", f"{base}/settings", token=tenant.management_token, json=elsewhere)
    assert saved.status_code == 200, saved.text
    assert mails_to("digest-target@example.org") == []
    assert "new address" in mails_to(tenant.contact_email)[-2].subject


# ------------------------------------------------------------------ unconfirmed tenants go


def test_tenants_unconfirmed_after_a_day_are_removed_with_their_secret(live_stack: LiveStack) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    created = unconfirmed_tenant(live_stack)
    stale_id, stale_token = created.json()["tenant_id"], created.json()["management_token"]
    credentials = live_stack.credentials()
    stored = live_stack.request(
        "PUT", f"/tenants/{stale_id}/credentials", token=stale_token, json=credentials
    )
    assert stored.status_code == 200
    kept = live_stack.new_tenant()
    assert any(name.endswith(stale_id) for name in _secret_names(live_stack))
    assert live_stack.local.runner is not None

    clock.advance(hours=23)
    assert live_stack.local.runner.fire_schedule("UnconfirmedTenantCleanup").payload == {"removed": 0}
    clock.advance(hours=2)
    result = live_stack.local.runner.fire_schedule("UnconfirmedTenantCleanup")
    assert result.ok, result.error
    assert result.payload == {"removed": 1}

    assert live_stack.request("GET", f"/tenants/{stale_id}", token=stale_token).status_code == 404
    assert not any(name.endswith(stale_id) for name in _secret_names(live_stack))
    assert (
        live_stack.request("GET", f"/tenants/{kept.tenant_id}", token=kept.management_token).status_code
        == 200
    )


# ------------------------------------------------------------------ reconnect


def test_tokens_of_another_account_are_refused_unless_reconnecting(live_stack: LiveStack) -> None:
    tenant = live_stack.onboarded_tenant()
    base = f"/tenants/{tenant.tenant_id}"
    token = tenant.management_token
    assert (
        live_stack.request(
            "PUT",
            f"{base}/settings",
            token=token,
            json={**A_STREAM, "notification_email": tenant.contact_email},
        ).status_code
        == 200
    )
    # The same tokens now answer for another Rackbeat account, as a pasted token of another would.
    live_stack.rackbeat.state.self_info["user_account"]["id"] += 1000
    assert (
        live_stack.request(
            "PUT", f"{base}/credentials", token=token, json=live_stack.credentials()
        ).status_code
        == 202
    )
    assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200

    refused = live_stack.request("PUT", f"{base}/credentials", token=token, json=live_stack.credentials())
    assert refused.status_code == 409
    assert "different Rackbeat account or Tripletex company" in refused.json()["message"]
    table = _state_table(live_stack)
    table.put_item(
        Item={"pk": f"TENANT#{tenant.tenant_id}", "sk": "CURSOR#customers_to_tripletex", "value": "x"}
    )
    table.put_item(Item={"pk": f"TENANT#{tenant.tenant_id}", "sk": "LINK#customer#10001", "tripletex_id": 1})

    reconnect = {**live_stack.credentials(), "reconnect": True}
    accepted = live_stack.request("PUT", f"{base}/credentials", token=token, json=reconnect)
    assert accepted.status_code == 200, accepted.text
    rows = table.query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"TENANT#{tenant.tenant_id}"}
    )["Items"]
    assert not [row["sk"] for row in rows if str(row["sk"]).startswith(("LINK", "CURSOR#"))]


def _state_table(stack: LiveStack) -> Any:
    assert stack.local.moto is not None
    assert stack.local.aws is not None
    name = str(stack.local.aws.outputs["StateTableName"])
    return boto3.resource("dynamodb", endpoint_url=stack.local.moto.endpoint).Table(name)
