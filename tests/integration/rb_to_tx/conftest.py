"""Both simulators in-process with real clients: records are made in Rackbeat, read back as
Rackbeat answers them, mapped, and written to Tripletex through ``TripletexClient``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

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
from tests.support.rb_to_tx_company import CONSUMER, EMPLOYEE, RACKBEAT_TOKEN, rackbeat_seed, tripletex_seed


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
