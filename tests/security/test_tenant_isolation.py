"""Tenant isolation over every route: the list comes from the API's own ``/openapi.json`` (plus
every API event in template.yaml), so a route added tomorrow is covered without editing this file.

For each route under ``/tenants/{tenant_id}``, tenant B's resource is asked for with tenant A's
token, with no token, with a garbage token and with a malformed Authorization header: each
answer must be exactly the 404 a tenant that does not exist gets (so a stranger learns nothing,
not even that B exists), and afterwards B must be untouched.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.support.live_stack import LiveStack, Tenant, documented_operations, template_api_routes

TENANT_ROUTE = re.compile(r"^/tenants/\{tenant_id\}(/|$)")
# Every route we know of today; the matrix must cover at least these (it finds more by itself).
KNOWN_TENANT_ROUTES = {
    ("GET", "/tenants/{tenant_id}"),
    ("DELETE", "/tenants/{tenant_id}"),
    ("PUT", "/tenants/{tenant_id}/credentials"),
    ("GET", "/tenants/{tenant_id}/prerequisites"),
    ("POST", "/tenants/{tenant_id}/prerequisites/groups"),
    ("POST", "/tenants/{tenant_id}/prerequisites/units"),
    ("GET", "/tenants/{tenant_id}/settings"),
    ("PUT", "/tenants/{tenant_id}/settings"),
    ("POST", "/tenants/{tenant_id}/management-token"),
}


def _body_for(method: str, path: str) -> dict[str, Any] | None:
    """A body that would be valid if the caller were allowed: the gate must refuse it unread."""
    if method in ("GET", "HEAD"):
        return None
    bodies: dict[str, dict[str, Any]] = {
        "/tenants/{tenant_id}": {"confirm_company_name": "Nordlys Verktøy AS"},
        "/tenants/{tenant_id}/prerequisites/groups": {
            "kinds": ["customer_group", "supplier_group", "product_group", "service_group"]
        },
        "/tenants/{tenant_id}/prerequisites/units": {"names": ["pk"]},
        "/tenants/{tenant_id}/settings": {"notification_email": "attacker@example.com"},
    }
    return bodies.get(path, {})


def _attempts(a: Tenant) -> dict[str, dict[str, str]]:
    return {
        "tenant A's token": {"Authorization": f"Bearer {a.management_token}"},
        "no token": {},
        "a garbage token": {"Authorization": f"Bearer {uuid.uuid4().hex}{uuid.uuid4().hex}"},
        "a malformed header": {"Authorization": f"Basic {a.management_token}"},
    }


def test_every_tenant_route_answers_404_to_anyone_but_the_tenant(live_stack: LiveStack) -> None:
    document = live_stack.openapi()
    routes = {op for op in documented_operations(document) if TENANT_ROUTE.match(op[1])}
    routes |= {op for op in template_api_routes() if TENANT_ROUTE.match(op[1])}
    assert routes >= KNOWN_TENANT_ROUTES, f"routes missing from the matrix: {KNOWN_TENANT_ROUTES - routes}"

    tenant_a = live_stack.onboarded_tenant()
    tenant_b = live_stack.onboarded_tenant()
    before = live_stack.request("GET", f"/tenants/{tenant_b.tenant_id}", token=tenant_b.management_token)
    assert before.status_code == 200, before.text

    failures = []
    for method, path in sorted(routes):
        body = _body_for(method, path)
        nobody = live_stack.request(
            method,
            path.replace("{tenant_id}", uuid.uuid4().hex),
            headers={"Authorization": f"Bearer {tenant_a.management_token}"},
            json=body,
        )
        if nobody.status_code != 404:
            failures.append(f"{method} {path} for a tenant that does not exist -> {nobody.status_code}")
        for who, headers in _attempts(tenant_a).items():
            answer = live_stack.request(
                method, path.replace("{tenant_id}", tenant_b.tenant_id), headers=headers, json=body
            )
            if answer.status_code != 404 or answer.content != nobody.content:
                failures.append(
                    f"{method} {path} with {who} -> {answer.status_code} {answer.text[:200]!r} "
                    f"(a missing tenant gets {nobody.status_code} {nobody.text[:200]!r})"
                )
    assert not failures, "\n".join(failures)

    after = live_stack.request("GET", f"/tenants/{tenant_b.tenant_id}", token=tenant_b.management_token)
    assert after.status_code == 200, "tenant B lost access (its token was rotated or it was deleted)"
    assert after.json() == before.json(), "tenant B changed through requests that were not its own"
    own = live_stack.request("GET", f"/tenants/{tenant_a.tenant_id}", token=tenant_a.management_token)
    assert own.status_code == 200, "the matrix proves nothing if A's token does not work on A"
