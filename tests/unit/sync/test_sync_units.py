"""Pure parts of the ongoing sync: streams, task messages, webhook parsing and signatures, digest."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.models.domain import Streams, Tenant
from rackbeat_tripletex.models.sync import (
    EntitySyncTask,
    RecordFailure,
    StreamName,
    TenantSyncTask,
    parse_sync_task,
)
from rackbeat_tripletex.notify.email import DIGEST_SHOWN as SHOWN
from rackbeat_tripletex.notify.email import failure_digest_text as digest_text
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.webhooks import rackbeat, tripletex

TENANT = "0123456789abcdef0123456789abcdef"


def test_streams_run_dependencies_first_and_only_when_enabled() -> None:
    streams = Streams(invoices_to_tripletex=True, customers_to_tripletex=True, products_to_rackbeat=True)
    assert [s.name for s in registry.enabled(streams)] == [
        StreamName.CUSTOMERS_TO_TRIPLETEX,
        StreamName.INVOICES_TO_TRIPLETEX,
        StreamName.PRODUCTS_TO_RACKBEAT,
    ]
    assert set(StreamName) == {StreamName(name) for name in Streams.model_fields}
    invoices = registry.find("rackbeat", "invoice")
    assert invoices is not None
    assert invoices.name == StreamName.INVOICES_TO_TRIPLETEX
    assert registry.find("tripletex", "invoice") is None


def test_tasks_round_trip_and_reject_unknown_fields() -> None:
    tenant_task = TenantSyncTask(tenant_id=TENANT, trigger="reconcile", full=True)
    assert parse_sync_task(tenant_task.model_dump_json()) == tenant_task
    with pytest.raises(ValidationError):
        parse_sync_task(json.dumps({"kind": "entity", "tenant_id": TENANT, "token": "x"}))


def test_rackbeat_delivery_becomes_an_entity_task() -> None:
    task = rackbeat.task_for(TENANT, "customer_invoice.booked", {"key_name": "number", "key": "1021"})
    assert task == EntitySyncTask(
        tenant_id=TENANT, source="rackbeat", entity="invoice", key="1021", event="customer_invoice.booked"
    )
    delivery = {"key": "A-1", "old_key": "A-0", "new_key": "A-1"}
    renamed = rackbeat.task_for(TENANT, "product.updated", delivery)
    assert renamed is not None
    assert renamed.key == "A-1"
    assert rackbeat.task_for(TENANT, "customer_invoice.created", {"key": "7"}) is None  # drafts
    assert rackbeat.task_for(TENANT, "customer.created", {}) is None
    assert rackbeat.webhook_url("https://api.example.com/dev/", TENANT).endswith(
        f"/webhooks/rackbeat/{TENANT}"
    )


def test_tripletex_signature_is_checked_over_key_and_body() -> None:
    body = json.dumps({"subscriptionId": 1, "event": "product.update", "id": 5, "value": {"id": 5}}).encode()
    good = tripletex.signature("s3cret", "key-1", body)
    assert tripletex.verify("s3cret", "key-1", body, good)
    assert not tripletex.verify("s3cret", "key-2", body, good)
    assert not tripletex.verify("other", "key-1", body, good)
    assert not tripletex.verify(None, "key-1", body, good)
    assert not tripletex.verify("s3cret", "key-1", body + b" ", good)
    task = tripletex.task_for(TENANT, body)
    assert task is not None
    assert (task.entity, task.key, task.deleted) == ("product", "5", False)
    deleted = tripletex.task_for(
        TENANT, json.dumps({"event": "customer.delete", "id": 9, "value": None}).encode()
    )
    assert deleted is not None
    assert deleted.deleted


def test_digest_lists_what_to_do_and_caps_the_list() -> None:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    tenant = Tenant(
        tenant_id=TENANT,
        company_name="Fjord Lager AS",
        contact_name="Ingrid",
        contact_email="i@fjordlager.no",
        created_at=now,
        updated_at=now,
        management_token_hash="h",
        language=Language.EN,
    )
    failures = [
        RecordFailure(
            source=StreamName.PRODUCTS_TO_TRIPLETEX,
            entity="product",
            key=f"P-{i}",
            reason="invalid_price",
            message="The product's sales price is negative.",
            suggested_fix="Correct the sales price in Rackbeat.",
        )
        for i in range(SHOWN + 3)
    ]
    subject, body = digest_text(tenant, failures)
    assert subject.startswith(f"{SHOWN + 3} records")
    assert "P-0" in body
    assert f"P-{SHOWN}" not in body
    assert "and 3 more" in body
    subject, body = digest_text(tenant.model_copy(update={"language": Language.NB}), failures)
    assert subject.startswith(f"{SHOWN + 3} poster")
    assert "Produkt P-0: Prisen kan ikke brukes." in body
    assert "og 3 til" in body
