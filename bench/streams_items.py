"""Calls per record for issue 15's item streams, counted from the simulators' request logs.

One tenant on template.yaml provisioned in a private moto server, both simulators in-process:

* **Bills of materials -> Tripletex**: N lots created in Rackbeat, one scheduled run of
  ``lots_to_tripletex`` (the reference lists it reads once per run are included), then an idle
  run (nothing changed: target one call);
* **Deactivation**: N/5 synced products deleted in Rackbeat, one ``product.deleted`` task each;
* **Employees in the initial import**: N Tripletex employees, the employee step once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import boto3
import httpx
from pydantic import SecretStr

from bench import stack_env
from bench.core import Figure, Run, benchmark
from bench.vendor_calls import clear_logs, cycle_then_idle, vendor_calls
from local.seed.demo import demo_seed
from local.simulators.base import transport
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import create_app as tripletex_app

QUICK_N, FULL_N = 20, 100


@benchmark("streams_items", "Item streams: API calls per record (issue 15)")
def items_calls_per_record(run: Run) -> list[Figure]:
    from rackbeat_tripletex.auth import hash_management_token
    from rackbeat_tripletex.clients.http import RetryPolicy
    from rackbeat_tripletex.clients.tenant import secret_backed_clients
    from rackbeat_tripletex.clients.tripletex import clear_session_cache
    from rackbeat_tripletex.initial_sync.context import InitialSyncContext
    from rackbeat_tripletex.initial_sync.employees import import_employees
    from rackbeat_tripletex.models.domain import Credentials, Settings, Streams, Tenant, TenantStatus
    from rackbeat_tripletex.models.sync import EntitySyncTask, TenantSyncTask
    from rackbeat_tripletex.notify.email import Mailer
    from rackbeat_tripletex.store.secrets import TenantSecrets
    from rackbeat_tripletex.store.tenants import TenantStore
    from rackbeat_tripletex.sync.context import SyncContext
    from rackbeat_tripletex.sync.engine import SyncEngine

    n = QUICK_N if run.quick else FULL_N
    seed = demo_seed()
    seed["rackbeat"]["lots"] = []
    seed["tripletex"]["employees"] = [
        {"id": 100 + i, "firstName": f"Ansatt{i}", "lastName": "Demo", "email": f"ansatt{i}@demo.example"}
        for i in range(n)
    ]
    tripletex, rackbeat = tripletex_app(seed["tripletex"]), rackbeat_app(seed["rackbeat"])
    token = seed["rackbeat"]["api_token"]
    user = httpx.Client(
        transport=httpx.WSGITransport(app=rackbeat),
        base_url="http://rackbeat.test/api",
        headers={"Authorization": f"Bearer {token}"},
    )
    clear_session_cache()
    with stack_env.provisioned() as stack:
        endpoint = stack.endpoint
        table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(stack.outputs["StateTableName"])
        secrets = TenantSecrets(
            boto3.client("secretsmanager", endpoint_url=endpoint), str(stack.outputs["TenantSecretPrefix"])
        )
        now = dt.datetime.now(dt.UTC)
        tenant = Tenant(
            tenant_id=uuid.uuid4().hex,
            company_name="Nordlys Verktøy AS",
            contact_name="Åse",
            contact_email="ase@nordlysverktoy.no",
            status=TenantStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            management_token_hash=hash_management_token("m" * 43),
            settings_saved_at=now - dt.timedelta(minutes=1),
        )
        tenants = TenantStore(table)
        tenants.create(tenant)
        streams = Streams(products_to_tripletex=True, lots_to_tripletex=True)
        tenants.put_settings(
            tenant.tenant_id, Settings(streams=streams, notification_email="ase@nordlysverktoy.no")
        )
        secrets.put(
            tenant.tenant_id,
            Credentials(
                rackbeat_api_token=SecretStr(token),
                tripletex_consumer_token=SecretStr(seed["tripletex"]["consumer_token"]),
                tripletex_employee_token=SecretStr(seed["tripletex"]["employee_token"]),
            ),
        )
        no_wait = RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0)
        clients = secret_backed_clients(
            secrets,
            "http://tripletex.test/v2",
            "http://rackbeat.test/api",
            tripletex_options={"transport": transport(tripletex), "retry": no_wait},
            rackbeat_options={"transport": transport(rackbeat), "retry": no_wait},
        )
        ses = boto3.client("sesv2", endpoint_url=endpoint)
        ctx = SyncContext.from_table(table, clients=clients, mailer=Mailer(ses, "no-reply@example.com"))
        engine = SyncEngine(ctx)
        sync = TenantSyncTask(tenant_id=tenant.tenant_id)

        # Bills of materials: components first (their own stream), then N lots in one run.
        deleted = max(1, n // 5)
        for i in range(deleted):
            body = {"number": f"DEL-{i}", "name": f"Del {i}", "group": 1, "sales_price": 10.0}
            user.post("/products", json=body).raise_for_status()
        engine.run_tenant(sync)
        for i in range(n):
            body = {"number": f"BOM-{i}", "name": f"Sett {i}", "group": 1, "sales_price": 100.0 + i}
            user.post(
                "/lots", json={**body, "lines": [{"product_id": "DEL-0", "quantity": 2}]}
            ).raise_for_status()
        runs, lot_calls, idle_calls = cycle_then_idle(engine, sync, tripletex, rackbeat)
        written = runs["lots_to_tripletex"].written

        # Deactivation: products deleted in Rackbeat, one task each.
        for i in range(deleted):
            user.delete(f"/products/DEL-{i}").raise_for_status()
        clear_logs(tripletex, rackbeat)
        for i in range(deleted):
            task = EntitySyncTask(
                tenant_id=tenant.tenant_id,
                source="rackbeat",
                entity="product",
                key=f"DEL-{i}",
                event="product.deleted",
                deleted=True,
            )
            engine.run_entity(task)
        deactivation_calls = vendor_calls(tripletex, rackbeat)

        # Employees: the import's optional step.
        import_ctx: Any = InitialSyncContext.from_table(
            table,
            sqs=boto3.client("sqs", endpoint_url=endpoint),
            queue_url=str(stack.outputs["InitialSyncQueueUrl"]),
            clients=clients,
            ses=ses,
            sender_email="no-reply@example.com",
        )
        clear_logs(tripletex, rackbeat)
        with import_ctx.clients(tenant.tenant_id) as tenant_clients:
            counts = import_employees(import_ctx, tenant.tenant_id, tenant_clients)
        employee_calls = vendor_calls(tripletex, rackbeat)
    clear_session_cache()
    run.detail.update(
        lots=n,
        lots_written=written,
        lot_run_calls=lot_calls,
        deactivated=deleted,
        employees_created=counts.created,
        employee_calls=employee_calls,
    )
    return [
        Figure(
            "BOMs -> Tripletex: API calls per BOM (one run, reference reads included)",
            round(lot_calls / max(written, 1), 2),
            "calls",
            "<=",
            3.0,
            note=f"N={n}",
        ),
        Figure(
            "BOMs -> Tripletex: idle run",
            float(idle_calls),
            "calls",
            "<=",
            2.0,
            note="products and BOMs streams on",
        ),
        Figure(
            "deactivation: API calls per record deleted in Rackbeat",
            round(deactivation_calls / deleted, 2),
            "calls",
            "<=",
            4.0,
        ),
        Figure(
            "employees: API calls per employee imported",
            round(employee_calls / max(counts.created, 1), 2),
            "calls",
            "<=",
            1.1,
            note=f"N={n}",
        ),
    ]
