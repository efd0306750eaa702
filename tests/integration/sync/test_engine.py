"""The sync engine against moto (template.yaml's StateTable, secrets, SES) and both simulators
in-process: Rackbeat -> Tripletex streams, idempotency, echo, idle cost and a dead token."""

from __future__ import annotations

from typing import Any

import pytest

from local.outbox import sent_emails
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.domain import TenantStatus
from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.sync.history import list_sync_failures, list_sync_runs
from tests.support.seeds import NEW_RACKBEAT_TOKEN, RACKBEAT_TOKEN
from tests.support.sync_world import Env, RackbeatUser, business_calls, tripletex_rows


def test_customer_product_and_booked_invoice_reach_tripletex_once(env: Env) -> None:
    env.user.create_ehf_customer(5001, "Kunde Fem AS")
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.book_invoice(5001, [("P-1", 3, 100.0)], "2025-01-10")

    runs = env.run()
    assert {s: r.written for s, r in runs.items()} == {
        StreamName.CUSTOMERS_TO_TRIPLETEX: 1,
        StreamName.PRODUCTS_TO_TRIPLETEX: 1,
        StreamName.INVOICES_TO_TRIPLETEX: 1,
    }
    (customer,) = tripletex_rows(env.tripletex, "customers")
    assert (customer["customerNumber"], customer["name"]) == (5001, "Kunde Fem AS")
    assert customer["invoiceSendMethod"] == "EHF"  # valid org number and a complete address
    (product,) = tripletex_rows(env.tripletex, "products")
    assert (product["number"], product["priceExcludingVatCurrency"]) == ("P-1", 100.0)
    (invoice,) = tripletex_rows(env.tripletex, "invoices")
    assert invoice["amount"] == 375.0
    (order,) = tripletex_rows(env.tripletex, "orders")
    assert order["number"] == "RB-1001"  # Rackbeat numbers from 1001 (rbsim, evidence: LR, GY)
    assert order["isPrioritizeAmountsIncludingVat"] is False

    # The same changes again (cursor overlap), a duplicate webhook: nothing new is written.
    again = env.run()
    assert all(r.written == 0 and r.outcome == RunOutcome.OK for r in again.values())
    assert env.webhook("customer", "5001") == "skipped"
    assert env.webhook("invoice", "1001") == "skipped"
    assert len(tripletex_rows(env.tripletex, "customers")) == 1
    assert len(tripletex_rows(env.tripletex, "invoices")) == 1

    history = list_sync_runs(env.tenant.tenant_id, table=env.ctx.table)
    assert len(history.runs) == 8  # 3 + 3 stream runs + 2 webhook runs
    assert history.runs[0].started_at >= history.runs[-1].started_at


def test_invoice_webhook_syncs_its_customer_and_products_first(env: Env) -> None:
    env.user.create_customer(6001, "Privat Kunde")
    env.user.create_product("P-9", "Sag", 80.0)
    invoice = env.user.book_invoice(6001, [("P-9", 1, 80.0)], "2025-02-01")

    assert env.webhook("invoice", str(invoice["number"])) == "written"
    (customer,) = tripletex_rows(env.tripletex, "customers")
    assert customer["customerNumber"] == 6001
    assert customer["invoiceSendMethod"] == "EMAIL"  # no org number: EHF would fail
    assert [p["number"] for p in tripletex_rows(env.tripletex, "products")] == ["P-9"]
    assert len(tripletex_rows(env.tripletex, "invoices")) == 1


def test_updates_follow_and_send_the_version_read(env: Env) -> None:
    env.user.create_customer(5002, "Gammelt Navn AS")
    env.run()
    env.user.update_customer(5002, company_name="Nytt Navn AS")
    assert env.webhook("customer", "5002") == "written"
    (customer,) = tripletex_rows(env.tripletex, "customers")
    assert customer["name"] == "Nytt Navn AS"
    puts = [
        e for e in env.tripletex.request_log if e["method"] == "PUT" and e["path"].startswith("/v2/customer/")
    ]
    assert len(puts) == 1
    assert puts[0]["body"]["version"] is not None


def test_our_own_tripletex_writes_are_not_read_back_as_changes(env: Env) -> None:
    """Echo: with both directions on, the customer we wrote to Tripletex is skipped by the
    Tripletex -> Rackbeat stream without a Rackbeat write."""
    settings = env.ctx.tenants.get_settings(env.tenant.tenant_id)
    assert settings is not None
    both = settings.model_copy(
        update={"streams": settings.streams.model_copy(update={"customers_to_rackbeat": True})}
    )
    env.ctx.tenants.put_settings(env.tenant.tenant_id, both)
    env.user.create_customer(5003, "Ekko AS")
    env.rackbeat.request_log.clear()
    runs = env.run()
    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    back = runs[StreamName.CUSTOMERS_TO_RACKBEAT]
    assert back.written == 0
    assert back.skipped == back.read
    rackbeat_writes = [e for e in env.rackbeat.request_log if e["method"] in ("POST", "PUT")]
    assert rackbeat_writes == []


def test_an_idle_tenant_costs_one_call_per_enabled_stream(env: Env) -> None:
    env.run()  # first run: sessions and cursors exist afterwards
    env.tripletex.request_log.clear()
    env.rackbeat.request_log.clear()
    runs = env.run()
    assert len(runs) == 3
    assert len(business_calls(env.rackbeat.request_log)) == 3
    assert business_calls(env.tripletex.request_log) == []


