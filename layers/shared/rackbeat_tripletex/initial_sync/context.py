"""Everything the initial sync talks to, built once per container (or by a test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3

from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import ClientFactory, secret_backed_clients
from rackbeat_tripletex.config import runtime_config
from rackbeat_tripletex.store.failures import FailureStore
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.runs import RunStore
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore


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
