"""A tenant wired to both simulators, for the ongoing-sync tests (integration and end-to-end):
``Env`` (the engine against both simulators in-process), a Rackbeat user, and what they read back.
The company's seeds are in ``tests.support.seeds``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.tripletex import TripletexSimulator
from rackbeat_tripletex.auth import hash_management_token
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.models.domain import Credentials, Settings, Streams, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import (
    Entity,
    EntitySyncTask,
    InitialSyncRequest,
    PaymentTermsMapping,
    ReferenceData,
    RunState,
    StreamName,
    TenantSyncTask,
)
from rackbeat_tripletex.store.runs import RunRecord
from rackbeat_tripletex.store.secrets import TenantSecrets
from rackbeat_tripletex.store.tenants import TenantStore
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.engine import SyncEngine
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, GROUP_25, RACKBEAT_TOKEN

SETTINGS = Settings(
    streams=Streams(customers_to_tripletex=True, products_to_tripletex=True, invoices_to_tripletex=True),
    invoice_mode="invoice",
    notification_email="owner@fjordlager.no",
)


def add_tenant(tenants: TenantStore, secrets: TenantSecrets, settings: Settings = SETTINGS) -> Tenant:
    now = dt.datetime.now(dt.UTC)
    tenant = Tenant(
        tenant_id=uuid.uuid4().hex,
        company_name="Fjord Lager AS",
        contact_name="Ingrid Fjord",
        contact_email=f"owner-{uuid.uuid4().hex[:8]}@fjordlager.no",
        status=TenantStatus.ACTIVE,
        created_at=now,
        updated_at=now,
        management_token_hash=hash_management_token("m" * 43),
        settings_saved_at=now - dt.timedelta(minutes=1),
    )
    tenants.create(tenant)
    tenants.put_settings(tenant.tenant_id, settings)
    secrets.put(
        tenant.tenant_id,
        Credentials.model_validate(
            {
                "rackbeat_api_token": RACKBEAT_TOKEN,
                "tripletex_consumer_token": CONSUMER_TOKEN,
                "tripletex_employee_token": EMPLOYEE_TOKEN,
            }
        ),
    )
    return tenant


class RackbeatUser:
    """Someone working in Rackbeat: every write fires webhooks, as a person's writes do."""

    def __init__(self, simulator: RackbeatSimulator, token: str = RACKBEAT_TOKEN) -> None:
        self.http = httpx.Client(
            transport=httpx.WSGITransport(app=simulator),
            base_url="http://rackbeat.test/api",
            headers={"Authorization": f"Bearer {token}"},
        )

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.request(method, path, json=body)
        assert response.status_code < 300, response.text
        result: dict[str, Any] = response.json()
        return result

    def create_customer(self, number: int, name: str, **extra: Any) -> dict[str, Any]:
        body = {
            "number": number,
            "company_name": name,
            "customer_group_id": 1,
            "vat_zone": "domestic",
            "currency": "NOK",
            "contact_email": f"post@{number}.example.no",
            "payment_terms_id": 1,
            **extra,
        }
        return self._send("POST", "/customers", body)["customer"]

    def create_ehf_customer(self, number: int, name: str) -> dict[str, Any]:
        """A company EHF can reach: a valid organisation number and a complete Norwegian address."""
        return self.create_customer(
            number,
            name,
            company_vat="NO 912345610 MVA",
            address_street="Storgata 1",
            address_zipcode="0150",
            address_city="Oslo",
            address_country="NO",
        )

    def update_customer(self, number: int, **changes: Any) -> dict[str, Any]:
        return self._send("PUT", f"/customers/{number}", changes)["customer"]

    def create_product(self, number: str, name: str, price: float, group: int = GROUP_25) -> dict[str, Any]:
        body = {"number": number, "name": name, "group": group, "unit_id": 1, "sales_price": price}
        return self._send("POST", "/products", body)["product"]

    def update_product(self, number: str, **changes: Any) -> dict[str, Any]:
        return self._send("PUT", f"/products/{number}", changes)["product"]

    def book_invoice(self, customer: int, lines: list[tuple[str, float, float]], day: str) -> dict[str, Any]:
        """lines: (product number, quantity, price excluding VAT), 25 % VAT."""
        draft = {
            "customer_id": customer,
            "currency": "NOK",
            "invoice_date": day,
            "lines": [
                {"item_id": item, "quantity": qty, "line_price": price, "vat_percentage": 25}
                for item, qty, price in lines
            ],
        }
        created = self._send("POST", "/customer-invoices/drafts", draft)["customer_invoice"]
        return self._send("POST", f"/customer-invoices/{created['number']}/book", {})["customer_invoice"]

    def book_lines(
        self, customer: int, lines: list[dict[str, Any]], day: str, currency: str = "NOK"
    ) -> dict[str, Any]:
        """Raw Rackbeat lines (item_id, quantity, line_price, discount_percentage); VAT from the
        product's group, as Rackbeat does when the line does not say."""
        draft = {"customer_id": customer, "currency": currency, "invoice_date": day, "lines": lines}
        created = self._send("POST", "/customer-invoices/drafts", draft)["customer_invoice"]
        return self._send("POST", f"/customer-invoices/{created['number']}/book", {})["customer_invoice"]


