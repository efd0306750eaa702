"""Rackbeat webhook registration against the Rackbeat simulator (in-process) and the state table on
moto: event by event, under both plausible event catalogues (``webhook_events`` "all": every event
we want exists; "confirmed": only the events a source confirms, others 422), recorded per event,
with a fresh URL secret each time, and what the status route shows."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from pydantic import SecretStr

from local.aws import ProvisionedStack
from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from rackbeat_tripletex.clients.http import AuthError, RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.webhooks import rackbeat
from rackbeat_tripletex.webhooks.registration import REFUSED_METRIC, report_registration
from rackbeat_tripletex.webhooks.status import schedule_minutes, webhook_status
from rackbeat_tripletex.webhooks.store import WebhookStore
from tests.support.seeds import RACKBEAT_TOKEN, rackbeat_seed

PUBLIC = "https://integration.example/dev"
TENANT = "0123456789abcdef0123456789abcdef"
OTHER_TENANT = "fedcba9876543210fedcba9876543210"
NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
CONFIRMED = ["product.created", "product.updated", "product.deleted", "lot.created"]
UNCONFIRMED = [
    "customer.created",
    "customer.updated",
    "supplier.created",
    "supplier.updated",
    "customer_invoice.booked",
    "lot.updated",
    "customer.deleted",
    "supplier.deleted",
]
WANTED = len(CONFIRMED) + len(UNCONFIRMED)


def simulator(events: str = "all") -> RackbeatSimulator:
    # "all": every event we want exists, lot.updated included (its own switch, lot_events).
    lots = "created_updated" if events == "all" else "created_only"
    return create_app({**rackbeat_seed(), "options": {"webhook_events": events, "lot_events": lots}})


@pytest.fixture
def store(aws_stack: ProvisionedStack) -> WebhookStore:
    return WebhookStore(boto3.resource("dynamodb").Table(aws_stack.outputs["StateTableName"]))


@pytest.fixture
def sim() -> RackbeatSimulator:
    return simulator()


def client_for(sim: RackbeatSimulator, token: str = RACKBEAT_TOKEN) -> RackbeatClient:
    return RackbeatClient(
        "http://rackbeat.test/api",
        SecretStr(token),
        transport=transport(sim),
        sleep=lambda _: None,
        retry=RetryPolicy(base_delay=0.0),
    )


@pytest.fixture
def client(sim: RackbeatSimulator) -> Iterator[RackbeatClient]:
    with client_for(sim) as api:
        yield api


def register(
    client: RackbeatClient, store: WebhookStore, tenant: str = TENANT, secret: str = "s" * 43
) -> Any:
    return rackbeat.register(client, store, tenant, PUBLIC, now=NOW, make_secret=lambda: secret)


def webhook_posts(sim: RackbeatSimulator) -> list[str]:
    return [
        e["body"]["event"]
        for e in sim.request_log
        if e["method"] == "POST" and e["path"].endswith("/webhooks")
    ]


def test_the_event_list_puts_confirmed_events_first_and_grades_every_one() -> None:
    names = [w.name for w in rackbeat.EVENTS]
    assert names[: len(CONFIRMED)] == CONFIRMED
    assert sorted(names[len(CONFIRMED) :]) == sorted(UNCONFIRMED)
    assert [w.confirmed for w in rackbeat.EVENTS] == [True] * len(CONFIRMED) + [False] * len(UNCONFIRMED)
    assert all(w.source for w in rackbeat.EVENTS)


@pytest.mark.parametrize("catalogue", ["all", "confirmed"])
def test_each_event_is_registered_on_its_own_and_recorded(catalogue: str, store: WebhookStore) -> None:
    sim = simulator(catalogue)
    with client_for(sim) as client:
        outcome = register(client, store)
    # Confirmed first; a refusal never stops the next event.
    assert webhook_posts(sim) == CONFIRMED + UNCONFIRMED
    expected = CONFIRMED + (UNCONFIRMED if catalogue == "all" else [])
    assert outcome.registered == expected
    assert sorted(w["event"] for w in sim.webhooks()) == sorted(expected)
    url = rackbeat.delivery_url(PUBLIC, TENANT, "s" * 43)
    assert {w["url"] for w in sim.webhooks()} == {url}

    rows = {row.event: row for row in store.event_rows(TENANT)}
    assert set(rows) == set(CONFIRMED + UNCONFIRMED)
    for event in expected:
        assert rows[event].state == "registered"
        assert rows[event].webhook_id is not None
    for event in set(UNCONFIRMED) - set(expected):
        assert rows[event].state == "refused"
        assert rows[event].reason
        assert "422" in rows[event].reason
        assert "event" in rows[event].reason
        assert rows[event].webhook_id is None
    assert rows["customer.created"].evidence == "NONE"
    assert rows["product.created"].evidence == "PRAC"

    # A token only for what Rackbeat created; the URL secret verifies deliveries of every event.
    token = next(w["token"] for w in sim.webhooks() if w["event"] == "product.updated")
    assert store.verify_rackbeat(TENANT, "product.updated", token) == "token"
    assert store.verify_rackbeat(TENANT, "customer.updated", token) is None
    assert store.verify_rackbeat(TENANT, "customer.updated", None, "s" * 43) == "url_secret"
    assert store.verify_rackbeat(OTHER_TENANT, "product.updated", token, "s" * 43) is None


@pytest.mark.parametrize("catalogue", ["all", "confirmed"])
def test_the_status_shows_each_event_and_the_schedule_that_covers_it(
    catalogue: str, store: WebhookStore
) -> None:
    before = webhook_status(store, TENANT, "rate(5 minutes)")
    assert before.registered == 0
    assert {e.state for e in before.events} == {"not_registered"}
    with client_for(simulator(catalogue)) as client:
        register(client, store)
    status = webhook_status(store, TENANT, "rate(5 minutes)")
    assert status.wanted == WANTED
    assert status.scheduled_sync_every_minutes == 5
    assert status.registered_at == NOW.isoformat()
    states = {e.event: e.state for e in status.events}
    if catalogue == "all":
        assert set(states.values()) == {"registered"}
        assert status.registered == WANTED
        assert status.message.startswith(f"All {WANTED} Rackbeat webhooks are registered")
    else:
        assert status.registered == len(CONFIRMED)
        assert {e for e, s in states.items() if s == "registered"} == set(CONFIRMED)
        assert all(e.reason for e in status.events if e.state == "refused")
        assert f"{len(CONFIRMED)} of {WANTED}" in status.message
        assert "customers, invoices, lots, suppliers" in status.message
        assert "every 5 minutes" in status.message
    assert "s" * 43 not in status.model_dump_json()


@pytest.mark.parametrize("status", ["503", "429"])
def test_a_transient_error_retries_that_event_and_an_auth_error_stops(
    status: str, sim: RackbeatSimulator, client: RackbeatClient, store: WebhookStore
) -> None:
    # The first unconfirmed POST (customer.created) is answered busy once; the client retries it.
    confirmed_ok = ["ok"] * len(CONFIRMED)
    sim.set_faults({"only_paths": "/webhooks$", "sequence": [*confirmed_ok, status]})
    assert len(register(client, store).registered) == WANTED
    assert webhook_posts(sim).count("customer.created") == 2

    # Still failing after the client's retries: that event is "failed", the others go on.
    sim.set_faults({"only_paths": "/webhooks$", "sequence": [*confirmed_ok, *[status] * 6]})
    outcome = register(client, store, secret="t" * 43)
    assert [(o.event.name, o.state) for o in outcome.missing] == [("customer.created", "failed")]
    assert len(outcome.registered) == WANTED - 1

    sim.set_faults({})
    with client_for(sim, token="revoked-token-value") as revoked, pytest.raises(AuthError):
        register(revoked, store, secret="u" * 43)


def test_registering_again_rotates_the_secret_and_removes_the_old_subscriptions(
    sim: RackbeatSimulator, client: RackbeatClient, store: WebhookStore
) -> None:
    # Someone else's webhook, and another tenant's, on the same Rackbeat account stay.
    client.register_webhook("product.created", "https://shop.example/hook")
    client.register_webhook("product.created", rackbeat.delivery_url(PUBLIC, OTHER_TENANT, "o" * 43))
    # A subscription from before URL secrets existed: ours by its route.
    client.register_webhook("product.updated", rackbeat.webhook_url(PUBLIC, TENANT))
    first = register(client, store, secret="a" * 43)
    old_token = next(
        w["token"] for w in sim.webhooks() if w["event"] == "product.created" and TENANT in w["url"]
    )
    second = register(client, store, secret="b" * 43)
    assert first.registered == second.registered
    ours = [w for w in sim.webhooks() if rackbeat.is_ours(w["url"], TENANT)]
    assert len(ours) == WANTED
    assert {w["url"] for w in ours} == {rackbeat.delivery_url(PUBLIC, TENANT, "b" * 43)}
    assert {w["url"] for w in sim.webhooks() if not rackbeat.is_ours(w["url"], TENANT)} == {
        "https://shop.example/hook",
        rackbeat.delivery_url(PUBLIC, OTHER_TENANT, "o" * 43),
    }
    # The previous registration's secret and tokens no longer verify; the new ones do.
    assert store.verify_rackbeat(TENANT, "product.created", None, "a" * 43) is None
    assert store.verify_rackbeat(TENANT, "product.created", old_token) is None
    assert store.verify_rackbeat(TENANT, "product.created", None, "b" * 43) == "url_secret"


def test_the_secret_is_stored_only_as_a_hash_and_never_logged(
    sim: RackbeatSimulator, client: RackbeatClient, store: WebhookStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="rackbeat_tripletex")
    secret = rackbeat.new_url_secret()
    assert len(secret) >= 40
    assert rackbeat.new_url_secret() != secret
    sim.set_options({"webhook_events": "confirmed"})
    outcome = register(client, store, secret=secret)
    report_registration(outcome)
    items = boto3.resource("dynamodb").Table(store._table.name).scan()["Items"]
    assert items
    assert secret not in json.dumps(items, default=str)
    assert any(i["sk"] == "WEBHOOK#rackbeat" and i["url_secret_hash"] for i in items)
    assert secret not in caplog.text
    assert "rackbeat webhooks partly registered" in caplog.text
    assert secret not in json.dumps([o.reason for o in outcome.missing])


def test_fewer_events_than_wanted_is_a_metric_and_a_warning(
    sim: RackbeatSimulator, client: RackbeatClient, store: WebhookStore, capsys: pytest.CaptureFixture[str]
) -> None:
    report_registration(register(client, store))
    assert REFUSED_METRIC not in capsys.readouterr().out
    sim.set_options({"webhook_events": "confirmed", "lot_events": "created_only"})
    report_registration(register(client, store, secret="c" * 43))
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if REFUSED_METRIC in line]
    assert len(emitted) == 1
    refused = len(UNCONFIRMED)
    assert emitted[0][REFUSED_METRIC] in (refused, [refused], float(refused), [float(refused)])


@pytest.mark.parametrize(
    ("expression", "minutes"),
    [
        ("rate(5 minutes)", 5),
        ("rate(1 hour)", 60),
        ("rate(2 days)", 2880),
        ("cron(0 * * * ? *)", None),
        (None, None),
    ],
)
def test_schedule_minutes(expression: str | None, minutes: int | None) -> None:
    assert schedule_minutes(expression) == minutes


def test_events_not_tried_when_the_time_is_spent_are_recorded_as_failed(
    sim: RackbeatSimulator, client: RackbeatClient, store: WebhookStore
) -> None:
    budget = iter([1.0] * (len(CONFIRMED) + 1))
    outcome = rackbeat.register(
        client,
        store,
        TENANT,
        PUBLIC,
        now=NOW,
        make_secret=lambda: "s" * 43,
        time_left=lambda: next(budget, 0.0),
    )
    assert outcome.registered == CONFIRMED + UNCONFIRMED[:1]
    assert {o.reason for o in outcome.missing} == {rackbeat.NOT_TRIED}
    assert webhook_posts(sim) == CONFIRMED + UNCONFIRMED[:1]
    rows = {row.event: row for row in store.event_rows(TENANT)}
    assert {e for e, row in rows.items() if row.state == "failed"} == set(UNCONFIRMED[1:])
