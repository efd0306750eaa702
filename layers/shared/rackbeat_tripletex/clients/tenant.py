"""A tenant's two API clients, built from its secret for one piece of work and closed after it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from rackbeat_tripletex.clients import budget
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.store.secrets import TenantSecrets


class MissingCredentials(Exception):
    """The tenant has no stored tokens (offboarded, or never linked)."""


@dataclass
class Clients:
    tripletex: TripletexClient
    rackbeat: RackbeatClient


ClientFactory = Callable[[str], AbstractContextManager[Clients]]


def secret_backed_clients(
    secrets: TenantSecrets,
    tripletex_base_url: str,
    rackbeat_base_url: str,
    *,
    tripletex_options: Mapping[str, Any] | None = None,
    rackbeat_options: Mapping[str, Any] | None = None,
    bulk_import: bool = False,
    workers_per_tenant: int = budget.MAX_CONCURRENT_WORKERS,
) -> ClientFactory:
    """Clients for a tenant built from its secret, each held to its worker's share of the budget.

    ``bulk_import``: the initial import's writes carry ``suppress_webhooks`` (Rackbeat's advice
    for data imports); the ongoing sync's do not, so other apps on the account hear about
    records we create or change later (RACKBEAT-EVIDENCE mismatch 8).

    ``workers_per_tenant``: how many workers may serve one tenant at once, each held to that
    share of the tenant's limits (the import: its queue's concurrency; the ongoing sync: 1, a
    tenant has one turn at a time, sync/work.py).
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
            rate_per_second=budget.TRIPLETEX_REQUESTS_PER_SECOND / workers_per_tenant,
            burst=5.0,
            **(tripletex_options or {}),
        )
        rackbeat = RackbeatClient(
            rackbeat_base_url,
            SecretStr(credentials.rackbeat_api_token.get_secret_value()),
            requests_per_minute=budget.RACKBEAT_REQUESTS_PER_MINUTE // workers_per_tenant,
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
