"""The daily reconciliation against both simulators (in-process) and moto: invoices booked in
Rackbeat are found once in Tripletex with equal totals and VAT per rate, the linked customers and
products on them agree, and each gap found is put right by its resend through SyncQueue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from local.aws import ProvisionedStack
from local.outbox import sent_emails
from rackbeat_tripletex.i18n import Language
from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.store.reconciliation import ReconciliationStore
from rackbeat_tripletex.sync.reconciliation import OSLO, Reconciliation, gap_summary
from tests.support.sync_world import SETTINGS, Env, tripletex_rows

TODAY = dt.datetime.now(OSLO).date()


@pytest.fixture
def reconciliation(env: Env, aws_stack: ProvisionedStack) -> Reconciliation:
    return Reconciliation(
        store=ReconciliationStore(env.ctx.table),
        links=env.ctx.links,
        clients=env.ctx.clients,
        mailer=env.ctx.mailer,
        sqs=boto3.client("sqs"),
        sync_queue_url=aws_stack.outputs["SyncQueueUrl"],
    )


def _booked_and_synced(env: Env) -> list[dict[str, Any]]:
    env.user.create_customer(5001, "Kunde Fem AS")
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.create_product("P-2", "Tang", 40.0)
    booked = [
        env.user.book_invoice(5001, [("P-1", 1, 100.0)], TODAY.isoformat()),
        env.user.book_invoice(5001, [("P-1", 2, 100.0), ("P-2", 3, 40.0)], TODAY.isoformat()),
    ]
    env.run()
    assert len(tripletex_rows(env.tripletex, "invoices")) == 2
    return booked


def _run_queued(env: Env, queue_url: str) -> list[EntitySyncTask]:
    """What a resend put on SyncQueue, run as the queue's worker runs it."""
    sqs = boto3.client("sqs")
    tasks = []
    while True:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
        messages = answer.get("Messages", [])
        if not messages:
            return tasks
        for message in messages:
            task = EntitySyncTask.model_validate_json(message["Body"])
            env.engine.run_entity(task)
            tasks.append(task)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _never_arrived(env: Env, amount: float) -> None:
    """Take the invoice of this amount and its order out of Tripletex behind the API: the link
    says it was sent, Tripletex has no trace of it (an invoice cannot be deleted through the API)."""
    invoice = next(i for i in tripletex_rows(env.tripletex, "invoices") if i["amount"] == amount)
    env.tripletex.forget("invoices", int(invoice["id"]))
    for order in invoice["orders"]:
        env.tripletex.forget("orders", int(order["id"]))


def test_a_day_in_agreement_has_no_gaps(env: Env, reconciliation: Reconciliation) -> None:
    _booked_and_synced(env)
    checked, gaps = reconciliation.check_day(env.tenant, SETTINGS, TODAY)
    assert (checked.invoices, checked.customers, checked.products) == (2, 1, 2)
    assert gaps == []
    assert reconciliation.store.days(env.tenant.tenant_id, 5)[0].gaps == 0


def test_an_invoice_deleted_in_tripletex_is_a_gap_until_resent(
    env: Env, reconciliation: Reconciliation, aws_stack: ProvisionedStack
) -> None:
    booked = _booked_and_synced(env)
    _never_arrived(env, 125.0)

    _, gaps = reconciliation.check_day(env.tenant, SETTINGS, TODAY)

    (gap,) = gaps
    assert (gap.entity, gap.key, gap.kind) == ("invoice", str(booked[0]["number"]), "invoice_missing")
    summary = gap_summary(gap, Language.NB)
    assert summary == f"Faktura {booked[0]['number']} er bokført i Rackbeat, men finnes ikke i Tripletex."
    assert "Invoice" in gap_summary(gap, Language.EN)

    resent = reconciliation.resend(env.tenant.tenant_id, gaps)
    assert [g.gap_id for g in resent] == [gap.gap_id]
    assert reconciliation.store.gaps(env.tenant.tenant_id)[0].resent_at is not None
    (task,) = _run_queued(env, aws_stack.outputs["SyncQueueUrl"])
    assert (task.entity, task.key) == ("invoice", str(booked[0]["number"]))

    assert sorted(i["amount"] for i in tripletex_rows(env.tripletex, "invoices")) == [125.0, 400.0]
    _, gaps = reconciliation.check_day(env.tenant, SETTINGS, TODAY)
    assert gaps == []
    assert reconciliation.store.gaps(env.tenant.tenant_id) == []


def test_an_invoice_twice_in_tripletex_is_a_duplicate_not_resent(
    env: Env, reconciliation: Reconciliation
) -> None:
    booked = _booked_and_synced(env)
    invoices = tripletex_rows(env.tripletex, "invoices")
    first = next(i for i in invoices if i["amount"] == 125.0)
    # A second invoice of the same order, as a double click in Tripletex's UI would make it.
    copy = {**first, "id": max(int(i["id"]) for i in invoices) + 1}
    env.tripletex.plant("invoices", copy)

    _, gaps = reconciliation.check_day(env.tenant, SETTINGS, TODAY)

    (gap,) = gaps
    assert (gap.key, gap.kind, gap.params) == (str(booked[0]["number"]), "invoice_duplicate", {"count": "2"})
    assert reconciliation.resend(env.tenant.tenant_id, gaps) == []


def test_a_product_renamed_in_tripletex_differs_and_its_resend_writes_it_back(
    env: Env, reconciliation: Reconciliation, aws_stack: ProvisionedStack
) -> None:
    _booked_and_synced(env)
    link = env.ctx.links.get(env.tenant.tenant_id, "product", "P-2")
    assert link is not None
    assert link.tripletex_id is not None
    env.tripletex.change_stored(
        "products", link.tripletex_id, {"name": "Tang (feil)", "priceExcludingVatCurrency": 10.0}
    )

    _, gaps = reconciliation.check_day(env.tenant, SETTINGS, TODAY)

    (gap,) = gaps
    assert (gap.entity, gap.key, gap.kind, gap.params) == (
        "product",
        "P-2",
        "product_fields",
        {"fields": "name,price"},
    )
    assert gap_summary(gap, Language.NB) == "Produkt P-2 er ulikt i Rackbeat og Tripletex: navn, pris."

    reconciliation.resend(env.tenant.tenant_id, [gap])
    _run_queued(env, aws_stack.outputs["SyncQueueUrl"])
    assert env.tripletex.records("products")[link.tripletex_id]["name"] == "Tang"
    assert reconciliation.check_day(env.tenant, SETTINGS, TODAY)[1] == []


def test_the_daily_run_checks_yesterday_and_mails_the_gaps_in_the_tenants_language(
    env: Env, reconciliation: Reconciliation
) -> None:
    booked = _booked_and_synced(env)
    _never_arrived(env, 400.0)
    tomorrow = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(3, 0), OSLO)
    reconciliation.now = lambda: tomorrow

    gaps = reconciliation.daily(env.tenant, SETTINGS)

    assert [g.key for g in gaps] == [str(booked[1]["number"])]
    (mail,) = [m for m in sent_emails() if env.tenant.contact_email in m.to]
    assert mail.subject == "Avstemmingen fant avvik mellom Rackbeat og Tripletex"
    assert f"Faktura {booked[1]['number']} er bokført i Rackbeat" in (mail.text or "")
    assert f"{TODAY.day:02d}.{TODAY.month:02d}.{TODAY.year}" in (mail.text or "")
