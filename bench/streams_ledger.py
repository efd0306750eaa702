"""Calls per record of issue 15's ledger streams: purchase orders, stock value, payment status.

One tenant on template.yaml's tables in a private moto server and both simulators in-process;
the engine runs the tenant's scheduled cycle. Counted from the simulators' request logs: the
vendor calls of the cycle that writes N records (purchase orders with two lines each and their
supplier and products; N months of stock value; N invoices, of which half are paid), divided by
N, and the calls of the idle cycle after it (nothing changed).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import boto3
import httpx

from bench import stack_env
from bench.core import Figure, Run, benchmark
from bench.vendor_calls import cycle_then_idle

TOKEN = "eyJhbGciOiJIUzI1NiJ9.bench-ledger.c2ln"  # noqa: S105 - the simulator's test token
CONSUMER, EMPLOYEE = "consumer-bench-ledger-0001", "employee-bench-ledger-0001"


def _seeds() -> tuple[dict[str, Any], dict[str, Any]]:
    tripletex = {
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "vatTypes": [{"id": 3, "number": "3", "name": "Utgående mva, høy sats", "percentage": 25.0}],
        "productUnits": [{"id": 1, "name": "Stykk", "nameShort": "stk"}],
        "paymentTypes": [{"id": 1, "description": "Betalt til bank"}],
    }
    group = {
        "number": 1,
        "name": "Varer",
        "has_inventory": True,
        "vat_domestic": 25,
        "vat_eu": 0,
        "vat_abroad": 0,
    }
    rackbeat = {
        "api_token": TOKEN,
        "self": {"user_account": {"id": 7, "company_name": "Bench AS"}},
        "currencies": ["NOK"],
        "customer_groups": [{"number": 1, "name": "Kunder"}],
        "supplier_groups": [{"number": 1, "name": "Leverandører"}],
        "product_groups": [group],
        "units": [{"number": 1, "name": "stk"}],
        "payment_terms": [{"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"}],
    }
    return tripletex, rackbeat


@benchmark("streams_ledger", "Ledger streams: vendor calls per record")
def streams_ledger(run: Run) -> list[Figure]:
    from local.simulators.rackbeat import create_app as rackbeat_app
    from local.simulators.rackbeat import purchasing, reports
    from local.simulators.tripletex import create_app as tripletex_app
    from rackbeat_tripletex.clients.tenant import secret_backed_clients
    from rackbeat_tripletex.models.domain import (
        Credentials,
        Settings,
        Tenant,
        TenantStatus,
    )
    from rackbeat_tripletex.models.sync import StreamName, TenantSyncTask
    from rackbeat_tripletex.notify.email import Mailer
    from rackbeat_tripletex.store.secrets import TenantSecrets
    from rackbeat_tripletex.sync.context import SyncContext
    from rackbeat_tripletex.sync.engine import SyncEngine

    n = 5 if run.quick else 20
    figures: list[Figure] = []
    with stack_env.provisioned() as stack:
        endpoint = stack.endpoint
        table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(stack.outputs["StateTableName"])
        secrets = TenantSecrets(
            boto3.client("secretsmanager", endpoint_url=endpoint), str(stack.outputs["TenantSecretPrefix"])
        )
        for stream in (
            StreamName.PURCHASE_ORDERS_TO_TRIPLETEX,
            StreamName.STOCK_VALUE_TO_TRIPLETEX,
            StreamName.PAYMENTS_TO_RACKBEAT,
        ):
            tripletex_seed, rackbeat_seed = _seeds()
            tripletex, rackbeat = tripletex_app(tripletex_seed), rackbeat_app(rackbeat_seed)
            now = dt.datetime.now(dt.UTC)
            today = now.date()
            wanted = {stream.value: True}
            if stream is StreamName.PAYMENTS_TO_RACKBEAT:
                wanted |= {
                    "customers_to_tripletex": True,
                    "products_to_tripletex": True,
                    "invoices_to_tripletex": True,
                }
            first_period = (today.replace(day=1) - dt.timedelta(days=31 * n)).replace(day=1)
            settings = Settings.model_validate(
                {
                    "notification_email": "bench@example.no",
                    "streams": wanted,
                    "invoice_mode": "invoice",
                    "stock_value": {
                        "schedule": "monthly",
                        "inventory_account": 1460,
                        "offset_account": 4090,
                        "first_period_from": first_period,
                    },
                }
            )
            tenant = Tenant(
                tenant_id=uuid.uuid4().hex,
                company_name="Bench AS",
                contact_name="Bench",
                contact_email="bench@example.no",
                status=TenantStatus.ACTIVE,
                created_at=now,
                updated_at=now,
                management_token_hash="x",  # noqa: S106 - never checked here
                settings_saved_at=now - dt.timedelta(minutes=1),
            )
            ctx = SyncContext.from_table(
                table,
                clients=secret_backed_clients(
                    secrets,
                    "http://tripletex.test/v2",
                    "http://rackbeat.test/api",
                    tripletex_options={"transport": httpx.WSGITransport(app=tripletex)},
                    rackbeat_options={"transport": httpx.WSGITransport(app=rackbeat)},
                ),
                mailer=Mailer(boto3.client("sesv2", endpoint_url=endpoint), "no-reply@example.com"),
            )
            ctx.tenants.create(tenant)
            ctx.tenants.put_settings(tenant.tenant_id, settings)
            secrets.put(
                tenant.tenant_id,
                Credentials.model_validate(
                    {
                        "rackbeat_api_token": TOKEN,
                        "tripletex_consumer_token": CONSUMER,
                        "tripletex_employee_token": EMPLOYEE,
                    }
                ),
            )
            user = httpx.Client(
                transport=httpx.WSGITransport(app=rackbeat),
                base_url="http://rackbeat.test/api",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            engine = SyncEngine(ctx)
            task = TenantSyncTask(tenant_id=tenant.tenant_id)
            if stream is StreamName.PURCHASE_ORDERS_TO_TRIPLETEX:
                user.post(
                    "/suppliers", json={"number": 3001, "company_name": "Lev AS", "payment_terms_id": 1}
                )
                for i in range(2 * n):
                    user.post(
                        "/products",
                        json={
                            "number": f"B-{i}",
                            "name": f"Vare {i}",
                            "group": 1,
                            "unit_id": 1,
                            "sales_price": 10.0,
                        },
                    )
                for i in range(n):
                    purchasing.create_order(
                        rackbeat,
                        3001,
                        [(f"B-{2 * i}", 3, 5), (f"B-{2 * i + 1}", 1, 7)],
                        delivery=today.isoformat(),
                    )
                what = "order (its supplier and 2 products synced on the way)"
            elif stream is StreamName.STOCK_VALUE_TO_TRIPLETEX:
                for month in range(n):
                    day = first_period + dt.timedelta(days=31 * month + 5)
                    reports.books(rackbeat).stock_movements.append((day, Decimal(100 + month)))
                what = "period posted"
            else:
                user.post(
                    "/customers",
                    json={
                        "number": 5001,
                        "company_name": "Kunde AS",
                        "customer_group_id": 1,
                        "vat_zone": "domestic",
                        "currency": "NOK",
                        "payment_terms_id": 1,
                    },
                )
                user.post(
                    "/products",
                    json={"number": "P-1", "name": "Vare", "group": 1, "unit_id": 1, "sales_price": 10.0},
                )
                for _ in range(n):
                    draft = user.post(
                        "/customer-invoices/drafts",
                        json={
                            "customer_id": 5001,
                            "currency": "NOK",
                            "invoice_date": today.isoformat(),
                            "lines": [
                                {"item_id": "P-1", "quantity": 1, "line_price": 10.0, "vat_percentage": 25}
                            ],
                        },
                    ).json()["customer_invoice"]
                    user.post(f"/customer-invoices/{draft['number']}/book", json={})
                engine.run_tenant(task)  # the invoices reach Tripletex first
                for invoice in list(tripletex.records("invoices").values())[: n // 2 or 1]:
                    invoice["amountOutstanding"] = 0.0
                what = "invoice followed"
            runs, calls, idle = cycle_then_idle(engine, task, tripletex, rackbeat)
            written = runs[stream].written or runs[stream].read
            run.detail[stream.value] = {
                "records": written,
                "calls": calls,
                "idle_calls": idle,
                "run": runs[stream].model_dump(mode="json"),
            }
            figures.append(Figure(f"{stream.value} calls per {what}", calls / max(1, written), "calls"))
            figures.append(Figure(f"{stream.value} idle cycle", float(idle), "calls"))
    return figures
