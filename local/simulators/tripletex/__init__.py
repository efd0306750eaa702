"""Tripletex API v2 simulator: ``create_app(seed)`` gives a WSGI app (see base.SimulatorApp)."""

from __future__ import annotations

from typing import Any

import httpx

from local.simulators.tripletex.app import TripletexSimulator


def create_app(
    seed: dict[str, Any] | None = None,
    *,
    rng_seed: int = 0,
    event_transport: httpx.BaseTransport | None = None,
) -> TripletexSimulator:
    """``seed`` is the "tripletex" section of the seed file; ``event_transport`` carries event
    deliveries (default: real sockets)."""
    return TripletexSimulator(seed, rng_seed=rng_seed, event_transport=event_transport)


__all__ = ["TripletexSimulator", "create_app"]
