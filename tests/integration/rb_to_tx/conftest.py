"""Both simulators in-process with real clients: records are made in Rackbeat, read back as
Rackbeat answers them, mapped, and written to Tripletex through ``TripletexClient``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from local.seed.demo import COUNTRY_ID
from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as create_rackbeat
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as create_tripletex
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials, clear_session_cache
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import Reference
from tests.integration.sync.conftest import env  # noqa: F401 - the engine against both simulators

CONSUMER = "consumer-token-rb2tx"
EMPLOYEE = "employee-token-rb2tx"
RACKBEAT_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJyYjJ0eCJ9.c2lnbmF0dXJl"

PRIVATE_GROUP = 2
GROUP_25, GROUP_15, GROUP_12, GROUP_0, GROUP_SERVICES = 1, 2, 3, 4, 5


def _vat(vat_id: int, percentage: float, name: str) -> dict[str, Any]:
    return {
        "id": vat_id,
        "number": str(vat_id),
        "name": name,
        "percentage": percentage,
        "typeOfVat": "OUTGOING",
    }


def tripletex_seed() -> dict[str, Any]:
    return {
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "grants": ["customer", "supplier", "product", "invoice"],
        "company": {"id": 42, "name": "Nordlys Verktøy AS", "organizationNumber": "923609016"},
        "vatTypes": [
            _vat(3, 25, "Utgående mva, høy sats"),
            _vat(31, 15, "Utgående mva, middels sats"),
            _vat(33, 12, "Utgående mva, lav sats"),
            _vat(5, 0, "Ingen utgående mva (innenfor mva-loven)"),
            _vat(6, 0, "Ingen utgående mva (utenfor mva-loven)"),
            _vat(52, 0, "Utførsel av varer og tjenester, fritatt"),
            {"id": 1, "number": "1", "name": "Inngående mva", "percentage": 25, "typeOfVat": "INCOMING"},
        ],
        "productUnits": [
            {"id": 1, "name": "Stykk", "nameShort": "stk"},
            {"id": 2, "name": "Time", "nameShort": "time"},
        ],
        "currencies": [
            {"id": 1, "code": "NOK", "description": "Norske kroner"},
            {"id": 2, "code": "SEK", "description": "Svenske kroner"},
            {"id": 4, "code": "EUR", "description": "Euro"},
        ],
    }


def rackbeat_seed() -> dict[str, Any]:
    def group(number: int, name: str, rate: float, inventory: bool = True) -> dict[str, Any]:
        return {
            "number": number,
            "name": name,
            "has_inventory": inventory,
            "vat_domestic": rate,
            "vat_eu": 0,
            "vat_abroad": 0,
        }

    return {
        "api_token": RACKBEAT_TOKEN,
        "self": {"user_account": {"id": 15355, "company_name": "Nordlys Verktøy AS"}, "user": {"id": 1}},
        "currencies": ["NOK", "SEK", "EUR"],
        "customer_groups": [{"number": 1, "name": "Bedrifter"}, {"number": PRIVATE_GROUP, "name": "Privat"}],
        "supplier_groups": [{"number": 1, "name": "Leverandører"}],
        "product_groups": [
            group(GROUP_25, "Varer", 25),
            group(GROUP_15, "Næringsmidler", 15),
            group(GROUP_12, "Persontransport", 12),
            group(GROUP_0, "Aviser", 0),
            group(GROUP_SERVICES, "Tjenester", 25, inventory=False),
        ],
        "payment_terms": [
            {"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"},
            {"number": 2, "name": "Netto 30 dager", "maturity_days": 30, "type": "net"},
        ],
        "units": [{"number": 1, "name": "stk"}, {"number": 2, "name": "time"}],
    }


@pytest.fixture
def tripletex_app() -> TripletexSimulator:
    return create_tripletex(tripletex_seed())


@pytest.fixture
def rackbeat_app() -> RackbeatSimulator:
    return create_rackbeat(rackbeat_seed())


class FakeTime:
    """Client waits (backoff, rate budget) move this clock, never the test's wall time."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def sleep(self, seconds: float) -> None:
        self.seconds += seconds

    def clock(self) -> float:
        return self.seconds


@pytest.fixture
def tripletex(tripletex_app: TripletexSimulator) -> Iterator[TripletexClient]:
    clear_session_cache()

    def sleep(seconds: float) -> None:
        # The simulator's rate window is on its own clock; waiting must move it.
        tripletex_app.clock_offset += dt.timedelta(seconds=seconds)

    def clock() -> float:
        return tripletex_app.now().timestamp()

    credentials = TripletexCredentials(consumer_token=CONSUMER, employee_token=EMPLOYEE)
    client = TripletexClient(
        "http://tripletex.test/v2",
        credentials,
        transport=transport(tripletex_app),
        now=tripletex_app.now,
        sleep=sleep,
        clock=clock,
        wall_clock=clock,
        rng=random.Random(3),
    )
    yield client
    client.close()
    clear_session_cache()


@pytest.fixture
def rackbeat(rackbeat_app: RackbeatSimulator) -> Iterator[RackbeatClient]:
    time = FakeTime()
    with RackbeatClient(
        "http://rackbeat.test/api",
        SecretStr(RACKBEAT_TOKEN),
        transport=transport(rackbeat_app),
        sleep=time.sleep,
        clock=time.clock,
        wall_clock=time.clock,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02),
    ) as client:
        yield client


@pytest.fixture
def reference(tripletex: TripletexClient, rackbeat: RackbeatClient) -> Reference:
    """Read once per run, as the sync does."""
    return Reference.build(
        vat_types=tripletex.list_vat_types(),
        product_units=tripletex.list_product_units(),
        currencies=tripletex.list_currencies(),
        countries=COUNTRY_ID,
        rackbeat_units=rackbeat.units(),
        payment_terms=rackbeat.payment_terms(),
        product_groups=rackbeat.product_groups(),
    )
