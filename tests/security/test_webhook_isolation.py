"""Tenant isolation of the webhook routes: a delivery addressed to tenant B but carrying tenant A's
Rackbeat webhook token or URL secret, or signed with tenant A's Tripletex secret, is refused with the same 401
an unknown tenant gets, and nothing reaches SyncQueue.

Both tenants are really onboarded through the API, so the tokens and secrets are the ones our own
registration stored (Rackbeat issues a token per subscription; the Tripletex signing secret is in
Secrets Manager). A genuine delivery for A is accepted at the end: the refusals mean something
only if the same request works for its own tenant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx

from tests.support.live_stack import LiveStack, Tenant, template_api_routes

WEBHOOK_ROUTES = {("POST", "/webhooks/rackbeat/{tenant_id}"), ("POST", "/webhooks/tripletex/{tenant_id}")}
SETTINGS = {
    # One stream each way, so both systems get subscriptions for the tenant.
    "streams": {"customers_to_tripletex": True, "customers_to_rackbeat": True},
    "invoice_mode": "order",
    "sync_interval_minutes": 30,
}
RACKBEAT_EVENT = "customer.updated"
TRIPLETEX_BODY = json.dumps(
    {"subscriptionId": 1, "event": "customer.update", "id": 1, "value": None}
).encode()


def _activate(stack: LiveStack, tenant: Tenant) -> None:
    answer = stack.request(
        "PUT",
        f"/tenants/{tenant.tenant_id}/settings",
        token=tenant.management_token,
        json={**SETTINGS, "notification_email": tenant.contact_email},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "active"


def _rackbeat_token(stack: LiveStack, tenant: Tenant) -> str:
    tokens = [
        str(webhook["token"])
        for webhook in stack.rackbeat.webhooks()
        if tenant.tenant_id in str(webhook["url"]) and webhook["event"] == RACKBEAT_EVENT
    ]
    assert len(tokens) == 1, f"expected one {RACKBEAT_EVENT} webhook for the tenant, found {len(tokens)}"
    return tokens[0]


def _webhooks_env(stack: LiveStack, name: str) -> str:
    assert stack.local.runner is not None
    return str(stack.local.runner.function("WebhooksFunction").environment.values[name])


def _aws(stack: LiveStack, service: str) -> Any:
    return boto3.client(service, endpoint_url=stack.local.moto.endpoint if stack.local.moto else None)


def _tripletex_secret(stack: LiveStack, tenant: Tenant) -> str:
    prefix = _webhooks_env(stack, "TENANT_SECRET_PREFIX")
    stored = _aws(stack, "secretsmanager").get_secret_value(
        SecretId=f"{prefix}{tenant.tenant_id}/tripletex-webhook"
    )
    secret: str = json.loads(stored["SecretString"])["hmac_shared_secret"]
    return secret


def _sign(secret: str, key: str, body: bytes) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), key.encode() + b"&" + body, hashlib.sha512).digest()
    ).decode()


def _queued(stack: LiveStack) -> list[dict[str, Any]]:
    """Every message on SyncQueue, left there (visibility 0) for the next look."""
    url = _webhooks_env(stack, "SYNC_QUEUE_URL")
    sqs = _aws(stack, "sqs")
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(5):
        answer = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0
        )
        for message in answer.get("Messages", []):
            seen[message["MessageId"]] = json.loads(message["Body"])
    return list(seen.values())


def _delayed(stack: LiveStack) -> int:
    attributes = _aws(stack, "sqs").get_queue_attributes(
        QueueUrl=_webhooks_env(stack, "SYNC_QUEUE_URL"), AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesDelayed"])


def _rackbeat_url_secret(stack: LiveStack, tenant: Tenant) -> str:
    """The secret our registration put in the tenant's delivery URL (``?secret=``)."""
    (secret,) = {
        parse_qs(urlsplit(str(webhook["url"])).query)["secret"][0]
        for webhook in stack.rackbeat.webhooks()
        if tenant.tenant_id in str(webhook["url"])
    }
    return secret


def _rackbeat_delivery(
    stack: LiveStack, tenant_id: str, token: str | None, url_secret: str | None = None
) -> httpx.Response:
    headers = {"Rackbeat-Webhook-Event": RACKBEAT_EVENT}
    if token is not None:
        headers["Rackbeat-Webhook-Token"] = token
    query = f"?secret={url_secret}" if url_secret is not None else ""
    return stack.request(
        "POST", f"/webhooks/rackbeat/{tenant_id}{query}", headers=headers, json={"key": "10001"}
    )


