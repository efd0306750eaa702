"""Tripletex -> Rackbeat through the local stack: saving settings registers Tripletex event
subscriptions for the enabled streams; the simulator delivers signed events over HTTP to the
webhooks function, SyncQueue runs ongoing_sync and the records reach Rackbeat; with events lost,
the schedule brings the changes; nothing is echoed back; a tampered delivery is refused; and
offboarding removes the subscriptions and the signing secret."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from pydantic import SecretStr

from local.outbox import confirm_step_up
from local.simulators.base import transport
from rackbeat_tripletex.clients.tripletex import TripletexClient, TripletexCredentials
from rackbeat_tripletex.models.tripletex import Customer, Product, Ref
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN
from tests.support.sync_stack import World
from tests.support.sync_world import business_calls

BOTH_WAYS = {
    "customers_to_tripletex": True,
    "products_to_tripletex": True,
    "customers_to_rackbeat": True,
    "products_to_rackbeat": True,
}
IMPORT = {
    "entities": ["customers", "products"],
    "customer_group": 1,
    "supplier_group": 1,
    "product_group": 1,
    "service_group": 5,
    "payment_terms": {"default": 1},
}


@pytest.fixture
def tripletex_user(world: World) -> Iterator[TripletexClient]:
    """Someone working in Tripletex (in-process, so their calls are not the integration's)."""
    credentials = TripletexCredentials(
        consumer_token=SecretStr(CONSUMER_TOKEN), employee_token=SecretStr(EMPLOYEE_TOKEN)
    )
    with TripletexClient(
        "http://tripletex-user.test/v2", credentials, transport=transport(world.tripletex)
    ) as api:
        yield api


def rackbeat_get(world: World, path: str) -> dict[str, Any] | None:
    answer = world.user.http.get(path)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def subscriptions_of(world: World, tenant_id: str) -> list[dict[str, Any]]:
    return [s for s in world.tripletex.dump_state()["subscriptions"] if s["targetUrl"].endswith(tenant_id)]


def secret_name(world: World, tenant_id: str) -> str:
    assert world.local.runner is not None
    prefix = world.local.runner.function("WebhooksFunction").environment.values["TENANT_SECRET_PREFIX"]
    return f"{prefix}{tenant_id}/tripletex-webhook"


def test_events_then_schedule_no_echo_tampering_refused_and_offboarding(
    world: World, tripletex_user: TripletexClient
) -> None:
    tenant_id = world.onboard(streams=BOTH_WAYS)

    # --- registration: one ACTIVE subscription per event of the enabled Tripletex -> Rackbeat streams
    subscribed = subscriptions_of(world, tenant_id)
    assert sorted(s["event"] for s in subscribed) == [
        "customer.create",
        "customer.delete",
        "customer.update",
        "product.create",
        "product.delete",
        "product.update",
    ]
    assert {s["status"] for s in subscribed} == {"ACTIVE"}
    assert {s["targetUrl"] for s in subscribed} == {f"{world.local.api_url}/webhooks/tripletex/{tenant_id}"}
    sm = boto3.client("secretsmanager", endpoint_url=world.endpoint)
    stored = json.loads(sm.get_secret_value(SecretId=secret_name(world, tenant_id))["SecretString"])
    secret = stored["hmac_shared_secret"]
    assert secret not in json.dumps(world.tripletex.dump_state())

    # Saving the same settings again registers nothing new.
    auth = world.auth(tenant_id)
    settings = world.http.get(f"/tenants/{tenant_id}/settings", headers=auth).json()["settings"]
    world.tripletex.clear_requests()
    assert world.http.put(f"/tenants/{tenant_id}/settings", json=settings, headers=auth).status_code == 200
    assert [e for e in world.tripletex.request_log if e["method"] in ("POST", "PUT", "DELETE")] == []
    assert subscriptions_of(world, tenant_id) == subscribed

    # --- the initial import sets the groups and terms the Tripletex -> Rackbeat streams map with
    started = world.http.post(f"/tenants/{tenant_id}/initial-sync", json=IMPORT, headers=auth)
    assert started.status_code == 202, started.text
    world.wait_for(
        "the initial import",
        lambda: (
            world.http.get(f"/tenants/{tenant_id}/initial-sync", headers=auth).json()["state"] == "completed"
        ),
    )
    assert rackbeat_get(world, "/customers/10501") is not None
    world.wait_for("the queue to drain", world.queue_empty)

    # --- event path: a customer and a product made in Tripletex reach Rackbeat
    world.tripletex.clear_requests()
    customer = tripletex_user.create_customer(
        Customer(name="Hendelse Kunde AS", customer_number=8001, is_private_individual=True, email="k@h.no")
    )
    product = tripletex_user.create_product(
        Product(
            name="Vinkelsliper",
            number="T-1",
            price_excluding_vat_currency=400.0,
            vat_type=Ref(id=3),
            product_unit=Ref(id=1),
            is_stock_item=True,
        )
    )
    # Tripletex delivers at least once: every event arrives twice.
    world.tripletex.queue_deliveries(copy.deepcopy(world.tripletex.pending_deliveries()))
    world.rackbeat.clear_requests()
    assert world.tripletex.deliver_pending() == 4
    assert [e["status"] for e in world.tripletex.event_delivery_log] == [202] * 4
    world.wait_for("the customer in Rackbeat", lambda: rackbeat_get(world, "/customers/8001") is not None)
    world.wait_for("the product in Rackbeat", lambda: rackbeat_get(world, "/products/T-1") is not None)
    world.wait_for("the queue to drain", world.queue_empty)
    rb_customer = rackbeat_get(world, "/customers/8001")
    rb_product = rackbeat_get(world, "/products/T-1")
    assert rb_customer is not None
    assert rb_product is not None
    assert rb_customer["customer"]["company_name"] == "Hendelse Kunde AS"
    assert rb_product["product"]["name"] == "Vinkelsliper"
    assert rb_product["product"]["sales_price"] == 400.0
    rackbeat_writes = [e for e in business_calls(world.rackbeat.request_log) if e["method"] != "GET"]
    assert sorted((e["method"], e["path"]) for e in rackbeat_writes) == [
        ("POST", "/api/customers"),
        ("POST", "/api/products"),
    ]

    # Nothing echoed. Our Rackbeat writes fire Rackbeat webhooks (other apps on the account must
    # hear them: suppress_webhooks is for the initial import only), and they reach us too; delivered,
    # they are recognised as our own write, so the integration writes nothing to Tripletex (its only
    # writes there are the user's two creates).
    echoes = world.rackbeat.pending_deliveries()
    assert sorted(d.event for d in echoes) == ["customer.created", "product.created"]
    assert world.rackbeat.deliver_pending() == 2
    world.wait_for("the queue to drain", world.queue_empty)
    # Writes Tripletex carried out: the user's own client may be answered 401 once (its session
    # renewed under a slow run) and send its create again; the refused attempt wrote nothing.
    writes = [
        e
        for e in world.tripletex.request_log
        if e["method"] in ("POST", "PUT", "DELETE")
        and not e["path"].startswith("/v2/token/")
        and e["status"] != 401
    ]
    assert [(e["method"], e["path"]) for e in writes] == [("POST", "/v2/customer"), ("POST", "/v2/product")]

    # --- schedule path: the events of these changes are lost
    world.tripletex.event_deliveries.clear()
    current = tripletex_user.get_customer(customer.id or 0)
    tripletex_user.update_customer(current.model_copy(update={"name": "Skjema Kunde AS"}))
    current_product = tripletex_user.get_product(product.id or 0)
    tripletex_user.update_product(current_product.model_copy(update={"price_excluding_vat_currency": 450.0}))
    world.tripletex.event_deliveries.clear()
    before_runs = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the scheduled run", lambda: world.runs(tenant_id) >= before_runs + 4)
    world.wait_for("the queue to drain", world.queue_empty)
    after_customer = rackbeat_get(world, "/customers/8001")
    after_product = rackbeat_get(world, "/products/T-1")
    assert after_customer is not None
    assert after_product is not None
    assert after_customer["customer"]["company_name"] == "Skjema Kunde AS"
    assert after_product["product"]["sales_price"] == 450.0
    # The updates' own webhooks come back as nothing new either.
    world.tripletex.request_log.clear()
    world.rackbeat.deliver_pending()
    world.wait_for("the queue to drain", world.queue_empty)
    assert [e for e in business_calls(world.tripletex.request_log) if e["method"] != "GET"] == []

    # Settled: another scheduled run writes nothing either way.
    world.tripletex.request_log.clear()
    world.rackbeat.request_log.clear()
    before_runs = world.runs(tenant_id)
    world.fire_schedule()
    world.wait_for("the idle run", lambda: world.runs(tenant_id) >= before_runs + 4)
    world.wait_for("the queue to drain", world.queue_empty)
    assert [e for e in business_calls(world.rackbeat.request_log) if e["method"] != "GET"] == []
    assert [e for e in business_calls(world.tripletex.request_log) if e["method"] != "GET"] == []

    # --- a tampered delivery is refused; the genuine one is accepted
    body = json.dumps(
        {"subscriptionId": 1, "event": "customer.update", "id": customer.id, "value": None}
    ).encode()
    key = "2f1c3a0e-8d4b-4c6e-9a7f-5b3d2e1f0a9c"
    genuine = _sign(secret, key, body)
    url = f"/webhooks/tripletex/{tenant_id}"
    headers = {"Content-Type": "application/json", "idempotency-key": key}
    assert (
        world.http.post(url, content=body, headers={**headers, "x-request-signature": genuine}).status_code
        == 202
    )
    tampered_body = body.replace(b"customer.update", b"product.update")
    assert (
        world.http.post(
            url, content=tampered_body, headers={**headers, "x-request-signature": genuine}
        ).status_code
        == 401
    )
    forged = _sign("not-the-secret", key, body)
    assert (
        world.http.post(url, content=body, headers={**headers, "x-request-signature": forged}).status_code
        == 401
    )
    assert world.http.post(url, content=body, headers=headers).status_code == 401
    world.wait_for("the queue to drain", world.queue_empty)

    # --- offboarding removes the subscriptions and the secret; old signatures stop working
    # (issue 13: the management token alone asks; the contact's emailed confirmation allows it)
    asked = world.http.request(
        "DELETE", f"/tenants/{tenant_id}", json={"confirm_company_name": "Fjord Lager AS"}, headers=auth
    )
    assert asked.status_code == 202, asked.text
    confirm_step_up(world.http, "i@fjordlager.no")
    deleted = world.http.request(
        "DELETE", f"/tenants/{tenant_id}", json={"confirm_company_name": "Fjord Lager AS"}, headers=auth
    )
    assert deleted.status_code == 200, deleted.text
    assert subscriptions_of(world, tenant_id) == []
    with pytest.raises(ClientError) as gone:
        sm.get_secret_value(SecretId=secret_name(world, tenant_id))
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert (
        world.http.post(url, content=body, headers={**headers, "x-request-signature": genuine}).status_code
        == 401
    )


def _sign(secret: str, key: str, body: bytes) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), key.encode() + b"&" + body, hashlib.sha512).digest()
    ).decode()
