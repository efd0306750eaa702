"""Everything the sync engine talks to, built once per container (or by a test)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3

from rackbeat_tripletex.clients.tenant import ClientFactory, secret_backed_clients
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.cursors import CursorStore
from rackbeat_tripletex.store.failures import FailureStore
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.runs import RunStore
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore


class MetricsSink(Protocol):
    def add_metric(self, name: str, unit: Any, value: float) -> None: ...
    def add_dimension(self, name: str, value: str) -> None: ...


class NoMetrics:
    def add_metric(self, name: str, unit: Any, value: float) -> None:
        return None

    def add_dimension(self, name: str, value: str) -> None:
        return None


@dataclass
class SyncContext:
    table: Any
    tenants: TenantStore
    cursors: CursorStore
    runs: RunStore
    links: LinkStore
    failures: FailureStore
    clients: ClientFactory
    mailer: Mailer
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    sleep: Callable[[float], None] = time.sleep
    metrics: MetricsSink = field(default_factory=NoMetrics)

    @classmethod
    def from_table(cls, table: Any, *, clients: ClientFactory, mailer: Mailer, **rest: Any) -> SyncContext:
        return cls(
            table=table,
            tenants=TenantStore(table),
            cursors=CursorStore(table),
            runs=RunStore(table),
            links=LinkStore(table),
            failures=FailureStore(table),
            clients=clients,
            mailer=mailer,
            **rest,
        )

    @classmethod
    def from_config(cls, **rest: Any) -> SyncContext:
        config = runtime_config()
        table = boto3.resource("dynamodb").Table(config.require("state_table_name"))
        return cls.from_table(
            table,
            # A tenant has one sync turn at a time (sync/work.py): its worker may spend all of
            # the tenant's budget.
            clients=secret_backed_clients(
                TenantSecrets.from_config(),
                config.tripletex_base_url,
                config.rackbeat_base_url,
                workers_per_tenant=1,
            ),
            mailer=Mailer.from_config(),
            **rest,
        )
