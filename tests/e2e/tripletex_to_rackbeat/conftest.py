"""``world`` for the Tripletex -> Rackbeat path: the ongoing-sync world (both simulators over real
HTTP, the local stack on moto), with the Tripletex simulator delivering its events over sockets
to the local API. The local API is plain http, so the simulator runs with its documented
local-only relaxation ``allow_http_targets`` (ASSUMPTIONS.md 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import MotoServer, reset_moto
from local.simulators import base
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from tests.e2e.ongoing_sync.conftest import TEMPLATE, World
from tests.integration.sync.sync_env import rackbeat_seed, tripletex_seed


def seed() -> dict[str, Any]:
    return {
        **tripletex_seed(),
        "options": {"allow_http_targets": True},
        # What the initial import brings over before the ongoing sync starts.
        "customers": [
            {"id": 501, "name": "Importert Kunde AS", "customerNumber": 10501, "isPrivateIndividual": True}
        ],
    }


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    tripletex = tripletex_app(seed())
    rackbeat = rackbeat_app(rackbeat_seed())
    tripletex_server = base.serve(tripletex, "127.0.0.1", 0)
    rackbeat_server = base.serve(rackbeat, "127.0.0.1", 0)
    moto = MotoServer()
    reset_moto(moto.endpoint)
    local = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        parameter_overrides={
            "TripletexBaseUrl": f"{tripletex_server.url}/v2",
            "RackbeatBaseUrl": f"{rackbeat_server.url}/api",
        },
        poll_queues=True,
        run_schedules=False,
        shared_moto=moto,
    )
    local.start()
    try:
        yield World(local, tripletex, rackbeat)
    finally:
        local.stop()
        moto.stop()
        tripletex_server.shutdown()
        rackbeat_server.shutdown()
