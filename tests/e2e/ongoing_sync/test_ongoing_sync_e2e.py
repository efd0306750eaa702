"""Ongoing sync through the local stack: onboarding registers the Rackbeat webhooks, the
simulator delivers them over HTTP to the webhooks function, SyncQueue runs periodic_sync; and the
schedule path with webhooks off. Checked in the Tripletex simulator's state and request log."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from local.aws import MotoServer, reset_moto
from local.simulators import base
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from rackbeat_tripletex.sync.history import list_sync_runs
from tests.integration.sync.sync_env import (
    CONSUMER_TOKEN,
    EMPLOYEE_TOKEN,
    RACKBEAT_TOKEN,
    RackbeatUser,
    business_calls,
    rackbeat_seed,
    tripletex_rows,
    tripletex_seed,
)

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
# Generous: only a bound on a broken run, never a measurement.
DEADLINE_S = 60.0


class World:
    def __init__(self, local: LocalStack, tripletex: TripletexSimulator, rackbeat: RackbeatSimulator) -> None:
        self.local = local
        self.tripletex = tripletex
        self.rackbeat = rackbeat
        self.http = httpx.Client(base_url=local.api_url, timeout=30.0)
        self.user = RackbeatUser(rackbeat)

    @property
    def table(self) -> Any:
        assert self.local.runner is not None
        name = self.local.runner.function("PeriodicSyncFunction").environment.values["STATE_TABLE_NAME"]
        return boto3.resource("dynamodb", endpoint_url=self.endpoint).Table(name)

    @property
    def endpoint(self) -> str:
        assert self.local.moto is not None
        return self.local.moto.endpoint

    def onboard(self) -> str:
        created = self.http.post(
            "/tenants",
            json={
                "company_name": "Fjord Lager AS",
                "contact_name": "Ingrid",
                "contact_email": "i@fjordlager.no",
            },
        )
        assert created.status_code == 201, created.text
        tenant_id, token = created.json()["tenant_id"], created.json()["management_token"]
        auth = {"Authorization": f"Bearer {token}"}
        credentials = {
            "rackbeat_api_token": RACKBEAT_TOKEN,
            "tripletex_consumer_token": CONSUMER_TOKEN,
            "tripletex_employee_token": EMPLOYEE_TOKEN,
        }
        linked = self.http.put(f"/tenants/{tenant_id}/credentials", json=credentials, headers=auth)
        assert linked.status_code == 200, linked.text
        settings = {
            "streams": {
                "customers_to_tripletex": True,
                "products_to_tripletex": True,
                "invoices_to_tripletex": True,
            },
            "invoice_mode": "invoice",
            "notification_email": "i@fjordlager.no",
        }
        saved = self.http.put(f"/tenants/{tenant_id}/settings", json=settings, headers=auth)
        assert saved.status_code == 200, saved.text
        return tenant_id

    def wait_for(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {what}")
            time.sleep(0.1)

    def runs(self, tenant_id: str) -> int:
        return len(list_sync_runs(tenant_id, limit=500, table=self.table).runs)

    def fire_schedule(self) -> None:
        assert self.local.runner is not None
        result = self.local.runner.fire_schedule("SyncSchedule")
        assert result.ok, result.error
        assert result.payload == {"enqueued": 1}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    tripletex = tripletex_app(tripletex_seed())
    rackbeat = rackbeat_app(rackbeat_seed())
    tripletex_server = base.serve(tripletex, "127.0.0.1", 0)
    rackbeat_server = base.serve(rackbeat, "127.0.0.1", 0)
    # moto's state is process-wide: start from empty, whatever ran before in this process.
    moto = MotoServer()
    reset_moto(moto.endpoint)
    local = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        parameter_overrides={
            "TripletexBaseUrl": f"{tripletex_server.url}/v2",
            "RackbeatBaseUrl": f"{rackbeat_server.url}/api",
        },
        poll_queues=True,
        run_schedules=False,
        shared_moto=moto,
    )
    local.start()
    try:
        yield World(local, tripletex, rackbeat)
    finally:
        local.stop()
        moto.stop()
        tripletex_server.shutdown()
        rackbeat_server.shutdown()


def test_webhook_path_then_schedule_path_then_idle(world: World) -> None:
    tenant_id = world.onboard()
    hooks = world.rackbeat.state.webhooks.values()
    assert {w["event"] for w in hooks} >= {"customer.created", "product.created", "customer_invoice.booked"}
    assert all(tenant_id in w["url"] for w in hooks)

    # --- webhook path; every delivery arrives twice ---
    world.user.create_customer(7001, "Webhook Kunde AS")
    world.user.create_product("W-1", "Skrutrekker", 150.0)
    world.user.book_invoice(7001, [("W-1", 2, 150.0)], "2025-03-03")
    with world.rackbeat._lock:
        world.rackbeat.state.deliveries.extend(
            copy.deepcopy(d) for d in list(world.rackbeat.state.deliveries)
        )
    assert world.rackbeat.deliver_pending() >= 6
    assert all(entry["status"] == 202 for entry in world.rackbeat.state.delivery_log)
    world.wait_for("the webhook invoice", lambda: len(tripletex_rows(world.tripletex, "invoices")) == 1)
    world.wait_for("the queue to drain", lambda: _queue_empty(world))
    assert [c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers")] == [7001]
    assert [p["number"] for p in tripletex_rows(world.tripletex, "products")] == ["W-1"]
    (invoice,) = tripletex_rows(world.tripletex, "invoices")
    assert invoice["amount"] == 375.0

    # --- updates follow through the webhook too ---
    world.user.update_product("W-1", sales_price=175.0)
    world.rackbeat.deliver_pending()
    world.wait_for(
        "the product update",
        lambda: tripletex_rows(world.tripletex, "products")[0]["priceExcludingVatCurrency"] == 175.0,
    )

    # --- schedule path, webhooks switched off ---
    for webhook in list(world.rackbeat.state.webhooks.values()):
        webhook["is_active"] = False
    world.user.create_customer(7002, "Skjema Kunde AS")
    world.user.create_product("S-1", "Tang", 90.0)
    world.user.book_invoice(7002, [("S-1", 1, 90.0)], "2025-03-04")
    world.user.update_customer(7001, company_name="Webhook Kunde Endret AS")
    world.wait_for("the queue to drain", lambda: _queue_empty(world))
    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before + 3)
    customers = {c["customerNumber"]: c["name"] for c in tripletex_rows(world.tripletex, "customers")}
    assert customers == {7001: "Webhook Kunde Endret AS", 7002: "Skjema Kunde AS"}
    assert sorted(p["number"] for p in tripletex_rows(world.tripletex, "products")) == ["S-1", "W-1"]
    assert len(tripletex_rows(world.tripletex, "invoices")) == 2
    # Nothing echoed: our writes to Tripletex never wrote back to Rackbeat.
    assert [
        e
        for e in world.rackbeat.request_log
        if e["method"] in ("POST", "PUT") and e.get("query", {}).get("suppress_webhooks")
    ] == []

    # --- an idle tenant: one Rackbeat read per enabled stream, nothing at Tripletex ---
    world.wait_for("the queue to drain", lambda: _queue_empty(world))
    world.tripletex.request_log.clear()
    world.rackbeat.request_log.clear()
    before = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the idle run", lambda: world.runs(tenant_id) >= before + 3)
    world.wait_for("the queue to drain", lambda: _queue_empty(world))
    calls = business_calls(world.rackbeat.request_log)
    assert len(calls) == 3, [
        (r.run_id, r.stream.value, r.started_at.isoformat())
        for r in list_sync_runs(tenant_id, limit=12, table=world.table).runs
    ]
    assert business_calls(world.tripletex.request_log) == []


def test_unverified_deliveries_are_refused(world: World) -> None:
    tenant = "0" * 32
    answer = world.http.post(
        f"/webhooks/rackbeat/{tenant}",
        json={"key_name": "number", "key": "1"},
        headers={"Rackbeat-Webhook-Event": "customer.created", "Rackbeat-Webhook-Token": "x" * 32},
    )
    assert answer.status_code == 401
    answer = world.http.post(f"/webhooks/tripletex/{tenant}", json={"event": "customer.update", "id": 1})
    assert answer.status_code == 401


def _queue_empty(world: World) -> bool:
    assert world.local.aws is not None
    sqs = boto3.client("sqs", endpoint_url=world.endpoint)
    url = world.local.aws.outputs["SyncQueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return (
        attributes["ApproximateNumberOfMessages"] == "0"
        and attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    )
