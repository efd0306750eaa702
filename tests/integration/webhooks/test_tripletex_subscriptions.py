"""Tripletex event subscriptions against the Tripletex simulator and Secrets Manager on moto:
registration follows the Tripletex -> Rackbeat streams and is idempotent, and the simulator's
signed deliveries verify with the secret we stored (the check the webhooks function runs)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from pydantic import SecretStr
from werkzeug.wrappers import Request, Response

from local.aws import ProvisionedStack
from local.simulators.base import transport
from local.simulators.tripletex import TripletexSimulator, create_app
from rackbeat_tripletex.clients.http import ValidationFailed
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials, clear_session_cache
from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.tripletex import Customer, EventSubscription, Product
from rackbeat_tripletex.webhooks import tripletex
from rackbeat_tripletex.webhooks.secret import TripletexWebhookSecrets, secret_name

CONSUMER = "consumer-hooks-1b2c3d4e5f60718293"
EMPLOYEE = "employee-hooks-9f8e7d6c5b4a392817"
PUBLIC = "https://integration.example"
TENANT = "0123456789abcdef0123456789abcdef"
OTHER_TENANT = "fedcba9876543210fedcba9876543210"


class Subscriber:
    """Our end of the wire: keeps each delivery's raw bytes (the signature covers them)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.received.append(
                {"path": request.path, "headers": dict(request.headers), "raw": request.get_data()}
            )
            status = self.statuses.pop(0) if self.statuses else 202
        return Response("", status=status)(environ, start_response)


def seed(**options: Any) -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "company": {"id": 1, "name": "Fjord Lager AS"},
        "vatTypes": [{"id": 3, "number": "3", "name": "Utgående mva, høy sats", "percentage": 25.0}],
        "options": options,
    }


