"""Payment status <- Tripletex: how much of each invoice we entered in Tripletex is paid.

Tripletex has no payment event and no ``changedSince`` on ``/invoice`` (OFF), so every run
re-reads the invoices not yet settled, a hundred ids a call, and stores paid / outstanding per
invoice (``store.payments``; ``GET /tenants/{id}/invoices/payments`` answers it). Rackbeat's
invoice is updated only when its account has the payments API, which only the 2018 spec shows
(specs/EVIDENCE-NEW-STREAMS.md, stream 3): probed once per run on a settled invoice; without it
the run's history says why Rackbeat itself is not updated. Written to Rackbeat, payments have no
reference field, so only the difference between Tripletex's paid amount and the sum already in
Rackbeat is posted, and a reversal removes the newest payments: a repeated run posts nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from rackbeat_tripletex.clients import ledger
from rackbeat_tripletex.clients.errors import ValidationFailed
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.models.sync import FailureReason, StreamName
from rackbeat_tripletex.store.payments import PaymentStatus, PaymentStore, Status
from rackbeat_tripletex.streams.scheduled import Job, Scheduled

OSLO = ZoneInfo("Europe/Oslo")
# GET /invoice needs a date range; ids do the filtering, so the range spans every invoice of ours.
INVOICES_SINCE = dt.date(2000, 1, 1)
SETTLED: tuple[Status, ...] = ("paid", "credited")


class PaymentsToRackbeat(Scheduled):
    name = StreamName.PAYMENTS_TO_RACKBEAT
    label = "Payment status"
    tripletex_area = "invoice"
    # Only invoices the invoice stream entered in Tripletex are followed.
    depends_on = (StreamName.INVOICES_TO_TRIPLETEX,)

    def run(self, job: Job) -> None:
        store = PaymentStore(job.table)
        known = store.statuses(job.tenant_id)
        invoices = dict(store.invoices(job.tenant_id))
        # A settled invoice stays settled unless the nightly reconcile looks again (reversals).
        wanted = {
            n: i
            for n, i in invoices.items()
            if job.full or known.get(n) is None or known[n].status not in SETTLED
        }
        if not wanted:
            return
        by_id = {i: n for n, i in wanted.items()}
        today = job.now().astimezone(OSLO).date()
        writes_rackbeat: bool | None = None
        for read in ledger.outstanding(job.tripletex, by_id, INVOICES_SINCE, today):
            number = by_id[read.id]
            job.run.read += 1
            status = _status(read)
            before = known.get(number)
            unchanged = before is not None and (before.status, before.outstanding) == (
                status,
                read.amount_outstanding,
            )
            # Unchanged is left alone; the nightly reconcile also brings Rackbeat in step.
            if unchanged and not (job.full and before is not None and not before.in_rackbeat):
                job.run.skipped += 1
                continue
            if writes_rackbeat is None:
                writes_rackbeat = ledger.invoice_payments(job.rackbeat, int(number)) is not None
            in_rackbeat = writes_rackbeat and self._to_rackbeat(
                job, number, read.amount - read.amount_outstanding
            )
            store.put(
                job.tenant_id,
                PaymentStatus(
                    invoice=number,
                    tripletex_id=read.id,
                    amount=read.amount,
                    outstanding=read.amount_outstanding,
                    outstanding_currency=read.amount_currency_outstanding,
                    status=status,
                    checked_at=job.now(),
                    in_rackbeat=in_rackbeat,
                ),
            )
            if unchanged:
                job.run.skipped += 1
            else:
                job.run.written += 1
        if writes_rackbeat is not None:
            key = "payments.rackbeat_updated" if writes_rackbeat else "payments.rackbeat_not_updated"
            job.run.detail = text(key, job.language)

    @staticmethod
    def _to_rackbeat(job: Job, number: str, paid: Decimal) -> bool:
        """Make Rackbeat's payments on the invoice add up to ``paid``. False: Rackbeat refused."""
        payments = ledger.invoice_payments(job.rackbeat, int(number)) or []
        recorded = sum((Decimal(str(p.get("amount") or 0)) for p in payments), Decimal(0))
        try:
            # Newest first: a reversal in Tripletex undoes the latest payments (negative amounts
            # are not known to be accepted, NONE).
            for payment in sorted(payments, key=lambda p: int(p.get("number") or 0), reverse=True):
                if recorded <= paid:
                    break
                ledger.delete_invoice_payment(job.rackbeat, int(number), int(payment["number"]))
                recorded -= Decimal(str(payment.get("amount") or 0))
            if paid > recorded:
                ledger.add_invoice_payment(job.rackbeat, int(number), paid - recorded)
        except ValidationFailed as error:
            job.fail(
                number,
                FailureReason.REJECTED,
                text("payments.refused", job.language, number=number, reason=str(error)),
                text("payments.refused.fix", job.language),
            )
            return False
        job.resolved(number)
        return True


def _status(read: ledger.Outstanding) -> Status:
    if read.is_credited:
        return "credited"
    if read.amount_outstanding <= 0:
        return "paid"
    if read.amount_outstanding < read.amount:
        return "partly_paid"
    return "outstanding"
