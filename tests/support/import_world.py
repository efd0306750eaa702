"""Helpers for the initial-sync end-to-end tests: a World around the onboarding Stack that
onboards the demo company and drives the import over the HTTP API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from local.aws import MotoServer, reset_moto
from local.outbox import confirm_contact
from local.simulators import base
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import secret_backed_clients
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.store.secrets import TenantSecrets
from tests.support.paths import TEMPLATE
from tests.support.stack import Stack
from tests.support.virtual_clock import VirtualClock

CONTACT = "ase@nordlysverktoy.no"
# Only bounds on a broken run, never measurements. The import of the whole demo dataset is
# dominated by DynamoDB calls to moto (several per record) and takes 40-90 s on two busy cores.
IMPORT_DEADLINE_S = 300.0
DEADLINE_S = 120.0
# The demo Rackbeat account: terms 1 = net 14, 2 = net 30; groups 1 (customers, suppliers),
# product groups 1 (with inventory) and 2 (without).
IMPORT_REQUEST: dict[str, Any] = {
    "entities": ["customers", "suppliers", "products"],
    "customer_group": 1,
    "supplier_group": 1,
    "product_group": 1,
    "service_group": 2,
    "payment_terms": {"default": 1, "by_days": {"14": 1, "30": 2}},
}


@dataclass
class SmallCompany:
    api_url: str
    rackbeat: RackbeatSimulator


@contextmanager
def small_company(tripletex_seed: dict[str, Any], rackbeat_seed: dict[str, Any]) -> Iterator[SmallCompany]:
    """A stack for a company of a few records whose SQS pollers run, so an import really goes
    through InitialSyncQueue (at wall-clock speed: a few records fit Rackbeat's budget)."""
    clear_session_cache()
    tripletex = tripletex_app(tripletex_seed)
    rackbeat = rackbeat_app(rackbeat_seed)
    servers = [base.serve(tripletex, "127.0.0.1", 0), base.serve(rackbeat, "127.0.0.1", 0)]
    moto = MotoServer()
    reset_moto(moto.endpoint)
    local = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        speedup=300.0,
        parameter_overrides={
            "TripletexBaseUrl": f"{servers[0].url}/v2",
            "RackbeatBaseUrl": f"{servers[1].url}/api",
        },
        poll_queues=True,
        run_schedules=False,
        shared_moto=moto,
    )
    local.start()
    try:
        yield SmallCompany(local.api_url, rackbeat)
    finally:
        local.stop()
        moto.stop()
        for server in servers:
            server.shutdown()
        clear_session_cache()


@dataclass
class World:
    stack: Stack
    seed: dict[str, Any]
    tenant_id: str = ""
    token: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    def onboard(self) -> None:
        created = self.stack.request(
            "POST",
            "/tenants",
            json={
                "company_name": "Nordlys Verktøy AS",
                "contact_name": "Åse",
                "contact_email": CONTACT,
                "language": "en",
            },
        )
        assert created.status_code == 201, created.text
        confirm_contact(self.stack.http, CONTACT)
        self.tenant_id = created.json()["tenant_id"]
        self.token = created.json()["management_token"]
        self.stack.known_secrets.add(self.token)
        credentials = {
            "rackbeat_api_token": self.seed["rackbeat"]["api_token"],
            "tripletex_consumer_token": self.seed["tripletex"]["consumer_token"],
            "tripletex_employee_token": self.seed["tripletex"]["employee_token"],
        }
        linked = self.call("PUT", "/credentials", json=credentials)
        assert linked.status_code == 200, linked.text

    def call(self, method: str, route: str, **kwargs: Any) -> Any:
        return self.stack.request(method, f"/tenants/{self.tenant_id}{route}", token=self.token, **kwargs)

    def wait_until_finished(self) -> list[dict[str, Any]]:
        """Polls GET initial-sync as the wizard does; returns every answer seen."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + IMPORT_DEADLINE_S
        while True:
            answer = self.call("GET", "/initial-sync")
            assert answer.status_code == 200, answer.text
            seen.append(answer.json())
            if answer.json()["state"] in ("completed", "completed_with_failures"):
                return seen
            if time.monotonic() > deadline:
                pytest.fail(f"the import did not finish; last progress: {answer.json()}")
            time.sleep(0.5)

    def wait_for(self, what: str, ready: Any) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {what}")
            time.sleep(0.1)

    def queue_depths(self) -> dict[str, int]:
        """Visible plus in-flight messages of every queue of the stack, DLQs included."""
        local = self.stack.local
        assert local.moto is not None
        sqs = boto3.client("sqs", endpoint_url=local.moto.endpoint)
        depths = {}
        for url in sqs.list_queues().get("QueueUrls", []):
            attributes = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            depths[url.rsplit("/", 1)[-1]] = int(attributes["ApproximateNumberOfMessages"]) + int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            )
        return depths


def worker_context(
    local: LocalStack, tripletex: Any, rackbeat: Any, urls: dict[str, str]
) -> InitialSyncContext:
    assert local.runner is not None
    assert local.moto is not None
    env = local.runner.function("InitialSyncFunction").environment.values
    endpoint = local.moto.endpoint
    clock = VirtualClock(tripletex, rackbeat)
    common: dict[str, Any] = {
        "sleep": clock.sleep,
        "clock": clock.monotonic,
        "wall_clock": clock.monotonic,
        "retry": RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=5.0),
    }
    secrets = TenantSecrets(
        boto3.client("secretsmanager", endpoint_url=endpoint), env["TENANT_SECRET_PREFIX"]
    )
    return InitialSyncContext.from_table(
        boto3.resource("dynamodb", endpoint_url=endpoint).Table(env["STATE_TABLE_NAME"]),
        sqs=boto3.client("sqs", endpoint_url=endpoint),
        queue_url=env["INITIAL_SYNC_QUEUE_URL"],
        clients=secret_backed_clients(
            secrets,
            urls["tripletex"],
            urls["rackbeat"],
            tripletex_options={**common, "now": tripletex.now},
            rackbeat_options=common,
        ),
        ses=boto3.client("sesv2", endpoint_url=endpoint),
        sender_email=env["SENDER_EMAIL"],
        now=tripletex.now,
    )
