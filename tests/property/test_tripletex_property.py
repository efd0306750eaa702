"""Issue 11 §1, the proof, Tripletex half: customers, suppliers and products as Tripletex may
answer them (unknown enum values, nulls, ``""``, missing and extra fields, numbers as strings,
references as ``{id, url}`` or expanded), planted as they are into the Tripletex simulator next
to ordinary records, then (a) the initial import through the real worker code (plan and page
tasks off the queue) and (b) the ongoing Tripletex -> Rackbeat sync of records that changed
after it: no run raises, no stream stops, and every record either arrives in Rackbeat or has
exactly one failure row; the ordinary neighbours always arrive.

One example is one fresh tenant against freshly reset simulators, (a) and (b) in turn (the
ongoing sync needs the import to have run). AWS is moto in-process (tests/property/harness.py).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from local.aws import ProvisionedStack
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.initial_sync import service
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.initial_sync.worker import handle_task
from rackbeat_tripletex.models.domain import CredentialsSummary, Settings, Streams
from rackbeat_tripletex.models.sync import InitialSyncRequest, PaymentTermsMapping, TenantSyncTask, parse_task
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.engine import SyncEngine
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.property import tripletex_records as records
from tests.property.harness import (
    assert_arrived_or_failed_once,
    assert_no_stream_stopped,
    in_process_aws,
    no_wait_clients,
    utc_now,
)
from tests.support.seeds import GROUP_SERVICES, rackbeat_seed, tripletex_seed
from tests.support.sync_world import add_tenant

Entity = Literal["customer", "supplier", "product"]
ENTITIES: tuple[Entity, ...] = ("customer", "supplier", "product")
Page = list[dict[str, Any]]
# Per entity: the records planted before the import, and those that change after it.
Example = dict[Entity, tuple[Page, Page]]
COLLECTION: dict[Entity, str] = {"customer": "customers", "supplier": "suppliers", "product": "products"}
NUMBER_FIELD: dict[Entity, str] = {
    "customer": "customerNumber",
    "supplier": "supplierNumber",
    "product": "number",
}
SETTINGS = Settings(
    streams=Streams(customers_to_rackbeat=True, suppliers_to_rackbeat=True, products_to_rackbeat=True),
    invoice_mode="invoice",
    notification_email="owner@fjordlager.no",
)
REQUEST = InitialSyncRequest(
    customer_group=1,
    supplier_group=1,
    product_group=1,
    service_group=GROUP_SERVICES,
    payment_terms=PaymentTermsMapping(default=1),
)


def ordinary(entity: Entity, record_id: int, number: int) -> dict[str, Any]:
    """A plain record as the simulator's own writes hold it: it must arrive whatever its neighbours are."""
    if entity == "product":
        return {
            "id": record_id,
            "number": f"ORD-{number}",
            "name": "Hammer",
            "priceExcludingVatCurrency": 100.0,
        }
    return {"id": record_id, NUMBER_FIELD[entity]: number, "name": f"Vanlig {number} AS"}


