"""The ongoing sync on the local stack: both simulators over real HTTP on free ports, and the local
stack (template.yaml on moto, API Gateway, SQS pollers) pointed at them; ``World.onboard()``
makes a tenant through the onboarding API, which registers the Rackbeat webhooks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import httpx
import pytest

from local.outbox import confirm_contact
from local.simulated_stack import simulated_stack
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack
from rackbeat_tripletex.sync.history import list_sync_runs
from tests.support.paths import TEMPLATE
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN
from tests.support.sync_world import RackbeatUser

# Generous: only a bound on a broken run, never a measurement.
DEADLINE_S = 60.0


class World:
    def __init__(self, local: LocalStack, tripletex: TripletexSimulator, rackbeat: RackbeatSimulator) -> None:
        self.local = local
        self.tripletex = tripletex
        self.rackbeat = rackbeat
        self.http = httpx.Client(base_url=local.api_url, timeout=30.0, headers={"Accept-Language": "en"})
        self.user = RackbeatUser(rackbeat)
        self.management_tokens: dict[str, str] = {}

    @property
    def table(self) -> Any:
        assert self.local.runner is not None
        name = self.local.runner.function("OngoingSyncFunction").environment.values["STATE_TABLE_NAME"]
        return boto3.resource("dynamodb", endpoint_url=self.endpoint).Table(name)

    @property
    def endpoint(self) -> str:
        assert self.local.moto is not None
        return self.local.moto.endpoint

    def onboard(self, *, language: str = "en", **settings_changes: Any) -> str:
        created = self.http.post(
            "/tenants",
            json={
                "company_name": "Fjord Lager AS",
                "contact_name": "Ingrid",
                "contact_email": "i@fjordlager.no",
                "language": language,
            },
        )
        assert created.status_code == 201, created.text
        confirm_contact(self.http, "i@fjordlager.no")
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
            **settings_changes,
        }
        saved = self.http.put(f"/tenants/{tenant_id}/settings", json=settings, headers=auth)
        assert saved.status_code == 200, saved.text
        self.management_tokens[tenant_id] = token
        return tenant_id

    def auth(self, tenant_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.management_tokens[tenant_id]}"}

    def wait_for(self, what: str, ready: Callable[[], bool], *, within: float = DEADLINE_S) -> None:
        deadline = time.monotonic() + within
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

    def queue_counts(self) -> tuple[int, int, int]:
        """SyncQueue's messages: waiting, in flight, and delayed (a turn's retry waiting out its backoff)."""
        assert self.local.aws is not None
        sqs = boto3.client("sqs", endpoint_url=self.endpoint)
        url = self.local.aws.outputs["SyncQueueUrl"]
        names = ("", "NotVisible", "Delayed")
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=[f"ApproximateNumberOfMessages{name}" for name in names]
        )["Attributes"]
        waiting, in_flight, delayed = (
            int(attributes[f"ApproximateNumberOfMessages{name}"]) for name in names
        )
        return waiting, in_flight, delayed

    def queue_empty(self) -> bool:
        """Nothing waiting, in flight or delayed: a turn's retry waiting out its backoff (a
        temporary error under load: a 429, a record another worker held) is work still to come,
        and a test that went on without it saw that work land in the middle of its next step."""
        return self.queue_counts() == (0, 0, 0)


@contextmanager
def running_world(tripletex_seed_doc: dict[str, Any], rackbeat_seed_doc: dict[str, Any]) -> Iterator[World]:
    """Both simulators over real sockets and the local stack (its own moto, queues polled)."""
    tripletex = tripletex_app(tripletex_seed_doc)
    rackbeat = rackbeat_app(rackbeat_seed_doc)
    with simulated_stack(TEMPLATE, tripletex, rackbeat) as running:
        yield World(running.local, tripletex, rackbeat)
