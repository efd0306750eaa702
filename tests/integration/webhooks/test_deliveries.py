"""webhooks.deliveries without the function around it: what each delivery comes to, and what
is (not) looked up or enqueued on the way. The HTTP answers are pinned by the delivery tests
that go through the local stack."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr

from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.webhooks import tripletex
from rackbeat_tripletex.webhooks.deliveries import MAX_BODY, Deliveries, Outcome
from rackbeat_tripletex.webhooks.markers import Slot

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
    broken: bool = False

    def send_message(self, *, QueueUrl: str, MessageBody: str, DelaySeconds: int) -> None:
        if self.broken:
            raise RuntimeError("SQS unavailable")
        self.sent.append({"url": QueueUrl, "delay": DelaySeconds, **json.loads(MessageBody)})


@dataclass
class Markers:
    """DeliveryMarkers' decisions, scripted (tests/integration/webhooks/test_markers.py runs the
    real ones against DynamoDB): each key once; per record a leading task, then a trailing one
    delayed 10 s, then nothing."""

    keys: set[str] = field(default_factory=set)
    slots: dict[str, int] = field(default_factory=dict)
    forgotten: list[str] = field(default_factory=list)

    def first_delivery(self, source: str, tenant_id: str, idempotency_key: str) -> str | None:
        marker = f"{source}#{tenant_id}#{idempotency_key}"
        if marker in self.keys:
            return None
        self.keys.add(marker)
        return marker

    def slot(self, tenant_id: str, source: str, entity: str, key: str) -> Slot | None:
        marker = f"{tenant_id}#{source}#{entity}#{key}"
        taken = self.slots.get(marker, 0)
        self.slots[marker] = taken + 1
        return [Slot(marker, 0), Slot(marker, 10)][taken] if taken < 2 else None

    def forget(self, marker_id: str) -> None:
        self.forgotten.append(marker_id)
        self.keys.discard(marker_id)
        self.slots.pop(marker_id, None)


ALL_STREAMS = Streams(**{name: True for name in Streams.model_fields})


@dataclass
class Notes:
    lines: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def info(self, msg: str, *, extra: Any) -> None:
        self.lines.append((msg, dict(extra)))


def deliveries(
    store: Store | None = None,
    secrets: Secrets | None = None,
    *,
    streams: Streams | None = ALL_STREAMS,
    markers: Markers | None = None,
    queue: Queue | None = None,
) -> tuple[Deliveries, Queue, Notes]:
    queue, notes = queue or Queue(), Notes()
    built = Deliveries(
        store=store or Store(),  # type: ignore[arg-type]
        secrets=secrets or Secrets(),  # type: ignore[arg-type]
        sqs=queue,
        queue_url="https://sqs.local/SyncQueue",
        markers=markers or Markers(),  # type: ignore[arg-type]
        streams=lambda _: streams,
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
    assert [(m["tenant_id"], m["entity"], m["key"], m["source"], m["delay"]) for m in queue.sent] == [
        (TENANT, "product", "P-1", "rackbeat", 0)
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
    assert handled.tripletex(TENANT, **_signed(b'{"event": "order.create", "id": 7}', key="idem-2")) is (
        Outcome.IGNORED
    )
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


def test_a_forged_tripletex_signature_is_unverified_and_uses_up_no_idempotency_key() -> None:
    markers = Markers()
    handled, queue, _ = deliveries(markers=markers)
    body = b'{"event": "customer.update", "id": 42}'
    forged = {
        "idempotency_key": "idem-1",
        "signature": tripletex.signature("guess", "idem-1", body),
        "body": body,
    }
    assert handled.tripletex(TENANT, **forged) is Outcome.UNVERIFIED
    assert queue.sent == []
    assert markers.keys == set()
    # The genuine delivery with that key, after the forgery, is still accepted.
    assert handled.tripletex(TENANT, **_signed(body, key="idem-1")) is Outcome.ACCEPTED
    assert len(queue.sent) == 1


def test_a_replayed_tripletex_delivery_is_dropped_before_the_queue() -> None:
    handled, queue, notes = deliveries()
    delivery = _signed(b'{"event": "customer.update", "id": 42, "value": {}}', key="idem-replayed")
    outcomes = [handled.tripletex(TENANT, **delivery) for _ in range(20)]
    assert outcomes == [Outcome.ACCEPTED] + [Outcome.DUPLICATE] * 19
    assert len(queue.sent) == 1
    assert [line for line, _ in notes.lines].count("webhook replay dropped") == 19


def test_deliveries_for_one_record_are_coalesced_into_a_leading_and_a_trailing_task() -> None:
    handled, queue, notes = deliveries(Store(verified="token"))
    body = '{"key_name": "number", "key": "P-1"}'
    outcomes = [
        handled.rackbeat(TENANT, event="product.updated", token="tok", url_secret=None, body=body)
        for _ in range(5)
    ]
    other = handled.rackbeat(
        TENANT, event="product.updated", token="tok", url_secret=None, body='{"key": "P-2"}'
    )
    assert outcomes == [Outcome.ACCEPTED, Outcome.ACCEPTED] + [Outcome.DUPLICATE] * 3
    assert other is Outcome.ACCEPTED
    assert [(m["key"], m["delay"]) for m in queue.sent] == [("P-1", 0), ("P-1", 10), ("P-2", 0)]
    assert [line for line, _ in notes.lines].count("webhook coalesced") == 3


def test_a_deletion_is_not_coalesced_into_an_updates_tasks() -> None:
    handled, queue, _ = deliveries()
    update = b'{"event": "customer.update", "id": 42, "value": {}}'
    delete = b'{"event": "customer.delete", "id": 42, "value": null}'
    outcomes = [handled.tripletex(TENANT, **_signed(update, key=f"u-{n}")) for n in range(3)]
    assert outcomes == [Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.DUPLICATE]
    assert handled.tripletex(TENANT, **_signed(delete, key="d-1")) is Outcome.ACCEPTED
    assert [(m["key"], m["deleted"], m["delay"]) for m in queue.sent] == [
        ("42", False, 0),
        ("42", False, 10),
        ("42", True, 0),
    ]


@pytest.mark.parametrize(
    ("streams", "source"),
    [
        (Streams(customers_to_rackbeat=True), "rackbeat"),  # Rackbeat customers do not go to Tripletex
        (Streams(customers_to_tripletex=True), "tripletex"),  # nor Tripletex customers to Rackbeat
        (None, "rackbeat"),  # settings not saved yet: no stream runs
        (None, "tripletex"),
    ],
)
def test_a_delivery_for_a_stream_the_tenant_does_not_sync_is_dropped_before_the_queue(
    streams: Streams | None, source: str
) -> None:
    markers = Markers()
    handled, queue, notes = deliveries(Store(verified="token"), streams=streams, markers=markers)
    if source == "rackbeat":
        outcome = handled.rackbeat(
            TENANT, event="customer.updated", token="tok", url_secret=None, body='{"key": "1001"}'
        )
    else:
        outcome = handled.tripletex(TENANT, **_signed(b'{"event": "customer.update", "id": 42, "value": {}}'))
    assert outcome is Outcome.DISABLED
    assert queue.sent == []
    assert markers.slots == {}, "a dropped delivery must not open a coalescing window"
    assert "webhook for a stream not synced dropped" in [line for line, _ in notes.lines]


def test_a_delivery_whose_task_cannot_be_enqueued_leaves_no_marker_behind() -> None:
    markers, queue = Markers(), Queue(broken=True)
    handled, _, _ = deliveries(markers=markers, queue=queue)
    delivery = _signed(b'{"event": "customer.update", "id": 42, "value": {}}', key="idem-9")
    with pytest.raises(RuntimeError):
        handled.tripletex(TENANT, **delivery)
    assert markers.keys == set()
    assert markers.slots == {}
    # Tripletex retries the same delivery: it is not taken for a replay.
    queue.broken = False
    assert handled.tripletex(TENANT, **delivery) is Outcome.ACCEPTED


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, '{"key": ' + "9" * 5000 + "}", '{"key": 1e999}'],
    ids=["deep", "huge-int", "infinite"],
)
def test_a_rackbeat_body_that_would_crash_a_parser_is_not_json(body: str) -> None:
    handled, queue, _ = deliveries(Store(verified="token"))
    assert (
        handled.rackbeat(TENANT, event="product.updated", token="tok", url_secret=None, body=body)
        is Outcome.NOT_JSON
    )
    assert tripletex.task_for(TENANT, body.encode()) is None
    assert queue.sent == []
