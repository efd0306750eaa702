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

TENANT = "0123456789abcdef" * 2
SECRET = "hmac-secret"
COALESCE = 5
TURN = {
    "kind": "tenant",
    "tenant_id": TENANT,
    "trigger": "webhook",
    "full": False,
    "held": True,
    "holder": f"holder-{TENANT}",
}


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

    def send_message(
        self, *, QueueUrl: str, MessageBody: str, DelaySeconds: int, MessageGroupId: str
    ) -> None:
        if self.broken:
            raise RuntimeError("SQS unavailable")
        assert MessageGroupId == json.loads(MessageBody)["tenant_id"], "a fair queue per tenant"
        self.sent.append({"url": QueueUrl, "delay": DelaySeconds, **json.loads(MessageBody)})


@dataclass
class Markers:
    """DeliveryMarkers' replay decisions, scripted (tests/integration/webhooks/test_markers.py runs
    the real ones against DynamoDB): each key once."""

    keys: set[str] = field(default_factory=set)
    forgotten: list[str] = field(default_factory=list)

    def first_delivery(self, source: str, tenant_id: str, idempotency_key: str) -> str | None:
        marker = f"{source}#{tenant_id}#{idempotency_key}"
        if marker in self.keys:
            return None
        self.keys.add(marker)
        return marker

    def forget(self, marker_id: str) -> None:
        self.forgotten.append(marker_id)
        self.keys.discard(marker_id)


@dataclass
class Work:
    """TenantWork's decisions, scripted (tests/integration/sync/test_tenant_work.py runs the real
    ones against DynamoDB): work is added; the first to ask a free tenant holds it."""

    due: dict[str, set[str]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    abandoned: list[str] = field(default_factory=list)

    def request(self, tenant_id: str, due: set[str]) -> str | None:
        self.due.setdefault(tenant_id, set()).update(due)
        if tenant_id in self.held:
            return None
        self.held.add(tenant_id)
        return f"holder-{tenant_id}"

    def abandon(self, tenant_id: str, holder: str | None) -> None:
        assert holder == f"holder-{tenant_id}"
        self.abandoned.append(tenant_id)
        self.held.discard(tenant_id)


@dataclass
class Echoes:
    """EchoFilter's answers, scripted (tests/integration/webhooks/test_echo.py runs the real one)."""

    ours: set[tuple[str, str, int | None]] = field(default_factory=set)
    asked: list[tuple[str, str, int | None]] = field(default_factory=list)

    def is_echo(self, task: Any, version: int | None = None) -> bool:
        self.asked.append((task.source, task.key, version))
        return (task.source, task.key, version) in self.ours


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
    work: Work | None = None,
    echoes: Echoes | None = None,
) -> tuple[Deliveries, Queue, Notes]:
    queue, notes = queue or Queue(), Notes()
    built = Deliveries(
        store=store or Store(),  # type: ignore[arg-type]
        secrets=secrets or Secrets(),  # type: ignore[arg-type]
        sqs=queue,
        queue_url="https://sqs.local/SyncQueue",
        markers=markers or Markers(),  # type: ignore[arg-type]
        echoes=echoes or Echoes(),  # type: ignore[arg-type]
        work=work or Work(),  # type: ignore[arg-type]
        coalesce_seconds=COALESCE,
        streams=lambda _: streams,
        log=notes,
    )
    return built, queue, notes


def test_a_rackbeat_delivery_for_a_product_starts_the_tenants_turn() -> None:
    store, work = Store(verified="token"), Work()
    handled, queue, notes = deliveries(store, work=work)
    outcome = handled.rackbeat(
        TENANT,
        event="product.updated",
        token="tok",
        url_secret=None,
        body='{"key_name": "number", "key": "P-1"}',
    )
    assert outcome is Outcome.ACCEPTED
    assert store.asked == [(TENANT, "product.updated", "tok", None)]
    assert work.due == {TENANT: {"products_to_tripletex"}}
    # The tenant's turn, delayed by the coalescing window so a burst shares its read.
    assert queue.sent == [{"url": "https://sqs.local/SyncQueue", "delay": COALESCE, **TURN}]
    assert [line for line, _ in notes.lines] == ["webhook started the tenant's turn"]


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
    assert [(m["tenant_id"], m["held"]) for m in queue.sent] == [(TENANT, True)]


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
    body = b'{"event": "customer.update", "id": 42, "value": {}}'
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


