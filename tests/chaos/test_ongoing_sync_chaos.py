"""Ongoing-sync chaos (issue 6 "Done when", issue 7 reliability suites).

A Rackbeat user creates customers and products, books invoices (some naming a customer or
product whose webhook was lost) and updates records; every webhook arrives twice and in a shuffled
order, some never arrive and the schedule has to catch them. The SyncQueue is worked by the real
ongoing_sync handler under the 10 % fault mix on both APIs, with a Tripletex session revoked
mid-run (the 401 a session expiring at midnight Oslo gives) and the worker killed at random points.

Invariants, against the same script run fault-free and against Rackbeat itself:
* every Rackbeat customer, product and booked invoice is in Tripletex exactly once, with equal
  content and invoice totals equal to Rackbeat's;
* the DLQ is empty;
* cursors are never ahead of the data: at every kill and after every drain, each Rackbeat record
  changed before its stream's cursor is already in Tripletex as it is now.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from local.aws import provision, reset_moto
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import secret_backed_clients
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.invoice import ORDER_NUMBER_PREFIX
from rackbeat_tripletex.models.sync import Entity, EntitySyncTask, StreamName, TenantSyncTask
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.cursors import CursorStore
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.context import SyncContext
from tests.support.lambda_context import FakeLambdaContext
from tests.support.paths import TEMPLATE
from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_world import RackbeatUser, add_tenant
from tests.support.virtual_clock import VirtualClock

from .chaos import FAULT_MIX, Chaos, ChaosStats, DrainStats, QueueDriver, api_statuses

# Powertools warns when a batch adds no metric (the engine's metrics sink is the context's).
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

CHAOS_SEED = int(os.environ.get("CHAOS_SEED", "20261124"))
SCHEDULE_TICKS = 3
SCHEDULE_INTERVAL_S = 300.0
RACKBEAT_STREAMS = {
    StreamName.CUSTOMERS_TO_TRIPLETEX: "customers",
    StreamName.PRODUCTS_TO_TRIPLETEX: "products",
    StreamName.INVOICES_TO_TRIPLETEX: "customer-invoices",
}


@dataclass(frozen=True)
class Size:
    customers: int
    products: int
    invoices: int
    updates: int


CI = Size(customers=10, products=10, invoices=8, updates=4)
FULL = Size(customers=60, products=60, invoices=50, updates=20)


@dataclass
class OngoingOutcome:
    customers: dict[int, dict[str, Any]]
    products: dict[str, dict[str, Any]]
    invoices: dict[str, dict[str, Any]]
    copies: Counter[tuple[str, str]]
    expected_customers: dict[int, dict[str, Any]]
    expected_products: dict[str, dict[str, Any]]
    expected_invoices: dict[str, dict[str, Any]]
    dead_letters: int
    cursor_checks: int
    records_behind_cursors: int
    tripletex_statuses: dict[str, int]
    rackbeat_statuses: dict[str, int]
    drain: DrainStats
    chaos: ChaosStats


class World:
    """One tenant, both simulators, the SyncQueue worked by ongoing_sync's handler."""

    def __init__(self, moto_endpoint: str, *, chaotic: bool, kill_rate: float) -> None:
        reset_moto(moto_endpoint)
        self.stack = provision(TEMPLATE, moto_endpoint)
        clear_session_cache()
        self.tripletex = tripletex_app(tripletex_seed(), rng_seed=CHAOS_SEED)
        self.rackbeat = rackbeat_app(rackbeat_seed(), rng_seed=CHAOS_SEED + 1)
        self.clock = VirtualClock(self.tripletex, self.rackbeat)
        self.chaotic = chaotic
        self.chaos = (
            Chaos(
                CHAOS_SEED,
                self.clock,
                kill_rate=kill_rate,
                latency_spike_rate=0.02,
                burst_rate=0.004,
                kills_after_writes={"tripletex": 2},
            )
            if chaotic
            else Chaos(CHAOS_SEED, self.clock)
        )
        endpoint = self.stack.endpoint
        table_name = self.stack.outputs["StateTableName"]
        # The test's own view of the state, never killed.
        self.cursors = CursorStore(boto3.resource("dynamodb", endpoint_url=endpoint).Table(table_name))
        self.sqs = boto3.client("sqs", endpoint_url=endpoint)
        # The worker's clients: every call may be its last.
        table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(table_name)
        secrets_client = boto3.client("secretsmanager", endpoint_url=endpoint)
        ses = boto3.client("sesv2", endpoint_url=endpoint)
        secrets = TenantSecrets(secrets_client, str(self.stack.outputs["TenantSecretPrefix"]))
        self.tenant = add_tenant(TenantStore(table), secrets)
        self.chaos.watch_boto3(table, secrets_client, ses)
        common = {
            "sleep": self.clock.sleep,
            "clock": self.clock.monotonic,
            "wall_clock": self.clock.monotonic,
            "rng": self.chaos.rng,
            "retry": RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=5.0),
        }
        self.ctx = SyncContext.from_table(
            table,
            clients=secret_backed_clients(
                secrets,
                "http://tripletex.test/v2",
                "http://rackbeat.test/api",
                tripletex_options={
                    **common,
                    "transport": self.chaos.api_transport(self.tripletex),
                    "now": self.tripletex.now,
                },
                rackbeat_options={**common, "transport": self.chaos.api_transport(self.rackbeat)},
            ),
            mailer=Mailer(ses, "no-reply@example.com"),
            now=self.clock.now,
            sleep=self.clock.sleep,
        )
        self.user = RackbeatUser(self.rackbeat)
        self.queue_url = str(self.stack.outputs["SyncQueueUrl"])
        # The handler reads its own variables too (the tenant turns' table and queue): they are
        # the template's, resolved against this stack, as Lambda would set them.
        function = self.stack.template["Resources"]["OngoingSyncFunction"]["Properties"]
        variables = self.stack.resolver().resolve(function["Environment"]["Variables"])
        self.function_environment = {name: str(value) for name, value in variables.items()}
        self.cursor_checks = 0
        self.records_behind_cursors = 0
        self.chaos.on_kill.append(lambda _site: self.check_cursors())

    # ----- the queue ------------------------------------------------------------------------------
    def drain(self, driver: QueueDriver, stats: DrainStats) -> None:
        if self.chaotic:
            self.tripletex.set_faults(FAULT_MIX)
            self.rackbeat.set_faults(FAULT_MIX)
        saved = {name: os.environ.get(name) for name in self.function_environment}
        os.environ.update(self.function_environment)
        from functions.ongoing_sync import app

        # The handler's own queue client (cached, as in Lambda) sends the tenant turns' retries.
        _, handler_sqs = app._aws(self.function_environment["IDEMPOTENCY_TABLE_NAME"])
        undo_delays = driver.delays_on_the_clock(handler_sqs)
        try:
            driver.drain(stats)
        finally:
            undo_delays()
            # The user's own work in Rackbeat between drains is not part of the experiment.
            self.tripletex.set_faults({})
            self.rackbeat.set_faults({})
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        self.check_cursors()

    def webhooks(self, tasks: list[EntitySyncTask], rng: random.Random) -> None:
        """Each delivery twice, in a shuffled order (late and duplicate deliveries are normal)."""
        deliveries = [task for task in tasks for _ in range(2)]
        rng.shuffle(deliveries)
        for task in deliveries:
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=task.model_dump_json())

    def tick(self) -> None:
        """The schedule fires: one tenant task, as ongoing_sync's fan-out sends it."""
        self.clock.sleep(SCHEDULE_INTERVAL_S)
        task = TenantSyncTask(tenant_id=self.tenant.tenant_id)
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=task.model_dump_json())

    def task(self, entity: Entity, key: str, event: str) -> EntitySyncTask:
        return EntitySyncTask(
            tenant_id=self.tenant.tenant_id,
            source="rackbeat",
            entity=entity,
            key=key,
            event=event,
        )

    # ----- the invariant on cursors ---------------------------------------------------------------
    def check_cursors(self) -> None:
        """Every Rackbeat record changed before its stream's cursor is in Tripletex as it is now."""
        self.cursor_checks += 1
        tripletex = tripletex_view(self.tripletex)
        for stream, collection in RACKBEAT_STREAMS.items():
            value = self.cursors.get(self.tenant.tenant_id, stream.value)
            if value is None:
                continue
            cursor = dt.datetime.fromisoformat(value)
            for record in list(self.rackbeat.records(collection).values()):
                if record["updated_at"] > cursor or (
                    collection == "customer-invoices" and not record.get("is_booked")
                ):
                    continue
                kind, key, expected = rackbeat_expectation(collection, record)
                self.records_behind_cursors += 1
                assert tripletex[kind].get(key) == expected, (
                    f"the {stream.value} cursor ({value}) is past {kind} {key}, changed at "
                    f"{record['updated_at'].isoformat()}, which Tripletex does not have as it is now: "
                    f"{tripletex[kind].get(key)} != {expected}"
                )


