"""Fixtures for the Rackbeat simulator and client: a small seeded account, in-process transport."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from local.simulators.base import transport
from local.simulators.rackbeat import RackbeatSimulator, create_app
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from tests.support.rackbeat_account import BASE, TOKEN, Receiver, small_seed


@pytest.fixture
def sim() -> RackbeatSimulator:
    return create_app(small_seed())


@pytest.fixture
def http(sim: RackbeatSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=BASE, transport=transport(sim), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        yield client


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sim: RackbeatSimulator, sleeps: list[float]) -> Iterator[RackbeatClient]:
    with RackbeatClient(
        BASE,
        SecretStr(TOKEN),
        transport=transport(sim),
        sleep=sleeps.append,
        retry=RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05),
        page_size=20,
    ) as rackbeat:
        yield rackbeat


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def hooked_sim(receiver: Receiver) -> RackbeatSimulator:
    return create_app(small_seed(), webhook_transport=httpx.WSGITransport(app=receiver))
