"""The benchmarks in the order they run (the cost model last: it reads the others' figures)."""

from __future__ import annotations

import importlib

MODULES = (
    "bench.cold_start",
    "bench.mapper_cpu",
    "bench.initial_sync",
    "bench.idle_cost",
    "bench.streams_items",
    "bench.cost_model",
    "bench.streams_ledger",
)


def load() -> None:
    for name in MODULES:
        importlib.import_module(name)
