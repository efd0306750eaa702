"""Integration fixtures (moto, the template and the local stack come from tests.support.fixtures).

``env``: one active tenant wired to both simulators in-process and to moto provisioned from
template.yaml (StateTable, tenant secrets, SES), with a sync engine that never sleeps.
``handler_stack``: the local stack whose handlers a test invokes itself (no SQS pollers, no
schedules), for feeding the sample events in events/ to their functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import boto3
import httpx
import pytest

from local.aws import ProvisionedStack
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import LocalStack
from rackbeat_tripletex.clients.http import RetryPolicy
from rackbeat_tripletex.clients.tenant import secret_backed_clients
from rackbeat_tripletex.clients.tripletex import clear_session_cache
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.engine import SyncEngine
from tests.support.seeds import rackbeat_seed, tripletex_seed
from tests.support.sync_world import Env, Interleave, RackbeatUser, add_tenant

NO_WAIT = RetryPolicy(max_attempts=2, base_delay=0.0, max_delay=0.0)


@pytest.fixture
def env(aws_stack: ProvisionedStack) -> Iterator[Env]:
    clear_session_cache()
    tripletex = tripletex_app(tripletex_seed())
    rackbeat = rackbeat_app(rackbeat_seed())
    wire = Interleave(tripletex)
    table = boto3.resource("dynamodb").Table(aws_stack.outputs["StateTableName"])
    tenants = TenantStore(table)
    secrets = TenantSecrets(boto3.client("secretsmanager"), aws_stack.outputs["TenantSecretPrefix"])
    tenant = add_tenant(tenants, secrets)
    clients = secret_backed_clients(
        secrets,
        "http://tripletex.test/v2",
        "http://rackbeat.test/api",
        tripletex_options={"transport": httpx.WSGITransport(app=wire), "retry": NO_WAIT},
        rackbeat_options={"transport": httpx.WSGITransport(app=rackbeat), "retry": NO_WAIT},
    )
    ctx = SyncContext.from_table(
        table,
        clients=clients,
        mailer=Mailer(boto3.client("sesv2"), aws_stack.physical["SenderIdentity"].ref),
        sleep=lambda _: None,
    )
    yield Env(ctx, SyncEngine(ctx), tenant, tripletex, rackbeat, RackbeatUser(rackbeat), secrets, wire)
    clear_session_cache()


@pytest.fixture
def handler_stack(start_local_stack: Callable[..., LocalStack]) -> LocalStack:
    return start_local_stack(poll_queues=False, run_schedules=False)