def test_a_record_that_cannot_be_mapped_fails_alone_and_is_listed(env: Env) -> None:
    env.user.create_customer(5004, "God Kunde AS")
    env.user.create_product("P-BAD", "Ugyldig", 10.0)
    env.user.update_product("P-BAD", sales_price=-5.0)
    runs = env.run()
    assert runs[StreamName.CUSTOMERS_TO_TRIPLETEX].written == 1
    assert runs[StreamName.PRODUCTS_TO_TRIPLETEX].outcome == RunOutcome.PARTIAL
    (failure,) = list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)
    assert (failure.key, failure.reason) == ("P-BAD", "invalid_price")
    assert "Rackbeat" in failure.suggested_fix


def test_a_worker_killed_after_the_create_leaves_one_record(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.user.create_customer(5005, "Krasj AS")
    original = env.ctx.links.record

    def crash(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("worker killed between the Tripletex create and the link write")

    monkeypatch.setattr(env.ctx.links, "record", crash)
    with pytest.raises(SystemExit):
        env.webhook("customer", "5005")
    monkeypatch.setattr(env.ctx.links, "record", original)
    assert env.webhook("customer", "5005") == "written"
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5005]


def test_a_revoked_token_pauses_the_tenant_and_nothing_is_lost(env: Env) -> None:
    env.run()
    env.rackbeat.revoke_token(RACKBEAT_TOKEN)
    runs = env.run()
    assert next(iter(runs.values())).outcome == RunOutcome.PAUSED
    tenant = env.ctx.tenants.get(env.tenant.tenant_id)
    assert tenant is not None
    assert tenant.status == TenantStatus.NEEDS_RELINK
    mails = [m for m in sent_emails() if env.tenant.contact_email in m.to]
    assert len(mails) == 1
    # The tenant's language (nb by default), naming the token that died.
    assert "satt på pause" in mails[0].subject
    assert "dette ikke virker lenger: API-nøkkelen til Rackbeat." in mails[0].text
    assert RACKBEAT_TOKEN not in mails[0].text

    # Meanwhile in Rackbeat (a new token for the same account), and a second failing run.
    env.rackbeat.grant_token(NEW_RACKBEAT_TOKEN)
    RackbeatUser(env.rackbeat, NEW_RACKBEAT_TOKEN).create_customer(5006, "Mens Pauset AS")
    assert env.run() == {}  # paused: nothing is read
    assert len([m for m in sent_emails() if env.tenant.contact_email in m.to]) == 1

    # New credentials (what onboarding does), then the next run picks the change up, once.
    from rackbeat_tripletex.models.domain import Credentials

    env.secrets.put(
        env.tenant.tenant_id,
        Credentials.model_validate(
            {
                "rackbeat_api_token": NEW_RACKBEAT_TOKEN,
                "tripletex_consumer_token": "consumer-sync-5a1c7d2b8e4a6f3f",
                "tripletex_employee_token": "employee-sync-2d4e6f1a3b5c7d8c",
            }
        ),
    )
    current = env.ctx.tenants.get_with_version(env.tenant.tenant_id)
    assert current is not None
    env.ctx.tenants.save(
        current[0].model_copy(update={"status": TenantStatus.ACTIVE}), expected_version=current[1]
    )
    env.run()
    env.run()
    assert [c["customerNumber"] for c in tripletex_rows(env.tripletex, "customers")] == [5006]


def test_an_invoice_whose_product_cannot_be_synced_fails_alone(env: Env) -> None:
    env.user.create_customer(5005, "Kunde Seks AS")
    env.user.create_product("P-OK", "Tang", 50.0)
    env.user.create_product("P-NEG", "Negativ", 10.0)
    env.user.update_product("P-NEG", sales_price=-5.0)
    blocked = env.user.book_invoice(5005, [("P-NEG", 1, 10.0)], "2025-01-11")
    fine = env.user.book_invoice(5005, [("P-OK", 2, 50.0)], "2025-01-12")

    # An invoice syncs its dependencies first; one that cannot be synced fails that invoice alone
    # (it used to abort the whole invoice stream, every run, with the cursor stuck).
    runs = env.run()
    invoices = runs[StreamName.INVOICES_TO_TRIPLETEX]
    assert (invoices.outcome, invoices.written, invoices.failed) == (RunOutcome.PARTIAL, 1, 1)
    assert env.webhook("invoice", str(blocked["number"])) == "failed"  # and on the webhook path
    failures = {f.key: f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)}
    assert failures["P-NEG"].reason == "invalid_price"
    assert failures[str(blocked["number"])].reason == "dependency_failed"
    # In the tenant's language, naming the product; the dependency's own reason follows.
    language = env.tenant.language
    item = f"{text('failure.noun.product', language)} P-NEG"
    sentence = text(
        "failure.invoice.dependency.message", language, number=blocked["number"], item=item, why="\0"
    )
    assert failures[str(blocked["number"])].message.startswith(sentence.split("\0")[0])
    assert [o["number"] for o in tripletex_rows(env.tripletex, "orders")] == [f"RB-{fine['number']}"]
