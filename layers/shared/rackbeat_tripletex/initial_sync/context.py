"""Everything the initial sync talks to, built once per container (or by a test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from pydantic import SecretStr

from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.initial_sync import budget
from rackbeat_tripletex.store.failures import FailureStore
from rackbeat_tripletex.store.initial_sync import RunStore
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore


class MissingCredentials(Exception):
    """The tenant has no stored tokens (offboarded, or never linked)."""


@dataclass
class Clients:
    tripletex: TripletexClient
    rackbeat: RackbeatClient


ClientFactory = Callable[[str], AbstractContextManager[Clients]]


class QueueSender(Protocol):
    def send_message_batch(self, **kwargs: Any) -> dict[str, Any]: ...
    def send_message(self, **kwargs: Any) -> dict[str, Any]: ...


@dataclass
class InitialSyncContext:
    tenants: TenantStore
    runs: RunStore
    links: LinkStore
    failures: FailureStore
    sqs: QueueSender
    queue_url: str
    clients: ClientFactory
    ses: Any
    sender_email: str
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def from_table(cls, table: Any, **rest: Any) -> InitialSyncContext:
        return cls(
            tenants=TenantStore(table),
            runs=RunStore(table),
            links=LinkStore(table),
            failures=FailureStore(table),
            **rest,
        )

    @classmethod
    def from_config(cls, *, retry: RetryPolicy | None = None) -> InitialSyncContext:
        """``retry`` overrides the clients' retry policy: the API routes (dry run, start) must
        answer within API Gateway's 29 s, so they give up on a rate-limited vendor quickly."""
        config = runtime_config()
        options = None if retry is None else {"retry": retry}
        table = boto3.resource("dynamodb").Table(config.require("state_table_name"))
        secrets = TenantSecrets.from_config()
        return cls.from_table(
            table,
            sqs=boto3.client("sqs"),
            queue_url=config.require("initial_sync_queue_url"),
            clients=secret_backed_clients(
                secrets,
                config.tripletex_base_url,
                config.rackbeat_base_url,
                tripletex_options=options,
                rackbeat_options=options,
                bulk_import=True,
            ),
            ses=boto3.client("sesv2"),
            sender_email=config.require("sender_email"),
        )


def secret_backed_clients(
    secrets: TenantSecrets,
    tripletex_base_url: str,
    rackbeat_base_url: str,
    *,
    tripletex_options: Mapping[str, Any] | None = None,
    rackbeat_options: Mapping[str, Any] | None = None,
    bulk_import: bool = False,
) -> ClientFactory:
    """Clients for a tenant built from its secret, each held to its worker's share of the budget.

    ``bulk_import``: the initial import's writes carry ``suppress_webhooks`` (Rackbeat's advice
    for data imports); the ongoing sync's do not, so other apps on the account hear about
    records we create or change later (RACKBEAT-EVIDENCE mismatch 8).
    """

    @contextmanager
    def open_clients(tenant_id: str) -> Iterator[Clients]:
        credentials = secrets.get(tenant_id)
        if credentials is None:
            raise MissingCredentials(f"tenant {tenant_id} has no stored credentials")
        tripletex = TripletexClient(
            tripletex_base_url,
            TripletexCredentials(
                consumer_token=credentials.tripletex_consumer_token,
                employee_token=credentials.tripletex_employee_token,
            ),
            rate_per_second=budget.tripletex_rate_per_worker(),
            burst=5.0,
            **(tripletex_options or {}),
        )
        rackbeat = RackbeatClient(
            rackbeat_base_url,
            SecretStr(credentials.rackbeat_api_token.get_secret_value()),
            requests_per_minute=budget.rackbeat_per_minute_per_worker(),
            page_size=1000,
            suppress_webhooks=bulk_import,
            **(rackbeat_options or {}),
        )
        try:
            yield Clients(tripletex=tripletex, rackbeat=rackbeat)
        finally:
            tripletex.close()
            rackbeat.close()

    return open_clients
