"""Chaos for issue 15's item streams: bills of materials and deactivation, on the ongoing-sync
chaos world (``test_ongoing_sync_chaos.World``: the real ongoing_sync handler on SyncQueue, the
10 % fault mix on both APIs, the worker killed at random points, before or after a call).

A Rackbeat user makes products and BOMs (``lot.created`` webhooks, each delivered twice and
shuffled), edits and bars BOMs (no ``lot.updated``: the schedule carries them), deletes products
(``product.deleted``, twice) and books an invoice selling a BOM. The end state must equal the
fault-free run's: every BOM and product once in Tripletex with Rackbeat's name, price and barred
flag, every deleted product still there and inactive, the invoice line on the BOM's product,
and no message in the DLQ.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.models.sync import EntitySyncTask, StreamName
from tests.support.seeds import GROUP_25

from .chaos import DrainStats, QueueDriver
from .test_ongoing_sync_chaos import CHAOS_SEED, SCHEDULE_TICKS, World

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

PRODUCTS = [f"C-{i:02d}" for i in range(1, 9)]
DELETED = PRODUCTS[-2:]  # never on a BOM or an invoice: Rackbeat lets them go
LOTS = [f"KIT-{i}" for i in range(1, 6)]


@dataclass
class ItemsOutcome:
    products: dict[str, dict[str, Any]]
    copies: Counter[str]
    invoice_products: list[list[str]]
    deleted_links: dict[str, str | None]
    dead_letters: int
    kills: int
    kills_after_call: int


def run_items(moto_endpoint: str, *, chaotic: bool) -> ItemsOutcome:
    world = World(moto_endpoint, chaotic=chaotic, kill_rate=0.05)
    tenants = world.ctx.tenants
    settings = tenants.get_settings(world.tenant.tenant_id)
    assert settings is not None
    streams = settings.streams.model_copy(update={StreamName.LOTS_TO_TRIPLETEX.value: True})
    tenants.put_settings(world.tenant.tenant_id, settings.model_copy(update={"streams": streams}))
    script = random.Random(CHAOS_SEED)

    from functions.ongoing_sync import app

    original_context = app.context
    app.context = lambda: world.ctx  # type: ignore[assignment]
    driver = QueueDriver(
        world.sqs, world.queue_url, app.lambda_handler, _context(), world.clock, world.chaos, batch_size=5
    )
    stats = DrainStats()

    def deleted(number: str) -> EntitySyncTask:
        return EntitySyncTask(
            tenant_id=world.tenant.tenant_id,
            source="rackbeat",
            entity="product",
            key=number,
            event="product.deleted",
            deleted=True,
        )

    try:
        # 1. Components and BOMs, by their webhooks.
        for i, number in enumerate(PRODUCTS):
            world.user.create_product(number, f"Del {number}", 10.0 + i)
        for i, number in enumerate(LOTS):
            lines = [
                {"product_id": p, "quantity": 1 + j} for j, p in enumerate(script.sample(PRODUCTS[:-2], 2))
            ]
            body = {
                "number": number,
                "name": f"Sett {number}",
                "group": GROUP_25,
                "sales_price": 100.0 + 25 * i,
            }
            world.user._send("POST", "/lots", {**body, "lines": lines})
        world.webhooks(
            [world.task("product", n, "product.created") for n in PRODUCTS]
            + [world.task("lot", n, "lot.created") for n in LOTS],
            script,
        )
        world.drain(driver, stats)

        # 2. BOM edits and a barred BOM (schedule only), product deletions and a BOM on an invoice.
        world.clock.sleep(5)
        for number in script.sample(LOTS, 2):
            world.user._send("PUT", f"/lots/{number}", {"sales_price": 999.0, "name": f"Sett {number} ny"})
        world.user._send("PUT", f"/lots/{LOTS[0]}", {"is_barred": True})
        for number in DELETED:
            world.user._send("DELETE", f"/products/{number}")
        world.user.create_customer(7001, "Kunde Sett AS")
        booked = world.user.book_invoice(
            7001, [(LOTS[1], 2.0, 150.0), (PRODUCTS[0], 1.0, 10.0)], "2025-03-03"
        )
        world.webhooks(
            [deleted(n) for n in DELETED]
            + [world.task("customer", "7001", "customer.created")]
            + [world.task("invoice", str(booked["number"]), "customer_invoice.booked")],
            script,
        )
        world.drain(driver, stats)

        # 3. The schedule: the backstop for the BOM edits no webhook announces.
        for _ in range(SCHEDULE_TICKS):
            world.tick()
            world.drain(driver, stats)
    finally:
        app.context = original_context
        clear_session_cache()

    products = world.tripletex.records("products")
    by_id = {p["id"]: p["number"] for p in products.values()}
    invoice_products = [
        sorted(by_id[line["product"]["id"]] for line in order["orderLines"] if line.get("product"))
        for order in world.tripletex.records("orders").values()
    ]
    return ItemsOutcome(
        products={
            p["number"]: {
                "name": p["name"],
                "price": p["priceExcludingVatCurrency"],
                "inactive": p["isInactive"],
            }
            for p in products.values()
        },
        copies=Counter(p["number"] for p in products.values()),
        invoice_products=invoice_products,
        deleted_links={
            n: getattr(world.ctx.links.get(world.tenant.tenant_id, "product", n), "deleted_in", None)
            for n in DELETED
        },
        dead_letters=len(driver.dead_letters()),
        kills=world.chaos.stats.kills,
        kills_after_call=world.chaos.stats.kills_after_call,
    )


def _context() -> Any:
    from tests.support.lambda_context import FakeLambdaContext

    return FakeLambdaContext()


def expected_from_rackbeat_script(outcome: ItemsOutcome) -> None:
    """What the script's Rackbeat ends as, in Tripletex: each item once, deletions inactive."""
    assert set(outcome.products) == set(PRODUCTS) | set(LOTS)
    assert {number for number, n in outcome.copies.items() if n != 1} == set()
    assert all(outcome.products[n]["inactive"] for n in DELETED)
    assert outcome.deleted_links == dict.fromkeys(DELETED, "rackbeat")
    assert outcome.products[LOTS[0]]["inactive"] is True
    assert sum(1 for n in LOTS if outcome.products[n]["price"] == 999.0) == 2
    assert outcome.invoice_products == [sorted([LOTS[1], PRODUCTS[0]])]
    assert outcome.dead_letters == 0


def test_items_under_faults_and_kills_end_as_the_fault_free_run(moto_endpoint: str) -> None:
    calm = run_items(moto_endpoint, chaotic=False)
    expected_from_rackbeat_script(calm)
    assert calm.kills == 0
    chaotic = run_items(moto_endpoint, chaotic=True)
    expected_from_rackbeat_script(chaotic)
    assert chaotic.products == calm.products
    assert chaotic.invoice_products == calm.invoice_products
    assert chaotic.kills >= 5, f"only {chaotic.kills} kills"
    assert chaotic.kills_after_call > 0
