"""webhooks.deliveries without the function around it: what each delivery comes to, and what
is (not) looked up or enqueued on the way. The HTTP answers are pinned by the delivery tests
that go through the local stack."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr

from rackbeat_tripletex.webhooks import tripletex
from rackbeat_tripletex.webhooks.deliveries import MAX_BODY, Deliveries, Outcome

TENANT = "0123456789abcdef" * 2
SECRET = "hmac-secret"


@dataclass
class Store:
    verified: str | None = "url_secret"
    asked: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)

    def verify_rackbeat(
        self, tenant_id: str, event: str | None, token: str | None, url_secret: str | None
    ) -> Any:
        self.asked.append((tenant_id, event, token, url_secret))
        return self.verified


@dataclass
class Secrets:
    value: str | None = SECRET
    broken: bool = False
    asked: list[str] = field(default_factory=list)

    def get(self, tenant_id: str) -> SecretStr | None:
        self.asked.append(tenant_id)
        if self.broken:
            raise RuntimeError("throttled")
        return SecretStr(self.value) if self.value else None


@dataclass
class Queue:
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send_message(self, *, QueueUrl: str, MessageBody: str) -> None:
        self.sent.append({"url": QueueUrl, **json.loads(MessageBody)})


@dataclass
class Notes:
    lines: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def info(self, msg: str, *, extra: Any) -> None:
        self.lines.append((msg, dict(extra)))


def deliveries(store: Store | None = None, secrets: Secrets | None = None) -> tuple[Deliveries, Queue, Notes]:
    queue, notes = Queue(), Notes()
    built = Deliveries(
        store=store or Store(),  # type: ignore[arg-type]
        secrets=secrets or Secrets(),  # type: ignore[arg-type]
        sqs=queue,
        queue_url="https://sqs.local/SyncQueue",
        log=notes,
    )
    return built, queue, notes


def test_a_rackbeat_delivery_for_a_product_is_enqueued() -> None:
    store = Store(verified="token")
    handled, queue, notes = deliveries(store)
    outcome = handled.rackbeat(
        TENANT,
        event="product.updated",
        token="tok",
        url_secret=None,
        body='{"key_name": "number", "key": "P-1"}',
    )
    assert outcome is Outcome.ACCEPTED
    assert store.asked == [(TENANT, "product.updated", "tok", None)]
    assert [(m["tenant_id"], m["entity"], m["key"], m["source"]) for m in queue.sent] == [
        (TENANT, "product", "P-1", "rackbeat")
    ]
    assert [line for line, _ in notes.lines] == ["webhook accepted"]


def test_a_tenant_id_that_cannot_exist_is_refused_without_a_lookup() -> None:
    store, secrets = Store(), Secrets()
    handled, queue, _ = deliveries(store, secrets)
    assert handled.rackbeat(
        "not-a-tenant", event="product.updated", token="t", url_secret="s", body="{}"
    ) is (Outcome.UNVERIFIED)
    assert handled.tripletex("../etc", idempotency_key="k", signature="s", body=b"{}") is Outcome.UNVERIFIED
    assert (store.asked, secrets.asked, queue.sent) == ([], [], [])


def test_a_rackbeat_delivery_is_verified_before_its_body_is_read() -> None:
    handled, queue, _ = deliveries(Store(verified=None))
    assert handled.rackbeat(
        TENANT, event="product.updated", token=None, url_secret="x", body="{not json"
    ) is (Outcome.UNVERIFIED)
    handled, queue, notes = deliveries(Store(verified="url_secret"))
    assert handled.rackbeat(
        TENANT, event="product.updated", token=None, url_secret="x", body="{not json"
    ) is (Outcome.NOT_JSON)
    too_large = "x" * (MAX_BODY + 1)
    assert handled.rackbeat(TENANT, event="product.updated", token=None, url_secret="x", body=too_large) is (
        Outcome.TOO_LARGE
    )
    assert handled.rackbeat(TENANT, event="order.shipped", token=None, url_secret="x", body='{"key": 1}') is (
        Outcome.IGNORED
    )
    assert queue.sent == []
    # Every one of them came without the token header, and each is noted (with no secret in it).
    assert [line for line, _ in notes.lines] == ["rackbeat delivery without token header"] * 3
    assert all("x" not in extra.values() for _, extra in notes.lines)


def _signed(body: bytes, key: str = "idem-1") -> dict[str, Any]:
    return {"idempotency_key": key, "signature": tripletex.signature(SECRET, key, body), "body": body}


def test_a_signed_tripletex_delivery_is_enqueued_and_an_unknown_event_ignored() -> None:
    handled, queue, _ = deliveries()
    assert handled.tripletex(TENANT, **_signed(b'{"event": "customer.update", "id": 42, "value": {}}')) is (
        Outcome.ACCEPTED
    )
    assert handled.tripletex(TENANT, **_signed(b'{"event": "order.create", "id": 7}')) is Outcome.IGNORED
    assert [(m["entity"], m["key"], m["source"], m["deleted"]) for m in queue.sent] == [
        ("customer", "42", "tripletex", False)
    ]


@pytest.mark.parametrize(
    "secrets", [Secrets(value=None), Secrets(broken=True)], ids=["no-subscription", "secret-unreadable"]
)
def test_a_tripletex_delivery_without_a_readable_secret_is_unverified(secrets: Secrets) -> None:
    handled, queue, _ = deliveries(secrets=secrets)
    assert (
        handled.tripletex(TENANT, **_signed(b'{"event": "customer.update", "id": 42}')) is Outcome.UNVERIFIED
    )
    assert secrets.asked == [TENANT]
    assert queue.sent == []


def test_a_tripletex_delivery_too_large_is_refused_before_its_secret_is_read() -> None:
    secrets = Secrets()
    handled, _, _ = deliveries(secrets=secrets)
    assert handled.tripletex(TENANT, **_signed(b"x" * (MAX_BODY + 1))) is Outcome.TOO_LARGE
    assert secrets.asked == []


def test_a_forged_tripletex_signature_is_unverified() -> None:
    handled, queue, _ = deliveries()
    body = b'{"event": "customer.update", "id": 42}'
    forged = {
        "idempotency_key": "idem-1",
        "signature": tripletex.signature("guess", "idem-1", body),
        "body": body,
    }
    assert handled.tripletex(TENANT, **forged) is Outcome.UNVERIFIED
    assert queue.sent == []
