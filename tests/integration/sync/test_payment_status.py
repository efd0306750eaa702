"""Payment status <- Tripletex, end to end: an invoice the invoice stream entered in Tripletex is
paid there (in part, in full, reversed); the status per invoice follows, and Rackbeat's invoice
carries the payments only where its API has them (``invoice_payments`` switch)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from local.simulators.rackbeat import reports
from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.store.payments import PaymentStore
from tests.support.sync_world import Env, tripletex_rows, tripletex_user

STREAM = StreamName.PAYMENTS_TO_RACKBEAT


@pytest.fixture
def invoiced(env: Env) -> Env:
    """Invoice 1001 (375.00 incl. VAT) booked in Rackbeat and entered in Tripletex."""
    env.user.create_ehf_customer(5001, "Kunde Fem AS")
    env.user.create_product("P-1", "Hammer", 100.0)
    env.user.book_invoice(5001, [("P-1", 3, 100.0)], "2026-10-10")
    env.enable(STREAM.value)
    env.run()
    return env


def pay(env: Env, amount: float) -> None:
    (invoice,) = tripletex_rows(env.tripletex, "invoices")
    tripletex_user(env.tripletex).request(
        "PUT",
        f"/invoice/{invoice['id']}/:payment",
        params={"paymentDate": "2026-10-20", "paymentTypeId": 1, "paidAmount": amount},
    )


def status(env: Env) -> Any:
    return PaymentStore(env.ctx.table).statuses(env.tenant.tenant_id)["1001"]


def test_partial_full_and_reversed_payments_follow_without_rackbeat_payments(invoiced: Env) -> None:
    env = invoiced
    assert status(env).status == "outstanding"
    pay(env, 100)
    run = env.run()[STREAM]
    assert (run.read, run.written) == (1, 1)
    assert (status(env).status, status(env).outstanding) == ("partly_paid", Decimal("275"))
    # Rackbeat has no payments API by default: the history says why it is not updated.
    assert run.detail is not None
    assert "Rackbeat har ingen API for innbetalinger" in run.detail

    assert env.run()[STREAM].written == 0  # nothing changed: nothing written
    pay(env, 275)
    env.run()
    assert (status(env).status, status(env).outstanding) == ("paid", Decimal("0"))
    # A settled invoice is not read again by the schedule; the nightly reconcile sees a reversal.
    assert env.run()[STREAM].read == 0
    pay(env, -75)
    env.run(full=True)
    assert (status(env).status, status(env).outstanding) == ("partly_paid", Decimal("75"))


def test_rackbeat_payments_add_up_to_tripletex_and_follow_a_reversal(invoiced: Env) -> None:
    env = invoiced
    env.rackbeat.set_options({"invoice_payments": "supported"})
    pay(env, 100)
    run = env.run()[STREAM]
    assert run.detail is not None
    assert "føres også" in run.detail
    payments = reports.books(env.rackbeat).invoice_payments[1001]
    assert [p["amount"] for p in payments] == [100.0]
    assert status(env).in_rackbeat

    env.run()  # redelivery / a second run: nothing more posted
    pay(env, 275)
    env.run()
    assert [p["amount"] for p in payments] == [100.0, 275.0]
    rackbeat_invoice = env.rackbeat.records("customer-invoices")[1001]
    assert (rackbeat_invoice["balance"], rackbeat_invoice["is_paid"]) == (0.0, True)
    pay(env, -300)  # most of it reversed in Tripletex
    env.run(full=True)
    assert [p["amount"] for p in payments] == [75.0]
    rackbeat_invoice = env.rackbeat.records("customer-invoices")[1001]
    assert (rackbeat_invoice["balance"], rackbeat_invoice["is_paid"], rackbeat_invoice["is_party_paid"]) == (
        300.0,
        False,
        True,
    )
    assert status(env).outstanding == Decimal("300")
