"""The local stack with the whole demo dataset: the onboarding API over real HTTP, the Lambda
runner's SQS pollers on, both simulators on free ports.

The import writes about 1,300 records into Rackbeat, whose budget is 480 requests a minute: at
wall-clock speed that is minutes. The initial_sync function therefore gets a context whose API
clients wait on a virtual clock that moves both simulators' time forward (their rate-limit
windows included) instead of sleeping. Everything else is what the function builds itself:
the same layer code, moto through the template's resources, the simulators over HTTP.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

from local.aws import MotoServer, reset_moto
from local.seed.demo import demo_seed
from local.simulators import base
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack, StackPorts
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import secret_backed_clients
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.initial_sync.context import InitialSyncContext
from rackbeat_tripletex.store.secrets import TenantSecrets
from tests.e2e.initial_sync.initial_sync_e2e import World
from tests.e2e.onboarding.onboarding_e2e import TEMPLATE, LeakRecorder, Stack

# Failed SQS messages come back after visibility / SPEEDUP seconds instead of 15 minutes.
SPEEDUP = 300.0


class VirtualClock:
    """Time for the worker's API clients: a sleep moves both simulators' clocks forward."""

    def __init__(self, *apps: base.SimulatorApp) -> None:
        self.apps = apps
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            for app in self.apps:
                app.clock_offset += dt.timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return self.apps[0].now().timestamp()


def _worker_context(
    local: LocalStack, tripletex: Any, rackbeat: Any, urls: dict[str, str]
) -> InitialSyncContext:
    assert local.runner is not None
    assert local.moto is not None
    env = local.runner.function("InitialSyncFunction").environment.values
    endpoint = local.moto.endpoint
    clock = VirtualClock(tripletex, rackbeat)
    common: dict[str, Any] = {
        "sleep": clock.sleep,
        "clock": clock.monotonic,
        "wall_clock": clock.monotonic,
        "retry": RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=5.0),
    }
    secrets = TenantSecrets(
        boto3.client("secretsmanager", endpoint_url=endpoint), env["TENANT_SECRET_PREFIX"]
    )
    return InitialSyncContext.from_table(
        boto3.resource("dynamodb", endpoint_url=endpoint).Table(env["STATE_TABLE_NAME"]),
        sqs=boto3.client("sqs", endpoint_url=endpoint),
        queue_url=env["INITIAL_SYNC_QUEUE_URL"],
        clients=secret_backed_clients(
            secrets,
            urls["tripletex"],
            urls["rackbeat"],
            tripletex_options={**common, "now": tripletex.now},
            rackbeat_options=common,
        ),
        ses=boto3.client("sesv2", endpoint_url=endpoint),
        sender_email=env["SENDER_EMAIL"],
        now=tripletex.now,
    )


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
        parameter_overrides={"TripletexBaseUrl": urls["tripletex"], "RackbeatBaseUrl": urls["rackbeat"]},
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
        worker = local.runner.function("InitialSyncFunction")
        sys.modules[f"{worker.package_name}.app"].use_context(
            _worker_context(local, tripletex, rackbeat, urls)
        )
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
