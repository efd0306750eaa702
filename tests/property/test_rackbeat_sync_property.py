"""Issue 11 §1, the proof: Rackbeat records as the API may really send them (unknown enum values,
nulls in every nullable-looking field, missing and extra fields, numbers as strings, both
timestamp forms), mixed into real pages with ordinary records, seeded into the Rackbeat
simulator under every switch variant, then the ongoing Rackbeat -> Tripletex sync through both
simulators and moto: no run raises, no stream stops, and every record either syncs or has
exactly one failure row.

Each example is one tenant run against freshly reset simulators; a new tenant per example keeps
the DynamoDB rows apart without re-provisioning. AWS is moto in-process, provisioned from
template.yaml once per module: through the moto server each example cost ~1.9 s of HTTP on this
machine, in-process a fraction of that, which is what lets CI run 200 examples per entity.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from hypothesis import given

from local.aws import ProvisionedStack
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.models.domain import Settings, Streams
from rackbeat_tripletex.models.sync import Entity, TenantSyncTask
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.engine import SyncEngine
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.property import rackbeat_records as records
from tests.property.harness import (
    assert_arrived_or_failed_once,
    assert_no_stream_stopped,
    in_process_aws,
    no_wait_clients,
)
from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_world import add_tenant

SETTINGS = Settings(
    streams=Streams(
        customers_to_tripletex=True,
        suppliers_to_tripletex=True,
        products_to_tripletex=True,
        invoices_to_tripletex=True,
    ),
    invoice_mode="invoice",
    notification_email="owner@fjordlager.no",
)
# Ordinary records on the same pages: they must sync whatever their neighbours are.
ORDINARY = {
    "customers": [
        {
            "number": records.SEEDED_CUSTOMER,
            "company_name": "Kunde En AS",
            "payment_terms_id": 1,
            "customer_group_id": 1,
            "vat_zone": "domestic",
            "currency": "NOK",
        }
    ],
    "suppliers": [{"number": 5101, "company_name": "Leverandør En AS", "payment_terms_id": 1}],
    "products": [
        {"number": records.SEEDED_PRODUCT, "name": "Hammer", "group": 1, "unit_id": 1, "sales_price": 100}
    ],
}
PATHS: dict[Entity, str] = {
    "customer": "customers",
    "supplier": "suppliers",
    "product": "products",
    "invoice": "customer-invoices",
}


@dataclass
class World:
    ctx: SyncContext
    engine: SyncEngine
    rackbeat: RackbeatSimulator
    tripletex: TripletexSimulator
    tenants: TenantStore
    secrets: TenantSecrets
    seconds: float = 0.0
    examples: int = 0

    def run(self, entity: Entity, generated: list[dict[str, Any]], switches: dict[str, Any]) -> None:
        started = time.perf_counter()
        clear_session_cache()
        self.rackbeat.reset_all()
        self.rackbeat.load_seed({**rackbeat_seed(), **ORDINARY})
        self.rackbeat.set_options(switches)
        self.tripletex.reset_all()
        self.tripletex.load_seed(tripletex_seed())
        tenant = add_tenant(self.tenants, self.secrets, SETTINGS)
        for index, raw in enumerate(generated):
            key = raw["number"] if raw.get("number") is not None else f"unnumbered-{index}"
            key = int(key) if entity != "product" and str(key).isdigit() else str(key)
            self.rackbeat.put_record(
                PATHS[entity],
                key,
                {**raw, "updated_at": self.rackbeat.now(), "created_at": raw.get("created_at")},
            )

        runs = self.engine.run_tenant(TenantSyncTask(tenant_id=tenant.tenant_id))  # must not raise

        assert_no_stream_stopped(runs, streams=4)
        failures = [
            f for f in list_sync_failures(tenant.tenant_id, table=self.ctx.table) if f.entity == entity
        ]
        rows = Counter(f.key for f in failures)
        expected = [str(r["number"]) for r in generated if r.get("number") is not None]
        if entity == "invoice" or entity == "customer":
            expected.append(str(records.SEEDED_CUSTOMER) if entity == "customer" else "")
        assert_arrived_or_failed_once(
            ((key, self._synced(tenant.tenant_id, entity, key), rows[key]) for key in filter(None, expected)),
            rows,
        )
        # A record without a number fails under its content: identical ones share one row.
        unnumbered = {
            json.dumps(r, sort_keys=True, default=str) for r in generated if r.get("number") is None
        }
        assert sum(1 for key in rows if key.startswith("unnumbered-")) == len(unnumbered)
        # The ordinary neighbours synced.
        for neighbour, key in (("customer", "5001"), ("product", records.SEEDED_PRODUCT)):
            link = self.ctx.links.get(tenant.tenant_id, neighbour, key)  # type: ignore[arg-type]
            assert link is not None, (neighbour, key)
            assert link.state == "synced", (neighbour, key)
        self.seconds += time.perf_counter() - started
        self.examples += 1

    def _synced(self, tenant_id: str, entity: Entity, key: str) -> bool:
        link = self.ctx.links.get(tenant_id, entity, key)
        return link is not None and link.state == "synced" and link.tripletex_id is not None


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process_aws() as stack:
        yield from _world(stack)


def _world(stack: ProvisionedStack) -> Iterator[World]:
    rackbeat = rackbeat_app(rackbeat_seed())
    tripletex = tripletex_app(tripletex_seed())
    table = boto3.resource("dynamodb").Table(stack.outputs["StateTableName"])
    secrets = TenantSecrets(boto3.client("secretsmanager"), stack.outputs["TenantSecretPrefix"])
    clients = no_wait_clients(secrets, tripletex, rackbeat)
    ctx = SyncContext.from_table(
        table,
        clients=clients,
        mailer=Mailer(boto3.client("sesv2"), stack.physical["SenderIdentity"].ref),
        sleep=lambda _: None,
    )
    world = World(ctx, SyncEngine(ctx), rackbeat, tripletex, TenantStore(table), secrets)
    yield world
    if world.examples:
        print(f"\n{world.examples} examples, {world.seconds / world.examples:.3f} s each")
    clear_session_cache()


@given(generated=records.contacts("customer_group_id"), switches=records.SWITCHES)
def test_customers(world: World, generated: list[dict[str, Any]], switches: dict[str, Any]) -> None:
    world.run("customer", generated, switches)


@given(generated=records.contacts("supplier_group_id"), switches=records.SWITCHES)
def test_suppliers(world: World, generated: list[dict[str, Any]], switches: dict[str, Any]) -> None:
    world.run("supplier", generated, switches)


@given(generated=records.products(), switches=records.SWITCHES)
def test_products(world: World, generated: list[dict[str, Any]], switches: dict[str, Any]) -> None:
    world.run("product", generated, switches)


@given(generated=records.invoices(), switches=records.SWITCHES)
def test_booked_invoices(world: World, generated: list[dict[str, Any]], switches: dict[str, Any]) -> None:
    world.run("invoice", generated, switches)
