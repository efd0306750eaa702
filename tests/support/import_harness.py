"""The initial sync wired to the demo dataset: moto provisioned from template.yaml (the shared
moto server), both simulators in-process, and a virtual clock so rate-limit waits cost no time.
The fixtures that build it are in tests/integration/initial_sync/conftest.py."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3

from local.aws import ProvisionedStack
from local.seed.demo import demo_seed
from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import secret_backed_clients
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.initial_sync.service import start_initial_sync as start_service
from rackbeat_tripletex.initial_sync.worker import handle_task
from rackbeat_tripletex.models.domain import Credentials, CredentialsSummary, Tenant
from rackbeat_tripletex.models.sync import InitialSyncRequest, PaymentTermsMapping, parse_task
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from tests.support.virtual_clock import VirtualClock

TENANT = "t-nordlys"
CONTACT = "ase@nordlysverktoy.no"
TRIPLETEX_URL = "http://tripletex.test/v2"
RACKBEAT_URL = "http://rackbeat.test/api"


def demo_request(**changes: Any) -> InitialSyncRequest:
    # The demo account has terms 1 = net 14 and 2 = net 30, and no 10-day term (default: 14).
    body: dict[str, Any] = {
        "customer_group": 1,
        "supplier_group": 1,
        "product_group": 1,
        "service_group": 2,
        "payment_terms": PaymentTermsMapping(default=1, by_days={"14": 1, "30": 2}),
    }
    return InitialSyncRequest(**(body | changes))


@dataclass
class Harness:
    ctx: InitialSyncContext
    seed: dict[str, Any]
    tripletex: TripletexSimulator
    rackbeat: RackbeatSimulator
    stack: ProvisionedStack
    sqs: Any

    @property
    def queue_url(self) -> str:
        return str(self.stack.outputs["InitialSyncQueueUrl"])

    def receive(self, limit: int = 10) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=limit, WaitTimeSeconds=0
        )
        return list(answer.get("Messages", []))

    def delete(self, message: dict[str, Any]) -> None:
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def drain(self, on_message: Callable[[dict[str, Any]], None] | None = None) -> int:
        """Work the queue until it is empty, as the Lambda would (one message at a time)."""
        handled = 0
        while True:
            messages = self.receive()
            if not messages:
                return handled
            for message in messages:
                if on_message is not None:
                    on_message(message)
                handle_task(self.ctx, parse_task(message["Body"]))
                self.delete(message)
                handled += 1

    def drain_one(self, message: dict[str, Any], *, delete: bool = True) -> None:
        handle_task(self.ctx, parse_task(message["Body"]))
        if delete:
            self.delete(message)

    def rackbeat_records(self, collection: str) -> dict[Any, dict[str, Any]]:
        return dict(self.rackbeat.records(collection))


def small_seed() -> dict[str, Any]:
    """The demo dataset cut down to every kind of record it has, bad ones included."""
    seed = demo_seed()
    tripletex = seed["tripletex"]
    bad_ids = {b["id"] for b in seed["meta"]["bad_records"]}
    tripletex["customers"] = tripletex["customers"][:45] + [
        c for c in tripletex["customers"] if c["id"] in bad_ids
    ]
    tripletex["suppliers"] = tripletex["suppliers"][:12]
    rest = tripletex["products"][40:]
    services = [p for p in rest if not p["isStockItem"] and p["id"] not in bad_ids][:10]
    tripletex["products"] = tripletex["products"][:40] + services + [p for p in rest if p["id"] in bad_ids]
    return seed


def add_demo_tenant(table: Any, secrets: TenantSecrets, seed: dict[str, Any]) -> None:
    """The demo company as a tenant whose credentials (the seed's tokens) were checked."""
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    TenantStore(table).create(
        Tenant(
            tenant_id=TENANT,
            company_name="Nordlys Verktøy AS",
            contact_name="Åse Lagerløf",
            contact_email=CONTACT,
            created_at=now,
            updated_at=now,
            management_token_hash="0" * 64,
            credentials=CredentialsSummary(validated_at=now),
        )
    )
    secrets.put(
        TENANT,
        Credentials(
            rackbeat_api_token=seed["rackbeat"]["api_token"],
            tripletex_consumer_token=seed["tripletex"]["consumer_token"],
            tripletex_employee_token=seed["tripletex"]["employee_token"],
        ),
    )


def build_harness(
    aws_stack: ProvisionedStack, seed: dict[str, Any], *, run_import: bool
) -> Iterator[Harness]:
    clear_session_cache()
    tripletex = tripletex_app(seed["tripletex"])
    rackbeat = rackbeat_app(seed["rackbeat"])
    clock = VirtualClock(tripletex, rackbeat)
    endpoint = aws_stack.endpoint
    dynamodb = boto3.resource("dynamodb", endpoint_url=endpoint)
    table = dynamodb.Table(aws_stack.outputs["StateTableName"])
    secrets_client = boto3.client("secretsmanager", endpoint_url=endpoint)
    secrets = TenantSecrets(secrets_client, str(aws_stack.outputs["TenantSecretPrefix"]))
    add_demo_tenant(table, secrets, seed)
    common = {
        "sleep": clock.sleep,
        "clock": clock.monotonic,
        "wall_clock": clock.monotonic,
        "rng": random.Random(5),
        "retry": RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=5.0),
    }
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    ctx = InitialSyncContext.from_table(
        table,
        sqs=sqs,
        queue_url=str(aws_stack.outputs["InitialSyncQueueUrl"]),
        clients=secret_backed_clients(
            secrets,
            TRIPLETEX_URL,
            RACKBEAT_URL,
            tripletex_options={**common, "transport": transport(tripletex), "now": tripletex.now},
            rackbeat_options={**common, "transport": transport(rackbeat)},
            bulk_import=True,  # as InitialSyncContext.from_config builds them
        ),
        ses=boto3.client("sesv2", endpoint_url=endpoint),
        sender_email="no-reply@example.com",
        now=tripletex.now,
    )
    harness = Harness(ctx, seed, tripletex, rackbeat, aws_stack, sqs)
    if run_import:
        start_service(ctx, TENANT, demo_request())
        harness.drain()
    yield harness
    clear_session_cache()


def bad_records(seed: dict[str, Any]) -> list[dict[str, Any]]:
    return list(seed["meta"]["bad_records"])


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
