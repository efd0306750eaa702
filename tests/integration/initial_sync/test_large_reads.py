"""The import reads past Tripletex's 10,000-result limit on every entity it imports: the plan's
list of ids and numbers (``read_numbers``) holds every record once, and a page's records are
read by id, 200 a call, whatever the entity's size (issue 14: ``make bench N=25000``).

Products are read at the real limit. Customers and suppliers are split by lists of 1,000
numbers (they have no range filter), 200 queries to cover numbers up to 200,000, and the
simulator checks each record against each list: at 10,000 records that is minutes, so their
test lowers the simulator's limit to 200 and keeps every other step the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.seed.demo import demo_seed
from local.simulators.base import transport
from local.simulators.tripletex import TripletexSimulator, create_app
from local.simulators.tripletex import app as simulator
from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials, clear_session_cache
from rackbeat_tripletex.initial_sync.records import importing, read_by_ids, read_numbers, record_id
from rackbeat_tripletex.models.sync import ImportEntity
from tests.support.tripletex_wire import many_products

# Over the limit in one query, and still over it among the active records alone.
SIZE = 10_300
PARTY_LIMIT, PARTY_SIZE = 200, 260
NUMBER_FIELD = {"customer": "customerNumber", "supplier": "supplierNumber"}


def _parties(entity: str, start: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i + 1,
            "name": f"{entity.title()} {i} AS",
            # Ten numbers apart: a block of 1,000 numbers holds 100 records, under the lowered
            # limit as a block of real numbers is under the real one.
            NUMBER_FIELD[entity]: start + 10 * i,
            "isInactive": i % 50 == 0,
        }
        for i in range(PARTY_SIZE)
    ]


@pytest.fixture(scope="module")
def tripletex() -> Iterator[tuple[TripletexSimulator, TripletexClient]]:
    seed = demo_seed()["tripletex"]
    seed.update(
        customers=_parties("customer", 10_001),
        suppliers=_parties("supplier", 20_001),
        products=many_products(SIZE),
    )
    app = create_app(seed)
    app.set_faults({"rate_limit_scale": 1000})
    clear_session_cache()
    with TripletexClient(
        "http://tripletex.test/v2",
        TripletexCredentials(consumer_token=seed["consumer_token"], employee_token=seed["employee_token"]),
        transport=transport(app),
        sleep=lambda _: None,
        now=app.now,
    ) as client:
        yield app, client
    clear_session_cache()


@pytest.mark.parametrize("entity", ["customer", "supplier", "product"])
def test_the_plan_reads_every_record_once_past_the_result_limit(
    tripletex: tuple[TripletexSimulator, TripletexClient],
    entity: ImportEntity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, client = tripletex
    size = SIZE
    if entity != "product":
        monkeypatch.setattr(simulator, "RESULT_LIMIT", PARTY_LIMIT)
        size = PARTY_SIZE
    app.clear_requests()
    numbers = read_numbers(client, importing(entity))
    assert sorted(numbers) == list(range(1, size + 1))
    assert all(numbers.values())
    refused = [e for e in app.request_log if e["status"] == 422]
    assert refused, "the read never met the 10,000 limit"

    app.clear_requests()
    page = list(range(max(1, size - 450), size + 1))
    rows = read_by_ids(client, importing(entity), page)
    assert [record_id(r) for r in rows] == page
    # Customers and suppliers are asked for once per state (active, inactive): Tripletex answers
    # only active ones unless told.
    states = 1 if entity == "product" else 2
    assert len(app.request_log) == states * -(-len(page) // budget.IDS_PER_READ)
