"""Fixtures: the Tripletex simulator in-process and a TripletexClient wired to it.

The client's sleep advances the simulator's clock instead of waiting, so backoff and rate-limit
waits cost nothing and still mean something to the simulator's rolling window.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local.simulators.base import transport
from local.simulators.tripletex import TripletexSimulator, create_app
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials, clear_session_cache

CONSUMER = "consumer-token-abc123"
EMPLOYEE = "employee-token-xyz789"


def base_seed() -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "grants": ["customer", "supplier", "product", "invoice"],
        "company": {"id": 77, "name": "Fjellbutikken AS", "organizationNumber": "912345678"},
        "vatTypes": [
            {
                "id": 3,
                "name": "Utgående mva, høy sats",
                "number": "3",
                "percentage": 25,
                "typeOfVat": "OUTGOING",
            },
            {
                "id": 31,
                "name": "Utgående mva, middels sats",
                "number": "31",
                "percentage": 15,
                "typeOfVat": "OUTGOING",
            },
            {"id": 5, "name": "Ingen utgående mva", "number": "5", "percentage": 0, "typeOfVat": "OUTGOING"},
            {
                "id": 1,
                "name": "Inngående mva, høy sats",
                "number": "1",
                "percentage": 25,
                "typeOfVat": "INCOMING",
            },
        ],
        "productUnits": [
            {"id": 1, "name": "Stykk", "nameShort": "stk"},
            {"id": 2, "name": "Time", "nameShort": "t"},
        ],
        "currencies": [{"id": 1, "code": "NOK", "description": "Norske kroner"}, {"id": 2, "code": "EUR"}],
        "paymentTypes": [{"id": 1, "description": "Betalt til bank"}],
        "customers": [
            {
                "id": 1,
                "name": "Åsen Bygg AS",
                "customerNumber": 10001,
                "organizationNumber": "987654321",
                "postalAddress": {"addressLine1": "Storgata 1", "postalCode": "0155", "city": "Oslo"},
            },
            {"id": 2, "name": "Kari Nordmann", "customerNumber": 10002, "isPrivateIndividual": True},
        ],
        "suppliers": [
            {"id": 1, "name": "Grossist AS", "supplierNumber": 1, "organizationNumber": "923456789"}
        ],
        "products": [
            {
                "id": 1,
                "name": "Hammer",
                "number": "H-1",
                "priceExcludingVatCurrency": 200,
                "vatType": {"id": 3},
            },
        ],
    }


class SimClock:
    """The test's notion of time: the simulator's clock, moved forward by the client's sleeps."""

    def __init__(self, app: TripletexSimulator) -> None:
        self.app = app
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.app.clock_offset += dt.timedelta(seconds=seconds)

    def now(self) -> dt.datetime:
        return self.app.now()


@pytest.fixture
def seed() -> dict[str, Any]:
    return base_seed()


@pytest.fixture
def app(seed: dict[str, Any]) -> TripletexSimulator:
    return create_app(seed)


@pytest.fixture
def clock(app: TripletexSimulator) -> SimClock:
    return SimClock(app)


@pytest.fixture
def make_client(app: TripletexSimulator, clock: SimClock) -> Iterator[Callable[..., TripletexClient]]:
    clear_session_cache()
    clients: list[TripletexClient] = []

    def make(consumer: str = CONSUMER, employee: str = EMPLOYEE, **kwargs: Any) -> TripletexClient:
        credentials = TripletexCredentials(consumer_token=consumer, employee_token=employee)
        options: dict[str, Any] = {
            "transport": transport(app),
            "sleep": clock.sleep,
            "now": clock.now,
            "clock": lambda: clock.now().timestamp(),
            "wall_clock": lambda: clock.now().timestamp(),
            "rng": random.Random(7),
            **kwargs,
        }
        client = TripletexClient("http://tripletex.test/v2", credentials, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    clear_session_cache()


@pytest.fixture
def client(make_client: Callable[..., TripletexClient]) -> TripletexClient:
    return make_client()