def generated(entity: Entity, first_id: int, first_number: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    if entity == "customer":
        return records.customers(first_id, first_number)
    if entity == "supplier":
        return records.suppliers(first_id, first_number)
    return records.products(first_id, f"G{first_number}-")


def rackbeat_key(entity: Entity, record: dict[str, Any]) -> Any:
    number = record[NUMBER_FIELD[entity]]
    # Surrounding blanks do not survive into Rackbeat (a product number "A " arrives as "A").
    return str(number).strip() if entity == "product" else int(number)


@dataclass
class World:
    imports: InitialSyncContext
    sync: SyncContext
    engine: SyncEngine
    rackbeat: RackbeatSimulator
    tripletex: TripletexSimulator
    tenants: TenantStore
    secrets: TenantSecrets
    queue_url: str
    sqs: Any
    seconds: float = 0.0
    examples: int = 0

    def run(self, example: Example) -> None:
        started = time.perf_counter()
        clear_session_cache()
        self.rackbeat.reset_all()
        self.rackbeat.load_seed(rackbeat_seed())
        self.tripletex.reset_all()
        seed = {COLLECTION[entity]: [ordinary(entity, 10, 30001)] for entity in ENTITIES}
        self.tripletex.load_seed({**tripletex_seed(), **seed})
        tenant_id = self._tenant()
        for entity, (imported, _) in example.items():
            for record in imported:
                self.tripletex.plant(COLLECTION[entity], record)

        # (a) the initial import, through the worker as the queue feeds it.
        service.start_initial_sync(self.imports, tenant_id, REQUEST)
        self._drain()
        failures = service.list_failures(self.imports, tenant_id)
        for entity, (imported, _) in example.items():
            rows = Counter(f.key for f in failures if f.entity == entity)
            self._check(entity, [ordinary(entity, 10, 30001), *imported], rows)

        # (b) records that change in Tripletex after the import, through the ongoing sync.
        self.tripletex.load_seed({COLLECTION[entity]: [ordinary(entity, 11, 30002)] for entity in ENTITIES})
        for entity, (_, changed) in example.items():
            for record in changed:
                self.tripletex.plant(COLLECTION[entity], record)
        runs = self.engine.run_tenant(TenantSyncTask(tenant_id=tenant_id))  # must not raise
        assert_no_stream_stopped(runs, streams=3)
        sync_failures = list_sync_failures(tenant_id, table=self.sync.table)
        for entity, (_, changed) in example.items():
            keys = {str(r["id"]) for r in changed} | {str(r[NUMBER_FIELD[entity]]) for r in changed}
            rows = Counter(f.key for f in sync_failures if f.entity == entity and f.key in keys)
            self._check(entity, [ordinary(entity, 11, 30002), *changed], rows)
        self.seconds += time.perf_counter() - started
        self.examples += 1

    def _tenant(self) -> str:
        tenant = add_tenant(self.tenants, self.secrets, SETTINGS)
        found = self.tenants.get_with_version(tenant.tenant_id)
        assert found is not None
        current, version = found
        validated = current.model_copy(update={"credentials": CredentialsSummary(validated_at=utc_now())})
        self.tenants.save(validated, version)
        return tenant.tenant_id

    def _drain(self) -> None:
        while messages := self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", []):
            for message in messages:
                handle_task(self.imports, parse_task(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _check(self, entity: Entity, planted: list[dict[str, Any]], failures: Counter[str]) -> None:
        """Each record arrived in Rackbeat or has exactly one failure row (by its id or number)."""
        neighbour, *rest = planted
        arrived = self.rackbeat.records(COLLECTION[entity])
        assert rackbeat_key(entity, neighbour) in arrived, (neighbour, failures)
        assert_arrived_or_failed_once(
            (
                (
                    record,
                    rackbeat_key(entity, record) in arrived,
                    failures[str(record["id"])] + failures[str(record[NUMBER_FIELD[entity]])],
                )
                for record in rest
            ),
            failures,
        )


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process_aws() as stack:
        yield from _world(stack)


def _world(stack: ProvisionedStack) -> Iterator[World]:
    rackbeat = rackbeat_app(rackbeat_seed())
    tripletex = tripletex_app(tripletex_seed())
    table = boto3.resource("dynamodb").Table(stack.outputs["StateTableName"])
    secrets = TenantSecrets(boto3.client("secretsmanager"), stack.outputs["TenantSecretPrefix"])
    sender = stack.physical["SenderIdentity"].ref
    sqs = boto3.client("sqs")
    queue_url = str(stack.outputs["InitialSyncQueueUrl"])
    imports = InitialSyncContext.from_table(
        table,
        sqs=sqs,
        queue_url=queue_url,
        clients=no_wait_clients(secrets, tripletex, rackbeat, bulk_import=True),
        ses=boto3.client("sesv2"),
        sender_email=sender,
    )
    sync = SyncContext.from_table(
        table,
        clients=no_wait_clients(secrets, tripletex, rackbeat),
        mailer=Mailer(boto3.client("sesv2"), sender),
        sleep=lambda _: None,
    )
    world = World(
        imports, sync, SyncEngine(sync), rackbeat, tripletex, TenantStore(table), secrets, queue_url, sqs
    )
    yield world
    if world.examples:
        print(f"\n{world.examples} examples, {world.seconds / world.examples:.3f} s each")
    clear_session_cache()


def _pages(entity: Entity) -> st.SearchStrategy[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    return st.tuples(generated(entity, 900, 40001), generated(entity, 950, 41001))


# One example holds generated customers, suppliers and products: the tenant, the import and the
# sync run are the cost of an example, so 200 examples give each entity 200 for the price of one.
EXAMPLES = st.fixed_dictionaries({entity: _pages(entity) for entity in ENTITIES})


@given(example=EXAMPLES)
def test_every_record_arrives_or_fails_alone(world: World, example: Example) -> None:
    world.run(example)