def tripletex_rows(simulator: TripletexSimulator, collection: str) -> list[dict[str, Any]]:
    """Records as the simulator holds them (its admin state dump)."""
    response = httpx.Client(transport=httpx.WSGITransport(app=simulator)).get(
        "http://tripletex.test/_sim/state"
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()[collection]
    return rows


def business_calls(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API calls of the request log, without the simulators' admin surface."""
    return [entry for entry in log if not str(entry.get("path", "")).startswith("/_sim")]


class Interleave:
    """A WSGI front for a simulator: ``before(method, path_pattern, action)`` runs ``action`` once,
    just before the first matching request reaches the simulator. That is how a test puts a
    change by someone else between the engine's read and its write, with no mock in the way."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._pending: list[tuple[str, re.Pattern[str], Callable[[], None]]] = []

    def before(self, method: str, path_pattern: str, action: Callable[[], None]) -> None:
        self._pending.append((method, re.compile(path_pattern), action))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        for hook in list(self._pending):
            method, pattern, action = hook
            if environ["REQUEST_METHOD"] == method and pattern.fullmatch(environ.get("PATH_INFO", "")):
                self._pending.remove(hook)
                action()
        return self.app(environ, start_response)


def tripletex_user(simulator: TripletexSimulator) -> TripletexClient:
    """Someone working in Tripletex, through the API with the company's own tokens."""
    return TripletexClient(
        "http://tripletex.test/v2",
        TripletexCredentials(
            consumer_token=SecretStr(CONSUMER_TOKEN), employee_token=SecretStr(EMPLOYEE_TOKEN)
        ),
        transport=httpx.WSGITransport(app=simulator),
    )


@dataclass
class Env:
    ctx: SyncContext
    engine: SyncEngine
    tenant: Tenant
    tripletex: TripletexSimulator
    rackbeat: RackbeatSimulator
    user: RackbeatUser
    secrets: TenantSecrets
    # What the engine's Tripletex client talks to: the simulator, with a hook that lets someone
    # else change Tripletex between two of the engine's requests.
    tripletex_wire: Interleave

    def run(self, full: bool = False) -> dict[StreamName, Any]:
        runs = self.engine.run_tenant(TenantSyncTask(tenant_id=self.tenant.tenant_id, full=full))
        return {run.stream: run for run in runs}

    def webhook(self, entity: Entity, key: str) -> str:
        task = EntitySyncTask(
            tenant_id=self.tenant.tenant_id,
            source="rackbeat",
            entity=entity,
            key=key,
            event=f"{entity}.updated",
        )
        return self.engine.run_entity(task)

    def enable(self, *streams: str) -> None:
        settings = self.ctx.tenants.get_settings(self.tenant.tenant_id)
        assert settings is not None
        changed = settings.streams.model_copy(update=dict.fromkeys(streams, True))
        self.ctx.tenants.put_settings(self.tenant.tenant_id, settings.model_copy(update={"streams": changed}))


def initial_import_done(env: Env, **request: Any) -> None:
    """What the initial import leaves behind that Tripletex -> Rackbeat mapping needs (its
    request: groups and terms; ``request`` overrides fields of it)."""
    runs = env.ctx.runs
    tenant_id = env.tenant.tenant_id
    runs.begin(
        RunRecord(
            tenant_id=tenant_id,
            run_id=uuid.uuid4().hex,
            state=RunState.RUNNING,
            request=InitialSyncRequest.model_validate(
                {
                    "customer_group": 1,
                    "supplier_group": 1,
                    "product_group": 1,
                    "service_group": 1,
                    "payment_terms": PaymentTermsMapping(default=1),
                    **request,
                }
            ),
            started_at=dt.datetime.now(dt.UTC),
        )
    )
    runs.set_refs(
        tenant_id,
        ReferenceData(
            currency_codes={1: "NOK"},
            unit_names={1: "stk"},
            rackbeat_units={"stk": 1},
            rackbeat_payment_terms=[1],
        ),
    )
    runs.finish(tenant_id, RunState.COMPLETED, dt.datetime.now(dt.UTC))
