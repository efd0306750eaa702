"""Bills of materials (Rackbeat lots) -> Tripletex products, under every variant the evidence
leaves open (EVIDENCE-NEW-STREAMS stream 1): the price in ``sales_price`` or only the 2018
``total_price``, a unit or none, ``lot.updated`` or only ``lot.created``; an invoice line for a
BOM finds its Tripletex product; a product converted to a BOM keeps its Tripletex product."""

from __future__ import annotations

from typing import Any

import pytest

from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.webhooks.rackbeat import task_for
from tests.support.seeds import GROUP_25
from tests.support.sync_world import Env, initial_import_done, tripletex_rows

LOTS = StreamName.LOTS_TO_TRIPLETEX


def _lot(env: Env, number: str, name: str, lines: list[tuple[str, float]], **extra: Any) -> dict[str, Any]:
    body = {
        "number": number,
        "name": name,
        "group": GROUP_25,
        "lines": [{"product_id": p, "quantity": q} for p, q in lines],
        **extra,
    }
    return env.user._send("POST", "/lots", body)["lot"]


def _products(env: Env) -> dict[str, dict[str, Any]]:
    return {p["number"]: p for p in tripletex_rows(env.tripletex, "products")}


def _run(env: Env) -> dict[StreamName, Any]:
    runs = env.run()
    assert all(r.outcome == RunOutcome.OK for r in runs.values()), {s: r.detail for s, r in runs.items()}
    return runs


@pytest.fixture
def lots_env(env: Env) -> Env:
    env.enable(LOTS.value)
    return env


@pytest.mark.parametrize("price_field", ["sales_price", "total_price"])
def test_a_bom_becomes_a_tripletex_product_priced_from_either_field(lots_env: Env, price_field: str) -> None:
    env = lots_env
    env.rackbeat.set_options({"lot_price_field": price_field})
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.create_product("P-2", "Spiker", 2.5)
    _lot(env, "KIT-1", "Snekkersett", [("P-1", 1), ("P-2", 40)], sales_price=180.0)
    runs = _run(env)
    assert runs[LOTS].written == 1
    kit = _products(env)["KIT-1"]
    assert kit["name"] == "Snekkersett"
    # sales_price when Rackbeat has it; else the 2018 total_price, the components' sum.
    assert kit["priceExcludingVatCurrency"] == (180.0 if price_field == "sales_price" else 200.0)
    assert kit["isInactive"] is False
    assert _run(env)[LOTS].written == 0  # the overlap re-reads; nothing is written twice


@pytest.mark.parametrize("unit", ["absent", "present"])
def test_a_bom_needs_no_unit_and_takes_one_when_rackbeat_gives_it(lots_env: Env, unit: str) -> None:
    env = lots_env
    env.rackbeat.set_options({"lot_unit": unit})
    env.user.create_product("P-1", "Hammer", 100.0)
    _lot(env, "KIT-1", "Sett", [("P-1", 1)], sales_price=150.0)
    _run(env)
    kit = _products(env)["KIT-1"]
    assert (kit.get("productUnit") is not None) == (unit == "present")


def test_a_barred_bom_is_inactive_in_tripletex_and_back(lots_env: Env) -> None:
    env = lots_env
    _lot(env, "KIT-1", "Sett", [], sales_price=150.0)
    _run(env)
    env.rackbeat.set_clock(offset_seconds=5)
    env.user._send("PUT", "/lots/KIT-1", {"is_barred": True})
    assert _run(env)[LOTS].written == 1
    assert _products(env)["KIT-1"]["isInactive"] is True
    env.rackbeat.set_clock(offset_seconds=10)
    env.user._send("PUT", "/lots/KIT-1", {"is_barred": False})
    _run(env)
    assert _products(env)["KIT-1"]["isInactive"] is False


@pytest.mark.parametrize("events", ["created_only", "created_updated"])
def test_bom_edits_arrive_by_webhook_where_rackbeat_has_the_event_else_by_schedule(
    lots_env: Env, events: str
) -> None:
    env = lots_env
    env.rackbeat.set_options({"lot_events": events})
    hooks = env.user.http.post("/webhooks", json={"event": "lot.updated", "url": "https://example.test/h"})
    assert hooks.status_code == (201 if events == "created_updated" else 422)
    created = _lot(env, "KIT-1", "Sett", [], sales_price=150.0)
    assert env.webhook("lot", created["number"]) == "written"  # lot.created, documented
    env.rackbeat.set_clock(offset_seconds=5)
    env.user._send("PUT", "/lots/KIT-1", {"sales_price": 175.0})
    delivered = [d.event for d in env.rackbeat.pending_deliveries()]
    assert ("lot.updated" in delivered) == (events == "created_updated")
    if events == "created_updated":
        assert env.webhook("lot", "KIT-1") == "written"
    else:
        assert _run(env)[LOTS].written == 1  # the scheduled backstop carries the edit
    assert _products(env)["KIT-1"]["priceExcludingVatCurrency"] == 175.0


def test_an_invoice_line_for_a_bom_finds_its_tripletex_product(lots_env: Env) -> None:
    env = lots_env
    env.user.create_customer(5001, "Kunde En AS")
    _lot(env, "KIT-1", "Sett", [], sales_price=200.0)
    env.user.book_invoice(5001, [("KIT-1", 2, 200.0)], "2025-01-10")
    # The invoice syncs its BOM first (a dependency, like a product), then itself.
    _run(env)
    kit_id = _products(env)["KIT-1"]["id"]
    [order] = tripletex_rows(env.tripletex, "orders")
    assert [line["product"]["id"] for line in order["orderLines"]] == [kit_id]
    assert env.ctx.links.get(env.tenant.tenant_id, "lot", "KIT-1").tripletex_id == kit_id


def test_a_product_converted_to_a_bom_keeps_its_tripletex_product(lots_env: Env) -> None:
    env = lots_env
    env.user.create_product("P-9", "Sett som var produkt", 300.0)
    _run(env)
    before = _products(env)["P-9"]
    env.rackbeat.set_clock(offset_seconds=5)
    env.rackbeat.convert_product_to_lot("P-9", [{"product_id": "P-1", "quantity": 1}])
    task = task_for(env.tenant.tenant_id, "product.deleted", {"key": "P-9", "converted_to_lot": True})
    assert task is not None
    assert task.entity == "lot"
    assert not task.deleted
    assert env.engine.run_entity(task) == "written"
    assert env.webhook("lot", "P-9") == "skipped"  # lot.created after it: already in step
    after = _products(env)["P-9"]
    assert after["id"] == before["id"]  # the same Tripletex product, taken over by the BOM
    assert after["isInactive"] is False  # a conversion is no deletion
    assert len([p for p in tripletex_rows(env.tripletex, "products") if p["number"] == "P-9"]) == 1


def test_a_boms_tripletex_product_never_comes_back_as_a_rackbeat_product(lots_env: Env) -> None:
    env = lots_env
    initial_import_done(env)
    env.enable(StreamName.PRODUCTS_TO_RACKBEAT.value)
    _lot(env, "KIT-1", "Sett", [], sales_price=150.0)
    runs = _run(env)
    assert runs[LOTS].written == 1
    assert "KIT-1" not in env.rackbeat.records("products")
    assert list(Streams.model_fields).index(LOTS.value) < list(Streams.model_fields).index(
        StreamName.INVOICES_TO_TRIPLETEX.value
    )
