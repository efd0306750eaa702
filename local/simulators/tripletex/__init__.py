"""Tripletex API v2 simulator: ``create_app(seed)`` gives a WSGI app (see base.SimulatorApp)."""

from __future__ import annotations

from typing import Any

from local.simulators.tripletex.app import TripletexSimulator


def create_app(seed: dict[str, Any] | None = None, *, rng_seed: int = 0) -> TripletexSimulator:
    """``seed`` is the "tripletex" section of the seed file."""
    return TripletexSimulator(seed, rng_seed=rng_seed)


__all__ = ["TripletexSimulator", "create_app"]
