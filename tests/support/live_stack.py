"""The local stack with both simulators on free ports, driven over real HTTP: shared by the fuzz,
isolation and leak suites.

The stack is started through the shared ``start_local_stack`` fixture (one moto
server per session, reset before each start), with the simulators as extra apps so their
URLs reach the functions through the template's parameters, as in ``make run``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from local.cfn import load_template, merge_globals
from local.outbox import confirm_contact
from local.seed.demo import demo_seed
from local.simulators.rackbeat import RackbeatSimulator
from local.simulators.rackbeat import create_app as rackbeat_app
from local.simulators.tripletex import TripletexSimulator
from local.simulators.tripletex import create_app as tripletex_app
from local.stack import ExtraApp, LocalStack
from tests.support.paths import TEMPLATE

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    management_token: str
    contact_email: str
    company_name: str


@dataclass
class LiveStack:
    local: LocalStack
    tripletex: TripletexSimulator
    rackbeat: RackbeatSimulator
    seed: dict[str, Any]
    http: httpx.Client
    # Every response body seen, for the leak scan: (method path -> status, body).
    responses: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.local.api_url

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        # The suites read English answers (the product's default is Norwegian: tests/unit/test_i18n*).
        headers.setdefault("Accept-Language", "en")
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, path, headers=headers, **kwargs)
        self.responses.append(f"{method} {path} -> {response.status_code} {response.text}")
        return response

    def openapi(self) -> dict[str, Any]:
        response = self.request("GET", "/openapi.json")
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

    def credentials(self) -> dict[str, str]:
        """The demo dataset's real tokens: every check passes with them."""
        return {
            "rackbeat_api_token": self.seed["rackbeat"]["api_token"],
            "tripletex_consumer_token": self.seed["tripletex"]["consumer_token"],
            "tripletex_employee_token": self.seed["tripletex"]["employee_token"],
        }

    def new_tenant(self, company: str = "Nordlys Verktøy AS") -> Tenant:
        email = f"owner-{uuid.uuid4().hex[:10]}@nordlysverktoy.no"
        response = self.request(
            "POST",
            "/tenants",
            json={
                "company_name": company,
                "contact_name": "Åse Lagerløf",
                "contact_email": email,
                "language": "en",
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        confirm_contact(self.http, email)
        return Tenant(body["tenant_id"], body["management_token"], email, company)

    def onboarded_tenant(self) -> Tenant:
        """A tenant whose credentials passed every check and were stored."""
        tenant = self.new_tenant()
        response = self.request(
            "PUT",
            f"/tenants/{tenant.tenant_id}/credentials",
            token=tenant.management_token,
            json=self.credentials(),
        )
        assert response.status_code == 200, response.text
        return tenant


def documented_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation the OpenAPI document lists."""
    return [
        (method.upper(), path)
        for path, item in sorted(document.get("paths", {}).items())
        for method in item
        if method in HTTP_METHODS
    ]


def template_api_routes() -> set[tuple[str, str]]:
    template = merge_globals(load_template(TEMPLATE))
    routes = set()
    for resource in template["Resources"].values():
        for event in ((resource.get("Properties") or {}).get("Events") or {}).values():
            if event.get("Type") == "Api":
                props = event.get("Properties") or {}
                routes.add((str(props["Method"]).upper(), str(props["Path"])))
    return routes


def start_live_stack(
    start_local_stack: Callable[..., LocalStack],
    *,
    records: int | None = None,
    parameters: dict[str, Any] | None = None,
    **options: Any,
) -> LiveStack:
    """`records`: keep only that many Tripletex customers, suppliers and products of the demo.
    `parameters`: template parameters to override (e.g. a throttle's limits)."""
    seed = demo_seed()
    if records is not None:
        for key in ("customers", "suppliers", "products"):
            seed["tripletex"][key] = seed["tripletex"][key][:records]
    tripletex = tripletex_app(seed["tripletex"])
    rackbeat = rackbeat_app(seed["rackbeat"])
    options.setdefault("poll_queues", False)
    options.setdefault("run_schedules", False)
    local = start_local_stack(
        extra_apps=[ExtraApp("tripletex", tripletex, 0), ExtraApp("rackbeat", rackbeat, 0)],
        parameter_overrides=lambda urls: {
            "TripletexBaseUrl": f"{urls['tripletex']}/v2",
            "RackbeatBaseUrl": f"{urls['rackbeat']}/api",
            **(parameters or {}),
        },
        **options,
    )
    http = httpx.Client(base_url=local.api_url, timeout=30.0)
    return LiveStack(local, tripletex, rackbeat, seed, http)
