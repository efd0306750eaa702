"""The local stack against the two API simulators, as the benchmarks and the sync tests run it:
each simulator (or anything that answers their paths, such as the storm's routers) on a free port
in a thread of this process, the stack on free ports with its SQS pollers on and its schedules
off (the caller fires them when it wants a cycle)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, NamedTuple

from local.aws import MotoServer
from local.simulators import base
from local.stack import LocalStack, StackPorts

# Where moto runs: "stack", the stack's own; "shared", a server of this process that is reset
# first (moto's state is process-wide); "process", a child interpreter, so that moto's CPU does
# not share the GIL with the workers and simulators being measured.
MotoPlace = Literal["stack", "shared", "process"]


class SimulatedStack(NamedTuple):
    local: LocalStack
    # The base URLs the stack's functions call: {"tripletex": ".../v2", "rackbeat": ".../api"}.
    urls: dict[str, str]


@contextmanager
def simulated_stack(
    template: Path, tripletex: Any, rackbeat: Any, *, moto: MotoPlace = "stack"
) -> Iterator[SimulatedStack]:
    servers = [base.serve(tripletex, "127.0.0.1", 0), base.serve(rackbeat, "127.0.0.1", 0)]
    urls = {"tripletex": f"{servers[0].url}/v2", "rackbeat": f"{servers[1].url}/api"}
    shared = None if moto == "stack" else MotoServer(process=moto == "process")
    try:
        if shared is not None:
            shared.reset()
        stack = LocalStack(
            template,
            ports=StackPorts.free(),
            parameter_overrides={"TripletexBaseUrl": urls["tripletex"], "RackbeatBaseUrl": urls["rackbeat"]},
            poll_queues=True,
            run_schedules=False,
            shared_moto=shared,
        )
        with stack:
            yield SimulatedStack(stack, urls)
    finally:
        if shared is not None:
            shared.stop()
        for server in servers:
            server.shutdown()
