"""``world`` for the Tripletex -> Rackbeat path: the ongoing-sync world (both simulators over real
HTTP, the local stack on moto), with the Tripletex simulator delivering its events over sockets
to the local API. The local API is plain http, so the simulator runs with its documented
local-only relaxation ``allow_http_targets`` (ASSUMPTIONS.md 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_stack import World, running_world


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
    with running_world(seed(), rackbeat_seed()) as started:
        yield started