def _tripletex_delivery(stack: LiveStack, tenant_id: str, secret: str | None) -> httpx.Response:
    key = str(uuid.uuid4())
    headers = {"Content-Type": "application/json", "idempotency-key": key}
    if secret is not None:
        headers["x-request-signature"] = _sign(secret, key, TRIPLETEX_BODY)
    return stack.request("POST", f"/webhooks/tripletex/{tenant_id}", headers=headers, content=TRIPLETEX_BODY)


def test_a_delivery_for_tenant_b_with_tenant_as_secrets_is_refused_and_enqueues_nothing(
    live_stack: LiveStack,
) -> None:
    assert template_api_routes() >= WEBHOOK_ROUTES, "a webhook route moved: update this matrix"
    tenant_a, tenant_b = live_stack.onboarded_tenant(), live_stack.onboarded_tenant()
    _activate(live_stack, tenant_a)
    _activate(live_stack, tenant_b)
    a_token, a_secret = _rackbeat_token(live_stack, tenant_a), _tripletex_secret(live_stack, tenant_a)
    a_url_secret = _rackbeat_url_secret(live_stack, tenant_a)
    assert a_url_secret != _rackbeat_url_secret(live_stack, tenant_b)
    assert a_token != _rackbeat_token(live_stack, tenant_b)
    assert a_secret != _tripletex_secret(live_stack, tenant_b)
    assert _queued(live_stack) == [], "SyncQueue must start empty for the count to mean anything"

    missing = uuid.uuid4().hex
    unknown_rackbeat = _rackbeat_delivery(live_stack, missing, a_token)
    unknown_tripletex = _tripletex_delivery(live_stack, missing, a_secret)
    attempts = {
        "Rackbeat, tenant A's token": (
            _rackbeat_delivery(live_stack, tenant_b.tenant_id, a_token),
            unknown_rackbeat,
        ),
        "Rackbeat, no token": (_rackbeat_delivery(live_stack, tenant_b.tenant_id, None), unknown_rackbeat),
        "Rackbeat, tenant A's URL secret": (
            _rackbeat_delivery(live_stack, tenant_b.tenant_id, None, a_url_secret),
            unknown_rackbeat,
        ),
        "Rackbeat, tenant A's token and URL secret": (
            _rackbeat_delivery(live_stack, tenant_b.tenant_id, a_token, a_url_secret),
            unknown_rackbeat,
        ),
        "Rackbeat, a garbage token": (
            _rackbeat_delivery(live_stack, tenant_b.tenant_id, uuid.uuid4().hex),
            unknown_rackbeat,
        ),
        "Tripletex, signed with tenant A's secret": (
            _tripletex_delivery(live_stack, tenant_b.tenant_id, a_secret),
            unknown_tripletex,
        ),
        "Tripletex, unsigned": (_tripletex_delivery(live_stack, tenant_b.tenant_id, None), unknown_tripletex),
    }
    failures = [
        f"{who} -> {answer.status_code} {answer.text[:200]!r} (an unknown tenant gets "
        f"{unknown.status_code} {unknown.text[:200]!r})"
        for who, (answer, unknown) in attempts.items()
        if answer.status_code != 401 or answer.content != unknown.content
    ]
    assert unknown_rackbeat.status_code == unknown_tripletex.status_code == 401
    assert not failures, "\n".join(failures)
    assert _queued(live_stack) == [], "a refused delivery reached SyncQueue"

    # The same deliveries for their own tenant are accepted: the refusals above were about the tenant.
    assert _rackbeat_delivery(live_stack, tenant_a.tenant_id, a_token).status_code == 202
    assert _rackbeat_delivery(live_stack, tenant_a.tenant_id, None, a_url_secret).status_code == 202
    assert _tripletex_delivery(live_stack, tenant_a.tenant_id, a_secret).status_code == 202
    queued = _queued(live_stack)
    # The three deliveries are tenant A's changes: one turn of tenant A carries them all.
    assert [(task["kind"], task["tenant_id"]) for task in queued] == [("tenant", tenant_a.tenant_id)]
    assert _delayed(live_stack) == 0