@pytest.fixture(autouse=True)
def every_log_record(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Our every log call really formats its record (and can be searched). botocore's own DEBUG
    wire dumps stay off, as they are in Lambda."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="rackbeat_tripletex")
    return caplog


@pytest.fixture
def subscriber() -> Subscriber:
    return Subscriber()


@pytest.fixture
def sim(subscriber: Subscriber) -> TripletexSimulator:
    return create_app(seed(), event_transport=httpx.WSGITransport(app=subscriber))


@pytest.fixture
def client(sim: TripletexSimulator) -> Iterator[TripletexClient]:
    clear_session_cache()
    credentials = TripletexCredentials(consumer_token=SecretStr(CONSUMER), employee_token=SecretStr(EMPLOYEE))
    with TripletexClient("http://tripletex.test/v2", credentials, transport=transport(sim)) as api:
        yield api
    clear_session_cache()


@pytest.fixture
def secrets(aws_stack: ProvisionedStack) -> TripletexWebhookSecrets:
    return TripletexWebhookSecrets(boto3.client("secretsmanager"), aws_stack.outputs["TenantSecretPrefix"])


def ours(sim: TripletexSimulator) -> list[dict[str, Any]]:
    return sorted(sim.dump_state()["subscriptions"], key=lambda s: s["event"])


def test_subscriptions_follow_the_streams_and_re_registering_changes_nothing(
    sim: TripletexSimulator, client: TripletexClient, secrets: TripletexWebhookSecrets
) -> None:
    # Someone else's subscription on the same company must survive everything we do.
    client.create_subscription(
        EventSubscription(event="customer.create", target_url="https://erp.example/hook")
    )
    streams = Streams(customers_to_rackbeat=True, products_to_rackbeat=True, customers_to_tripletex=True)
    first = tripletex.reconcile(client, TENANT, PUBLIC, streams, secrets.get_or_create(TENANT))
    assert (first.created, first.removed, first.active) == (6, 0, 6)
    mine = [s for s in ours(sim) if TENANT in s["targetUrl"]]
    assert [s["event"] for s in mine] == [
        "customer.create",
        "customer.delete",
        "customer.update",
        "product.create",
        "product.delete",
        "product.update",
    ]
    assert {s["targetUrl"] for s in mine} == {f"{PUBLIC}/webhooks/tripletex/{TENANT}"}
    assert {s["status"] for s in mine} == {"ACTIVE"}

    sim.clear_requests()
    again = tripletex.reconcile(client, TENANT, PUBLIC, streams, secrets.get_or_create(TENANT))
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert [e for e in sim.request_log if e["method"] != "GET" and "/event/" in e["path"]] == []

    # Products switched off, suppliers on: only the difference changes.
    changed = Streams(customers_to_rackbeat=True, suppliers_to_rackbeat=True)
    third = tripletex.reconcile(client, TENANT, PUBLIC, changed, secrets.get_or_create(TENANT))
    assert (third.created, third.removed) == (3, 3)
    assert sorted({s["event"].split(".")[0] for s in ours(sim) if TENANT in s["targetUrl"]}) == [
        "customer",
        "supplier",
    ]
    # All Tripletex -> Rackbeat streams off: none of ours left, the stranger's still there.
    tripletex.reconcile(client, TENANT, PUBLIC, Streams(customers_to_tripletex=True), None)
    assert [s["targetUrl"] for s in ours(sim)] == ["https://erp.example/hook"]


def test_a_duplicate_a_disabled_one_and_an_old_url_are_replaced(
    sim: TripletexSimulator, client: TripletexClient, secrets: TripletexWebhookSecrets
) -> None:
    secret = secrets.get_or_create(TENANT)
    streams = Streams(products_to_rackbeat=True)
    tripletex.reconcile(client, TENANT, PUBLIC, streams, secret)
    old_url = f"https://old.example/webhooks/tripletex/{TENANT}"
    client.create_subscription(EventSubscription(event="product.update", target_url=old_url))
    client.create_subscription(
        EventSubscription(event="product.create", target_url=f"{PUBLIC}/webhooks/tripletex/{TENANT}")
    )
    disabled = next(s for s in sim.records("subscriptions").values() if s["event"] == "product.delete")
    sim.change_stored("subscriptions", disabled["id"], {"status": "DISABLED_TOO_MANY_ERRORS"})
    # Another tenant on the same Tripletex company is not ours to touch.
    client.create_subscription(
        EventSubscription(event="product.create", target_url=f"{PUBLIC}/webhooks/tripletex/{OTHER_TENANT}")
    )

    changes = tripletex.reconcile(client, TENANT, PUBLIC, streams, secrets.get_or_create(TENANT))
    assert (changes.removed, changes.created) == (3, 1)
    mine = [s for s in ours(sim) if s["targetUrl"].endswith(TENANT)]
    assert sorted(s["event"] for s in mine) == ["product.create", "product.delete", "product.update"]
    assert {s["status"] for s in mine} == {"ACTIVE"}
    assert {s["targetUrl"] for s in mine} == {f"{PUBLIC}/webhooks/tripletex/{TENANT}"}
    assert any(s["targetUrl"].endswith(OTHER_TENANT) for s in ours(sim))


def test_the_secret_is_write_only_kept_across_saves_and_deleted_for_good(
    sim: TripletexSimulator,
    client: TripletexClient,
    secrets: TripletexWebhookSecrets,
    aws_stack: ProvisionedStack,
    every_log_record: pytest.LogCaptureFixture,
) -> None:
    first = secrets.get_or_create(TENANT)
    assert first.created
    second = secrets.get_or_create(TENANT)
    assert not second.created
    assert second.value.get_secret_value() == first.value.get_secret_value()
    assert len(first.value.get_secret_value()) >= 40
    assert first.value.get_secret_value() not in repr(first)

    tripletex.reconcile(client, TENANT, PUBLIC, Streams(customers_to_rackbeat=True), first)
    value = first.value.get_secret_value()
    answers = [str(e) for e in sim.request_log] + [str(sim.dump_state())]
    listed = client.list_subscriptions()
    assert all(s.hmac_shared_secret is None for s in listed)
    # Sent once per create (the request log records request bodies); never in any answer or state.
    assert value not in str(sim.dump_state())
    assert sum(value in a for a in answers) == 3
    assert "tripletex subscriptions reconciled" in every_log_record.text
    assert value not in every_log_record.text

    assert secrets.delete(TENANT) is True
    assert secrets.get(TENANT) is None
    secrets.delete(TENANT)  # a second offboarding attempt does not fail
    names = [s["Name"] for s in boto3.client("secretsmanager").list_secrets()["SecretList"]]
    assert secret_name(aws_stack.outputs["TenantSecretPrefix"], TENANT) not in names


def test_a_new_secret_is_given_to_the_subscriptions_kept(
    sim: TripletexSimulator, client: TripletexClient, secrets: TripletexWebhookSecrets, subscriber: Subscriber
) -> None:
    streams = Streams(customers_to_rackbeat=True)
    tripletex.reconcile(client, TENANT, PUBLIC, streams, secrets.get_or_create(TENANT))
    secrets.delete(TENANT)  # lost, e.g. deleted by hand: the next save makes a new one
    fresh = secrets.get_or_create(TENANT)
    changes = tripletex.reconcile(client, TENANT, PUBLIC, streams, fresh)
    assert (changes.created, changes.updated, changes.removed) == (0, 3, 0)

    client.create_customer(Customer(name="Signert AS", is_private_individual=True))
    assert sim.deliver_pending() == 1
    (delivery,) = subscriber.received
    headers = {k.lower(): v for k, v in delivery["headers"].items()}
    assert tripletex.verify(
        fresh.value.get_secret_value(),
        headers["idempotency-key"],
        delivery["raw"],
        headers["x-request-signature"],
    )


def test_deliveries_are_signed_carry_the_payload_and_are_retried(
    sim: TripletexSimulator, client: TripletexClient, secrets: TripletexWebhookSecrets, subscriber: Subscriber
) -> None:
    secret = secrets.get_or_create(TENANT)
    tripletex.reconcile(
        client, TENANT, PUBLIC, Streams(customers_to_rackbeat=True, products_to_rackbeat=True), secret
    )
    created = client.create_customer(Customer(name="Levert AS", is_private_individual=True))
    assert sim.deliver_pending() == 1
    assert sim.deliver_pending() == 0

    (delivery,) = subscriber.received
    assert delivery["path"] == f"/webhooks/tripletex/{TENANT}"
    headers = {k.lower(): v for k, v in delivery["headers"].items()}
    stored = secrets.get(TENANT)
    assert stored is not None
    assert tripletex.verify(
        stored.get_secret_value(), headers["idempotency-key"], delivery["raw"], headers["x-request-signature"]
    )
    assert not tripletex.verify(
        stored.get_secret_value(),
        headers["idempotency-key"],
        delivery["raw"] + b" ",
        headers["x-request-signature"],
    )
    task = tripletex.task_for(TENANT, delivery["raw"])
    assert task is not None
    assert (task.source, task.entity, task.key, task.event, task.deleted) == (
        "tripletex",
        "customer",
        str(created.id),
        "customer.create",
        False,
    )

    # A failed delivery comes again after the first retry step, with the same idempotency key.
    subscriber.statuses = [500]
    customer = client.get_customer(created.id or 0)
    client.update_customer(customer.model_copy(update={"name": "Levert Endret AS"}))
    assert sim.deliver_pending() == 1
    assert sim.deliver_pending() == 0  # not due yet
    sim.set_clock(offset_seconds=61)
    assert sim.deliver_pending() == 1
    first, retry = subscriber.received[1:]
    assert first["headers"]["Idempotency-Key"] == retry["headers"]["Idempotency-Key"]
    assert [e["status"] for e in sim.event_delivery_log] == [202, 500, 202]
    assert sim.pending_deliveries() == []

    # Deleting sends the id with a null value; the task says deleted.
    sim.set_clock(offset_seconds=0)
    assert client._call("DELETE", f"/customer/{created.id}").status_code == 204
    sim.deliver_pending()
    task = tripletex.task_for(TENANT, subscriber.received[-1]["raw"])
    assert task is not None
    assert (task.deleted, task.event) == (True, "customer.delete")


def test_no_events_for_streams_switched_off_and_none_after_unsubscribing(
    sim: TripletexSimulator, client: TripletexClient, secrets: TripletexWebhookSecrets, subscriber: Subscriber
) -> None:
    tripletex.reconcile(
        client, TENANT, PUBLIC, Streams(products_to_rackbeat=True), secrets.get_or_create(TENANT)
    )
    client.create_customer(Customer(name="Ingen Hendelse AS", is_private_individual=True))
    assert sim.deliver_pending() == 0
    client.create_product(Product(name="Hammer", number="H-1"))
    tripletex.reconcile(client, TENANT, PUBLIC, Streams(), None)
    # Deliveries still queued for a removed subscription are dropped with it.
    assert sim.deliver_pending() == 0
    assert subscriber.received == []


def test_http_targets_are_refused_unless_the_local_relaxation_is_on(subscriber: Subscriber) -> None:
    clear_session_cache()
    credentials = TripletexCredentials(consumer_token=SecretStr(CONSUMER), employee_token=SecretStr(EMPLOYEE))
    strict = create_app(seed())
    local = create_app(seed(allow_http_targets=True))
    subscription = EventSubscription(
        event="customer.update", target_url=f"http://127.0.0.1:9/webhooks/tripletex/{TENANT}"
    )
    with TripletexClient("http://tripletex.test/v2", credentials, transport=transport(strict)) as api:
        with pytest.raises(ValidationFailed) as refused:
            api.create_subscription(subscription)
        assert "https" in str(refused.value)
    clear_session_cache()
    with TripletexClient("http://tripletex.test/v2", credentials, transport=transport(local)) as api:
        assert api.create_subscription(subscription).id is not None
    clear_session_cache()
    with pytest.raises(ValueError, match="unknown tripletex simulator options"):
        create_app(seed(allow_http=True))