def test_a_burst_of_deliveries_for_one_tenant_is_one_turn_that_runs_each_due_stream_once() -> None:
    work = Work()
    handled, queue, notes = deliveries(Store(verified="token"), work=work)
    outcomes = [
        handled.rackbeat(
            TENANT, event="product.updated", token="tok", url_secret=None, body=f'{{"key": "P-{n}"}}'
        )
        for n in range(50)
    ]
    outcomes.append(
        handled.rackbeat(TENANT, event="customer.updated", token="tok", url_secret=None, body='{"key": "7"}')
    )
    other = "f" * 32
    outcomes.append(
        handled.rackbeat(other, event="product.updated", token="tok", url_secret=None, body='{"key": "P-1"}')
    )
    # Every change is accepted (its stream is due), but a tenant has one task at a time.
    assert outcomes == [Outcome.ACCEPTED] * 52
    assert [m["tenant_id"] for m in queue.sent] == [TENANT, other]
    assert work.due == {
        TENANT: {"products_to_tripletex", "customers_to_tripletex"},
        other: {"products_to_tripletex"},
    }
    assert [line for line, _ in notes.lines].count("webhook joins the tenant's due work") == 50


def test_a_deletion_is_its_own_entity_task_never_stream_work() -> None:
    """A stream never sees a record that is gone: the deletion is queued as itself, to be
    mirrored as a deactivation (sync/deactivation.py), and marks no stream due."""
    work = Work()
    handled, queue, notes = deliveries(Store(verified="token"), work=work)
    delete = b'{"event": "customer.delete", "id": 42, "value": null}'
    assert handled.tripletex(TENANT, **_signed(delete, key="d-1")) is Outcome.ACCEPTED
    gone = '{"key": "P-1"}'
    assert (
        handled.rackbeat(TENANT, event="product.deleted", token="tok", url_secret=None, body=gone)
        is Outcome.ACCEPTED
    )
    assert [(m["kind"], m["source"], m["key"], m["deleted"], m["delay"]) for m in queue.sent] == [
        ("entity", "tripletex", "42", True, 0),
        ("entity", "rackbeat", "P-1", True, 0),
    ]
    assert work.due == {}
    assert [line for line, _ in notes.lines].count("webhook for a deletion enqueued") == 2
    # An update delivered without its value is a change: its stream is due, no entity task.
    blank = b'{"event": "customer.update", "id": 43, "value": null}'
    assert handled.tripletex(TENANT, **_signed(blank, key="d-2")) is Outcome.ACCEPTED
    assert work.due == {TENANT: {"customers_to_rackbeat"}}
    assert [m["kind"] for m in queue.sent] == ["entity", "entity", "tenant"]


def test_the_echo_of_our_own_write_is_dropped_before_it_becomes_work() -> None:
    work = Work()
    echoes = Echoes(ours={("tripletex", "42", 7), ("rackbeat", "P-1", None)})
    handled, queue, notes = deliveries(Store(verified="token"), work=work, echoes=echoes)
    ours = b'{"event": "product.update", "id": 42, "value": {"id": 42, "version": 7}}'
    newer = b'{"event": "product.update", "id": 42, "value": {"id": 42, "version": 8}}'
    assert handled.tripletex(TENANT, **_signed(ours, key="e-1")) is Outcome.DUPLICATE
    assert handled.rackbeat(
        TENANT, event="product.updated", token="tok", url_secret=None, body='{"key": "P-1"}'
    ) is (Outcome.DUPLICATE)
    assert (queue.sent, work.due) == ([], {})
    # The version the delivery carries is what is compared; a newer one is someone's change.
    assert handled.tripletex(TENANT, **_signed(newer, key="e-2")) is Outcome.ACCEPTED
    assert work.due == {TENANT: {"products_to_rackbeat"}}
    assert echoes.asked == [("tripletex", "42", 7), ("rackbeat", "P-1", None), ("tripletex", "42", 8)]
    assert [line for line, _ in notes.lines].count("webhook echo of our own write dropped") == 2


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
    work = Work()
    handled, queue, notes = deliveries(Store(verified="token"), streams=streams, work=work)
    if source == "rackbeat":
        outcome = handled.rackbeat(
            TENANT, event="customer.updated", token="tok", url_secret=None, body='{"key": "1001"}'
        )
    else:
        outcome = handled.tripletex(TENANT, **_signed(b'{"event": "customer.update", "id": 42, "value": {}}'))
    assert outcome is Outcome.DISABLED
    assert queue.sent == []
    assert work.due == {}, "a dropped delivery must not make work"
    assert "webhook for a stream not synced dropped" in [line for line, _ in notes.lines]


def test_a_delivery_whose_task_cannot_be_enqueued_leaves_no_marker_behind() -> None:
    markers, queue, work = Markers(), Queue(broken=True), Work()
    handled, _, _ = deliveries(markers=markers, queue=queue, work=work)
    delivery = _signed(b'{"event": "customer.update", "id": 42, "value": {}}', key="idem-9")
    with pytest.raises(RuntimeError):
        handled.tripletex(TENANT, **delivery)
    assert markers.keys == set()
    # The tenant is let go, so the retry (or the next delivery) starts its turn.
    assert work.abandoned == [TENANT]
    assert work.held == set()
    # Tripletex retries the same delivery: it is not taken for a replay.
    queue.broken = False
    assert handled.tripletex(TENANT, **delivery) is Outcome.ACCEPTED
    assert len(queue.sent) == 1


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
