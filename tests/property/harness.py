"""What every property test runs on: AWS as moto in-process, provisioned from template.yaml once
per module, and the vendor clients wired to both simulators in-process with no request-budget
waits (the budget is not under test here; its waits would be most of each example)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from moto import mock_aws

from local.aws import ProvisionedStack, provision
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import ClientFactory, secret_backed_clients
from rackbeat_tripletex.store.secrets import TenantSecrets
from tests.integration.conftest import TEMPLATE

NO_WAIT = RetryPolicy(max_attempts=2, base_delay=0.0, max_delay=0.0)


def no_wait(_: float) -> None:
    return None


@contextmanager
def in_process_aws() -> Iterator[ProvisionedStack]:
    """moto in-process: through the moto server an example cost ~1.9 s of HTTP on this machine."""
    endpoint = os.environ.pop("AWS_ENDPOINT_URL", None)  # moto in-process answers AWS's own hosts
    try:
        with mock_aws():
            yield provision(TEMPLATE, None)  # type: ignore[arg-type]
    finally:
        if endpoint is not None:
            os.environ["AWS_ENDPOINT_URL"] = endpoint


def no_wait_clients(
    secrets: TenantSecrets,
    tripletex: TripletexSimulator,
    rackbeat: RackbeatSimulator,
    *,
    bulk_import: bool = False,
) -> ClientFactory:
    def options(app: Any) -> dict[str, Any]:
        return {"transport": httpx.WSGITransport(app=app), "retry": NO_WAIT, "sleep": no_wait}

    return secret_backed_clients(
        secrets,
        "http://tripletex.test/v2",
        "http://rackbeat.test/api",
        tripletex_options=options(tripletex),
        rackbeat_options=options(rackbeat),
        bulk_import=bulk_import,
    )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
