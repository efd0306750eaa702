"""What every property test runs on: AWS as moto in-process, provisioned from template.yaml once
per module, and the vendor clients wired to both simulators in-process with no request-budget
waits (the budget is not under test here; its waits would be most of each example); and how
both vendors' records are drawn (a real record's shape, each field a value, null or absent, plus
fields we have never heard of)."""

from __future__ import annotations

import copy
import datetime as dt
import os
import string
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from hypothesis import strategies as st
from moto import mock_aws

from local.aws import ProvisionedStack, provision
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import ClientFactory, secret_backed_clients
from rackbeat_tripletex.models.sync import RunOutcome
from rackbeat_tripletex.store.secrets import TenantSecrets
from tests.support.paths import TEMPLATE

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


# ----- what every example must end with ------------------------------------------------------
def assert_no_stream_stopped(runs: Sequence[Any], streams: int) -> None:
    """Every stream ran, and bad records stopped none of them (no run failed or paused)."""
    assert len(runs) == streams
    stopped = {r.stream.value: r.detail for r in runs if r.outcome in (RunOutcome.FAILED, RunOutcome.PAUSED)}
    assert stopped == {}


def assert_arrived_or_failed_once(
    outcomes: Iterable[tuple[Any, bool, int]], failure_rows: Counter[str]
) -> None:
    """``outcomes``: (record, arrived, its failure rows). No record has two failure rows, and each
    record either arrived or has exactly one: never both, never neither."""
    assert all(count == 1 for count in failure_rows.values()), failure_rows
    for record, arrived, rows in outcomes:
        assert arrived + rows == 1, (record, arrived, failure_rows)


# ----- drawing vendor records ----------------------------------------------------------------
ABSENT = object()


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value, null, or the field left out."""
    return st.one_of(values, st.none(), st.just(ABSENT))


TEXT = st.text(alphabet=string.ascii_letters + string.digits + " ÆØÅæøå-.,&/'", max_size=70)

EXTRA_NAME = st.text(alphabet=string.ascii_lowercase + "_", min_size=3, max_size=14).map(lambda s: "x_" + s)
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8))
EXTRAS = st.dictionaries(
    EXTRA_NAME,
    st.one_of(JSON_LEAF, st.lists(JSON_LEAF, max_size=2), st.dictionaries(EXTRA_NAME, JSON_LEAF, max_size=2)),
    max_size=3,
)


def vendor_record(
    shape: dict[str, Any], fields: dict[str, st.SearchStrategy[Any]], *, drop: tuple[str, ...] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """``shape`` with each of ``fields`` drawn (a value, null or left out) and unknown fields
    added; ``drop``: fields the simulator stamps itself, removed whatever was drawn."""

    def build(drawn: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
        record = copy.deepcopy(shape)
        for name, value in drawn.items():
            if value is ABSENT:
                record.pop(name, None)
            else:
                record[name] = value
        for name in drop:
            record.pop(name, None)
        return {**extras, **record}

    return st.builds(build, st.fixed_dictionaries({k: maybe(v) for k, v in fields.items()}), EXTRAS)
