"""A Rackbeat credit note in Tripletex: a full credit becomes Tripletex's own credit note of the
original invoice; a partial one goes as a negative invoice on the same customer (the invoice
writer's ordinary path); one whose original cannot be identified fails alone."""

from __future__ import annotations

from rackbeat_tripletex.clients.http import ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import detail
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.amounts import exact as exact_amount
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.sync import tripletex_invoices as sent
from rackbeat_tripletex.sync.session import Session, Written
from rackbeat_tripletex.sync.steps import Steps, rackbeat_hash


class CreditNotes(Steps):
    def write(self, session: Session, stream: StreamName, invoice: rb.CustomerInvoice) -> Written | None:
        """The credit note written (or failed); None for a partial one."""
        key = str(invoice.number)

        def fail(reason: r2t.FailureReason, message: str, fix: str) -> Written:
            return self.fail(
                session,
                stream,
                key,
                source_hash=rackbeat_hash(invoice),
                reason=reason.value,
                message=message,
                suggested_fix=fix,
            )

        number = invoice.credited_invoice_id
        original = session.rackbeat.get_customer_invoice(number) if number is not None else None
        original_link = (
            self.ctx.links.get(session.tenant_id, "invoice", str(number)) if number is not None else None
        )
        if (
            original is None
            or isinstance(original, Unreadable)
            or original_link is None
            or original_link.state != "synced"
        ):
            which = (
                "no_original"
                if number is None
                else "original_missing"
                if original is None or isinstance(original, Unreadable)
                else "original_not_sent"
            )
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                text(f"failure.credit_note.{which}.message", key=key, number=number),
                text("failure.credit_note.credit_yourself.fix"),
            )
        if original.customer_id != invoice.customer_id:
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                *detail(
                    "credit_note.other_customer",
                    key=key,
                    customer=invoice.customer_id,
                    number=number,
                    original_customer=original.customer_id,
                ),
            )
        if exact_amount(invoice.total_total) != -exact_amount(original.total_total):
            return None  # partial: a negative invoice on the same customer
        api = session.tripletex
        issued = sent.sent_invoice(api, original_link, sent.order_of(api, original_link))
        if issued is None or issued.id is None:
            order_number = f"{r2t.ORDER_NUMBER_PREFIX}{number}"
            return fail(
                r2t.FailureReason.UNKNOWN_CREDITED_INVOICE,
                *detail("credit_note.open_order", key=key, number=number, order=order_number),
            )
        day = invoice.invoice_date or self.ctx.now().date()
        if issued.is_credited:
            credit = api.find_credit_note_of(issued.id, day)
        else:
            try:
                credit = api.create_credit_note(issued.id, day, comment=f"Rackbeat credit note {key}")
            except ValidationFailed as error:
                return fail(r2t.FailureReason.CHANGED_AFTER_SYNC, str(error), error.user_hint)
        target = credit.id if credit is not None and credit.id is not None else issued.id
        self.invoice_sent(session, stream, invoice, target, content_hash({"creditNoteOf": issued.id}))
        return Written("written", target)
