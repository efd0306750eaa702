"""The local stack with the whole demo dataset: the onboarding API over real HTTP, the Lambda
runner's SQS pollers on, both simulators on free ports.

The import writes about 1,300 records into Rackbeat, whose budget is 480 requests a minute: at
wall-clock speed that is minutes. The initial_sync function therefore gets a context whose API
clients wait on a virtual clock that moves both simulators' time forward (their rate-limit
windows included) instead of sleeping. Everything else is what the function builds itself:
the same layer code, moto through the template's resources, the simulators over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from local.aws import MotoServer, reset_moto
from local.seed.demo import demo_seed
from local.simulators import base
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from tests.support.import_world import World, worker_context
from tests.support.paths import TEMPLATE
from tests.support.stack import UNTHROTTLED, LeakRecorder, Stack

# Failed SQS messages come back after visibility / SPEEDUP seconds instead of 15 minutes.
SPEEDUP = 300.0


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    clear_session_cache()
    seed = demo_seed()
    tripletex = tripletex_app(seed["tripletex"])
    rackbeat = rackbeat_app(seed["rackbeat"])
    tripletex_server = base.serve(tripletex, "127.0.0.1", 0)
    rackbeat_server = base.serve(rackbeat, "127.0.0.1", 0)
    urls = {"tripletex": f"{tripletex_server.url}/v2", "rackbeat": f"{rackbeat_server.url}/api"}
    # moto's state is process-wide: start from empty, whatever ran before in this process.
    moto = MotoServer()
    reset_moto(moto.endpoint)
    local = LocalStack(
        TEMPLATE,
        ports=StackPorts.free(),
        speedup=SPEEDUP,
        parameter_overrides={
            "TripletexBaseUrl": urls["tripletex"],
            "RackbeatBaseUrl": urls["rackbeat"],
            **UNTHROTTLED,
        },
        poll_queues=True,
        run_schedules=False,
        shared_moto=moto,
    )
    recorder = LeakRecorder()
    local.start()
    try:
        assert local.runner is not None
        errors = local.runner.load_all()
        assert not errors, errors
        context = worker_context(local, tripletex, rackbeat, urls)
        # Every container: the pollers run two batches at once, each in a container of its own.
        local.runner.on_container("InitialSyncFunction", lambda app: app.use_context(context))
        recorder.attach()
        with httpx.Client(base_url=local.api_url, timeout=60.0) as http:
            stack = Stack(local, tripletex, rackbeat, recorder, http)
            stack.known_secrets |= {
                seed["rackbeat"]["api_token"],
                seed["tripletex"]["consumer_token"],
                seed["tripletex"]["employee_token"],
            }
            yield World(stack, seed)
    finally:
        local.stop()
        moto.stop()
        tripletex_server.shutdown()
        rackbeat_server.shutdown()
        clear_session_cache()
