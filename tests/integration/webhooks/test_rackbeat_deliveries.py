"""Rackbeat webhooks end to end through the local stack, under each plausible variant of the real
API: the event catalogue (``webhook_events``: "all" we want exist, or only the "confirmed" ones)
times whether deliveries carry ``Rackbeat-Webhook-Token`` (``webhook_token_header``).

Two tenants are onboarded through the API (which registers their webhooks); the simulator then
delivers over HTTP to the registered URL, query string included. Checked: registration kept what
was accepted, the status route shows it, genuine deliveries enqueue the right sync task, forged
ones (wrong secret, the other tenant's secret, neither header nor secret) get the same 401 an
unknown tenant gets and enqueue nothing, and no secret reaches a log line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest

from local.outbox import confirm_step_up
from local.stack import LocalStack
from rackbeat_tripletex.webhooks import rackbeat
from tests.support import leaks
from tests.support.live_stack import LiveStack, Tenant, start_live_stack
from tests.support.sync_world import RackbeatUser

CONFIRMED = {"product.created", "product.updated", "product.deleted", "lot.created"}
ALL = CONFIRMED | {
    "customer.created",
    "customer.updated",
    "supplier.created",
    "supplier.updated",
    "customer_invoice.booked",
    "lot.updated",
    "customer.deleted",
    "supplier.deleted",
}
SETTINGS = {
    "streams": {"customers_to_tripletex": True, "products_to_tripletex": True},
    "invoice_mode": "invoice",
    "sync_interval_minutes": 15,
}


@pytest.fixture
def stack(start_local_stack: Callable[..., LocalStack]) -> Iterator[LiveStack]:
    live = start_live_stack(start_local_stack)
    with live.http:
        yield live


def activate(stack: LiveStack) -> Tenant:
    tenant = stack.onboarded_tenant()
    saved = stack.request(
        "PUT",
        f"/tenants/{tenant.tenant_id}/settings",
        token=tenant.management_token,
        json={**SETTINGS, "notification_email": tenant.contact_email},
    )
    assert saved.status_code == 200, saved.text
    return tenant


def subscriptions(stack: LiveStack, tenant: Tenant) -> list[dict[str, Any]]:
    return [w for w in stack.rackbeat.webhooks() if rackbeat.is_ours(w["url"], tenant.tenant_id)]


def url_secret(stack: LiveStack, tenant: Tenant) -> str:
    (secret,) = {parse_qs(urlsplit(w["url"]).query)["secret"][0] for w in subscriptions(stack, tenant)}
    return secret


def queued(stack: LiveStack) -> list[dict[str, Any]]:
    """Every message on SyncQueue, taken off it."""
    assert stack.local.aws is not None
    url = stack.local.aws.outputs["SyncQueueUrl"]
    sqs = boto3.client("sqs", endpoint_url=stack.local.moto.endpoint if stack.local.moto else None)
    seen = []
    while True:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        if not messages:
            return seen
        for message in messages:
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def forge(
    stack: LiveStack, tenant_id: str, *, secret: str | None = None, token: str | None = None
) -> httpx.Response:
    path = f"/webhooks/rackbeat/{tenant_id}" + (f"?secret={secret}" if secret is not None else "")
    headers = {"Rackbeat-Webhook-Event": "product.updated", "User-Agent": "Rackbeat Webhook"}
    if token is not None:
        headers["Rackbeat-Webhook-Token"] = token
    return stack.request("POST", path, headers=headers, json={"key_name": "number", "key": "P-1"})


@pytest.mark.parametrize("token_header", [True, False], ids=["token-header", "no-token-header"])
@pytest.mark.parametrize("catalogue", ["all", "confirmed"])
def test_webhooks_work_under_each_variant(
    stack: LiveStack, catalogue: str, token_header: bool, capfd: pytest.CaptureFixture[str]
) -> None:
    # "all": every event we want exists, lot.updated included (its own switch, lot_events).
    lots = "created_updated" if catalogue == "all" else "created_only"
    stack.rackbeat.set_options(
        {"webhook_events": catalogue, "webhook_token_header": token_header, "lot_events": lots}
    )
    a, b = activate(stack), activate(stack)
    wanted = ALL if catalogue == "all" else CONFIRMED

    # Registration kept what Rackbeat accepted, under one URL per tenant with its own secret.
    assert {w["event"] for w in subscriptions(stack, a)} == wanted
    assert len(subscriptions(stack, a)) == len(wanted)
    secret_a, secret_b = url_secret(stack, a), url_secret(stack, b)
    assert secret_a != secret_b

    # The tenant sees it.
    shown = stack.request("GET", f"/tenants/{a.tenant_id}/webhooks", token=a.management_token)
    assert shown.status_code == 200, shown.text
    status = shown.json()
    assert (status["registered"], status["wanted"]) == (len(wanted), len(ALL))
    assert status["scheduled_sync_every_minutes"] == 5
    by_event = {e["event"]: e for e in status["events"]}
    assert {e for e, row in by_event.items() if row["state"] == "registered"} == wanted
    for event in ALL - wanted:
        assert by_event[event]["state"] == "refused"
        assert by_event[event]["reason"]
    assert secret_a not in shown.text
    assert (
        stack.request("GET", f"/tenants/{a.tenant_id}/webhooks", token=b.management_token).status_code == 404
    )

    # Genuine deliveries: a person changes records in Rackbeat.
    assert queued(stack) == []
    capture = leaks.LogCapture().attach()
    try:
        user = RackbeatUser(stack.rackbeat, token=stack.seed["rackbeat"]["api_token"])
        user.create_customer(20001, "Varsel Kunde AS")
        user.create_product("WH-1", "Hylle", 450.0)
        delivered = stack.rackbeat.deliver_pending()
        log = list(stack.rackbeat.delivery_log())
        assert delivered == len(log) > 0
        assert {entry["status"] for entry in log} == {202}, log
        tasks = queued(stack)
        # Both tenants subscribe on the same Rackbeat account: each gets its own task.
        expected_entities = {"customer", "product"} if catalogue == "all" else {"product"}
        for tenant in (a, b):
            mine = [t for t in tasks if t["tenant_id"] == tenant.tenant_id]
            assert {(t["entity"], t["key"]) for t in mine} == {
                (entity, "20001" if entity == "customer" else "WH-1") for entity in expected_entities
            }
            assert {t["source"] for t in mine} == {"rackbeat"}

        # Forged deliveries: the same answer as an unknown tenant, nothing enqueued.
        unknown = forge(stack, uuid.uuid4().hex, secret=secret_a)
        assert unknown.status_code == 401
        token_a = next(w["token"] for w in subscriptions(stack, a) if w["event"] == "product.updated")
        attempts = {
            "a wrong secret": forge(stack, a.tenant_id, secret="x" * 43),
            "tenant B's secret": forge(stack, a.tenant_id, secret=secret_b),
            "neither header nor secret": forge(stack, a.tenant_id),
            "tenant A's token for tenant B": forge(stack, b.tenant_id, token=token_a),
        }
        refused = {who: (r.status_code, r.content) for who, r in attempts.items()}
        assert set(refused.values()) == {(401, unknown.content)}, refused
        assert queued(stack) == []
    finally:
        capture.detach()

    # Without the header the delivery is noted (no secret in the note) and counted.
    noted = [line for _, line in capture.lines if "rackbeat delivery without token header" in line]
    assert bool(noted) is not token_header
    assert ("RackbeatDeliveriesWithoutToken" in capfd.readouterr().out) is not token_header
    secrets = {secret_a, secret_b, *(w["token"] for w in stack.rackbeat.webhooks())}
    assert not leaks.scan(secrets, {"log": capture.lines})


def test_saving_again_rotates_the_secret_and_offboarding_removes_the_webhooks(stack: LiveStack) -> None:
    stack.rackbeat.set_options({"webhook_token_header": False})
    stack.rackbeat.set_options({"lot_events": "created_updated"})  # every event we want exists
    a = activate(stack)
    old_secret = url_secret(stack, a)
    assert forge(stack, a.tenant_id, secret=old_secret).status_code == 202

    saved = stack.request(
        "PUT",
        f"/tenants/{a.tenant_id}/settings",
        token=a.management_token,
        json={**SETTINGS, "notification_email": a.contact_email},
    )
    assert saved.status_code == 200, saved.text
    new_secret = url_secret(stack, a)  # one URL only: the old subscriptions are gone
    assert new_secret != old_secret
    assert len(subscriptions(stack, a)) == len(ALL)
    assert forge(stack, a.tenant_id, secret=old_secret).status_code == 401
    assert forge(stack, a.tenant_id, secret=new_secret).status_code == 202

    def delete() -> httpx.Response:
        return stack.request(
            "DELETE",
            f"/tenants/{a.tenant_id}",
            token=a.management_token,
            json={"confirm_company_name": a.company_name},
        )

    # (issue 13: the management token alone asks; the contact's emailed confirmation allows it)
    assert delete().status_code == 202
    confirm_step_up(stack.http, a.contact_email)
    deleted = delete()
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["webhooks_removed"] >= len(ALL)
    assert subscriptions(stack, a) == []
    assert forge(stack, a.tenant_id, secret=new_secret).status_code == 401
