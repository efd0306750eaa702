"""The Rackbeat API simulator (see ``specs/rackbeat-openapi.yaml``; guesses live in ``assumptions``)."""

from __future__ import annotations

from typing import Any

import httpx

from local.simulators.rackbeat.app import RackbeatSimulator


def create_app(
    seed: dict[str, Any] | None = None,
    *,
    rng_seed: int = 0,
    webhook_transport: httpx.BaseTransport | None = None,
) -> RackbeatSimulator:
    """A Rackbeat simulator loaded with the ``rackbeat`` section of a seed file (or empty)."""
    return RackbeatSimulator(seed, rng_seed=rng_seed, webhook_transport=webhook_transport)


__all__ = ["RackbeatSimulator", "create_app"]
