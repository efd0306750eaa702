"""``world`` (per test module): the ongoing sync on the local stack (tests.support.sync_stack)
with the Fjord Lager seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_stack import World, running_world


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with running_world(tripletex_seed(), rackbeat_seed()) as started:
        yield started