def rackbeat_expectation(collection: str, record: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """What Tripletex must hold for one Rackbeat record (the fields the sync carries over)."""
    if collection == "customers":
        return "customers", str(record["number"]), {"name": record["company_name"]}
    if collection == "products":
        return "products", str(record["number"]), {"name": record["name"], "price": record["sales_price"]}
    return "invoices", str(record["number"]), {"amount": record["total_total"]}


def tripletex_view(simulator: TripletexSimulator) -> dict[str, dict[str, dict[str, Any]]]:
    """Tripletex's records in the shape of :func:`rackbeat_expectation` (by Rackbeat key)."""
    store = {name: simulator.records(name) for name in ("customers", "products", "orders", "invoices")}
    orders = store["orders"]
    view: dict[str, dict[str, dict[str, Any]]] = {
        "customers": {str(c["customerNumber"]): {"name": c["name"]} for c in store["customers"].values()},
        "products": {
            str(p["number"]): {"name": p["name"], "price": p["priceExcludingVatCurrency"]}
            for p in store["products"].values()
        },
        "invoices": {},
    }
    for invoice in store["invoices"].values():
        order = orders[invoice["orders"][0]["id"]]
        key = str(order["number"]).removeprefix(ORDER_NUMBER_PREFIX)
        view["invoices"][key] = {"amount": invoice["amount"]}
    return view


def tripletex_copies(simulator: TripletexSimulator) -> Counter[tuple[str, str]]:
    """How many Tripletex records carry each Rackbeat key: exactly one each, or something doubled."""
    store = {name: simulator.records(name) for name in ("customers", "products", "orders", "invoices")}
    copies: Counter[tuple[str, str]] = Counter()
    copies.update(("customers", str(c["customerNumber"])) for c in store["customers"].values())
    copies.update(("products", str(p["number"])) for p in store["products"].values())
    copies.update(("orders", str(o["number"])) for o in store["orders"].values())
    for invoice in store["invoices"].values():
        copies[("invoices", str(store["orders"][invoice["orders"][0]["id"]]["number"]))] += 1
    return copies


def run_ongoing(moto_endpoint: str, size: Size, *, chaotic: bool, kill_rate: float = 0.05) -> OngoingOutcome:
    world = World(moto_endpoint, chaotic=chaotic, kill_rate=kill_rate)
    # The user's script comes from its own generator: the same in the calm and the chaotic run.
    script = random.Random(CHAOS_SEED)

    from functions.ongoing_sync import app

    original_context = app.context
    app.context = lambda: world.ctx  # type: ignore[assignment]
    driver = QueueDriver(
        world.sqs,
        world.queue_url,
        app.lambda_handler,
        FakeLambdaContext(),
        world.clock,
        world.chaos,
        batch_size=5,
    )
    stats = DrainStats()
    try:
        # 1. New customers and products, through their webhooks.
        customers = [7001 + i for i in range(size.customers)]
        products = [f"P-{i + 1:03d}" for i in range(size.products)]
        for customer_number in customers:
            world.user.create_customer(customer_number, f"Kunde {customer_number} AS")
        for i, product_number in enumerate(products):
            world.user.create_product(product_number, f"Vare {product_number}", round(50 + 7.5 * i, 2))
        world.webhooks(
            [world.task("customer", str(n), "customer.created") for n in customers]
            + [world.task("product", n, "product.created") for n in products],
            script,
        )
        if chaotic:
            # A Tripletex session dies mid-run, as a session does at midnight Oslo: the next
            # call gets a 401 and the client has to mint a new one.
            world.chaos.at_api_call(
                world.chaos.stats.api_calls + 40, lambda: revoke_sessions(world.tripletex, world.chaos)
            )
        world.drain(driver, stats)

        # 2. Lost webhooks: a customer and a product only an invoice (or the schedule) brings.
        quiet_customer, quiet_product = 7900, "P-900"
        world.user.create_customer(quiet_customer, "Stille Kunde AS")
        world.user.create_product(quiet_product, "Stille Vare", 99.0)
        # 3. Booked invoices and updates; every fifth webhook is lost.
        tasks: list[EntitySyncTask] = []
        for i in range(size.invoices):
            customer = quiet_customer if i == 0 else script.choice(customers)
            items = [
                (quiet_product if i == 0 and j == 0 else script.choice(products), float(script.randint(1, 5)))
                for j in range(script.randint(1, 3))
            ]
            lines = [
                (item, qty, float(world.rackbeat.records("products")[item]["sales_price"]))
                for item, qty in items
            ]
            booked = world.user.book_invoice(customer, lines, f"2025-03-{1 + i % 28:02d}")
            tasks.append(world.task("invoice", str(booked["number"]), "customer_invoice.booked"))
        for customer_number in script.sample(customers, size.updates):
            world.user.update_customer(customer_number, company_name=f"Kunde {customer_number} Endret AS")
            tasks.append(world.task("customer", str(customer_number), "customer.updated"))
        for product_number in script.sample(products, size.updates):
            price = world.rackbeat.records("products")[product_number]["sales_price"] + 10
            world.user.update_product(product_number, sales_price=price)
            tasks.append(world.task("product", product_number, "product.updated"))
        world.webhooks([t for i, t in enumerate(tasks) if i % 5 != 4], script)
        world.drain(driver, stats)

        # 4. The schedule: the backstop for what the webhooks missed.
        for _ in range(SCHEDULE_TICKS):
            world.tick()
            world.drain(driver, stats)
    finally:
        app.context = original_context
        clear_session_cache()

    expected: dict[str, dict[str, dict[str, Any]]] = {"customers": {}, "products": {}, "invoices": {}}
    for collection in ("customers", "products", "customer-invoices"):
        for record in world.rackbeat.records(collection).values():
            if collection == "customer-invoices" and not record.get("is_booked"):
                continue
            kind, key, fields = rackbeat_expectation(collection, record)
            expected[kind][key] = fields
    view = tripletex_view(world.tripletex)
    return OngoingOutcome(
        customers=view["customers"],  # type: ignore[arg-type]
        products=view["products"],
        invoices=view["invoices"],
        copies=tripletex_copies(world.tripletex),
        expected_customers=expected["customers"],  # type: ignore[arg-type]
        expected_products=expected["products"],
        expected_invoices=expected["invoices"],
        dead_letters=len(driver.dead_letters()),
        cursor_checks=world.cursor_checks,
        records_behind_cursors=world.records_behind_cursors,
        tripletex_statuses=api_statuses(world.tripletex),
        rackbeat_statuses=api_statuses(world.rackbeat),
        drain=stats,
        chaos=world.chaos.stats,
    )


def revoke_sessions(tripletex: TripletexSimulator, chaos: Chaos) -> None:
    tripletex.revoke_sessions()
    chaos.stats.session_revocations += 1


def assert_synced_once(outcome: OngoingOutcome) -> None:
    assert outcome.customers == outcome.expected_customers
    assert outcome.products == outcome.expected_products
    assert outcome.invoices == outcome.expected_invoices
    doubled = {key: n for key, n in outcome.copies.items() if n != 1}
    assert doubled == {}
    assert outcome.dead_letters == 0


def test_fault_free_ongoing_sync_is_the_reference(moto_endpoint: str) -> None:
    calm = run_ongoing(moto_endpoint, CI, chaotic=False)
    assert_synced_once(calm)
    # Every Rackbeat record of the script, the two only the invoice brought included.
    assert len(calm.expected_customers) == CI.customers + 1
    assert len(calm.expected_products) == CI.products + 1
    assert len(calm.expected_invoices) == CI.invoices
    assert calm.drain.killed == 0
    assert calm.cursor_checks >= 2 + SCHEDULE_TICKS
    assert calm.records_behind_cursors > 0


def test_ongoing_sync_under_faults_401_and_kills_ends_as_the_fault_free_run(moto_endpoint: str) -> None:
    calm = run_ongoing(moto_endpoint, CI, chaotic=False)
    chaotic = run_ongoing(moto_endpoint, CI, chaotic=True)
    assert_synced_once(chaotic)
    assert (chaotic.customers, chaotic.products, chaotic.invoices) == (
        calm.customers,
        calm.products,
        calm.invoices,
    )
    stats = chaotic.chaos
    assert stats.kills >= 20, f"only {stats.kills} kills"
    assert stats.kills_after_call > 0
    assert stats.session_revocations == 1
    assert chaotic.tripletex_statuses.get("401", 0) >= 1
    # Cursors were checked at every kill and after every drain.
    assert chaotic.cursor_checks >= stats.kills + 2 + SCHEDULE_TICKS
    assert chaotic.records_behind_cursors > 0
    # Some kills came right after Tripletex carried out a write whose answer was then lost.
    assert any(site.startswith("after tripletex P") for site in stats.kill_sites), stats.kill_sites
    statuses = Counter(chaotic.tripletex_statuses) + Counter(chaotic.rackbeat_statuses)
    for kind in ("429", "500", "502", "503", "timeout", "reset"):
        assert statuses[kind] > 0, f"no {kind} was injected: {statuses}"


@pytest.mark.slow
@pytest.mark.usefixtures("full_size")
def test_full_size_ongoing_sync_under_faults_401_and_kills(moto_endpoint: str) -> None:
    calm = run_ongoing(moto_endpoint, FULL, chaotic=False)
    chaotic = run_ongoing(moto_endpoint, FULL, chaotic=True, kill_rate=0.02)
    assert_synced_once(calm)
    assert_synced_once(chaotic)
    assert (chaotic.customers, chaotic.products, chaotic.invoices) == (
        calm.customers,
        calm.products,
        calm.invoices,
    )
    assert chaotic.chaos.kills >= 20
    assert chaotic.tripletex_statuses.get("401", 0) >= 1
