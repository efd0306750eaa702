"""The invoice writer: a booked Rackbeat invoice goes to Tripletex once, as an order invoiced
there (or left as an order, by the tenant's choice); a credit note credits the invoice it names;
one booked again with a change is carried only where Tripletex can take the change."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from rackbeat_tripletex import preflight
from rackbeat_tripletex.clients.http import ApiError, AuthError, ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.i18n.failure_details import about, detail
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.amounts import exact as exact_amount
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.sync import Entity, EntityLink, StreamName
from rackbeat_tripletex.sync import tripletex_invoices as sent
from rackbeat_tripletex.sync.context import SyncContext
from rackbeat_tripletex.sync.credit_notes import CreditNotes
from rackbeat_tripletex.sync.invoicing import invoice_settings, mapping_reference
from rackbeat_tripletex.sync.session import TRANSIENT, InvoicingBlocked, Session, Written, rackbeat_stamp
from rackbeat_tripletex.sync.steps import Steps, rackbeat_hash

logger = logging.getLogger(__name__)
# Syncs a record an invoice needs first; why it could not be, or None when it is there.
DependencySync = Callable[[Session, r2t.Dependency], str | None]


class InvoiceWriter(Steps):
    def __init__(self, ctx: SyncContext, sync_dependency: DependencySync) -> None:
        super().__init__(ctx)
        self._sync_dependency = sync_dependency
        self._credit_notes = CreditNotes(ctx)

    def write(self, session: Session, stream: StreamName, invoice: rb.CustomerInvoice) -> Written:
        try:
            return self._write(session, stream, invoice)
        except InvoicingBlocked:
            if session.trigger == "webhook":
                # The tenant-level failure says it all; the scheduled run carries the invoice later.
                return Written("failed")
            raise

    def _write(self, session: Session, stream: StreamName, invoice: rb.CustomerInvoice) -> Written:
        key = str(invoice.number)
        source_hash = rackbeat_hash(invoice)
        link = self.ctx.links.get(session.tenant_id, "invoice", key)
        if link is not None and link.state == "synced" and link.rackbeat_source_hash in (None, source_hash):
            if link.rackbeat_source_hash is None:
                # Written before invoices kept their content: taken as it is now.
                self.ctx.links.record(session.tenant_id, "invoice", key, rackbeat_source_hash=source_hash)
            return Written("skipped", link.tripletex_id)
        self._preflight(session, stream)
        if _is_credit_note(invoice):
            credited = self._credit_notes.write(session, stream, invoice)
            if credited is not None:
                return credited
        mapped = self._map(session, invoice)
        if isinstance(mapped, r2t.MappingFailure):
            return self.unmapped(session, stream, key, mapped, source_hash=source_hash)
        if link is not None and link.state == "synced":
            if link.to_tripletex_hash == mapped.content_hash:
                # Booked again (or paid) without a change Tripletex would see: nothing to send.
                self.ctx.links.record(
                    session.tenant_id,
                    "invoice",
                    key,
                    rackbeat_source_hash=source_hash,
                    rackbeat_updated_at=rackbeat_stamp(invoice.updated_at),
                )
                self.resolved(session, stream, key)
                return Written("skipped", link.tripletex_id)
            return self._rebooked(session, stream, invoice, mapped, link)
        return self._send(session, stream, invoice, mapped, link)

    def _fail(
        self,
        session: Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        reason: str,
        message: str,
        fix: str,
    ) -> Written:
        return self.fail(
            session,
            stream,
            str(invoice.number),
            source_hash=rackbeat_hash(invoice),
            reason=reason,
            message=message,
            suggested_fix=fix,
        )

    # ----- the company's setup, checked before the first invoice of the run ------------------------
    def _preflight(self, session: Session, stream: StreamName) -> None:
        """One tenant-level failure per setup problem (and those that no longer apply cleared);
        a blocking one stops the invoice stream."""
        state = session.invoicing
        if not state.checked:
            findings = preflight.invoicing_findings(
                invoice_settings(session), mapping_reference(session), session.settings.vat_zone_types
            )
            found = {finding.key for finding in findings}
            for finding in findings:
                self._tenant_failure(session, stream, finding)
            for key in preflight.FINDING_KEYS:
                if key not in found:
                    self.resolved(session, stream, _tenant_key(key))
            state.blocker = next((f for f in findings if f.blocking), None)
            state.checked = True
        if state.blocker is not None:
            raise InvoicingBlocked(state.blocker.message)

    def _tenant_failure(self, session: Session, stream: StreamName, finding: preflight.Finding) -> None:
        self.fail(
            session,
            stream,
            _tenant_key(finding.key),
            source_hash=None,
            reason=finding.key.replace("-", "_"),
            message=finding.message,
            suggested_fix=finding.fix,
        )

    def _block(self, session: Session, stream: StreamName, finding: preflight.Finding) -> None:
        """Tripletex refused an invoice for a reason of the company's, not the record's."""
        self._tenant_failure(session, stream, finding)
        session.invoicing.checked = True
        session.invoicing.blocker = finding
        raise InvoicingBlocked(finding.message)

    # ----- mapping, with the records the invoice needs synced first --------------------------------
    def _map(self, session: Session, invoice: rb.CustomerInvoice) -> r2t.MappedInvoice | r2t.MappingFailure:
        groups = self._product_groups(session, r2t.lines_without_vat_rate(invoice))
        for _ in range(3):
            customer = self.ctx.links.get(session.tenant_id, "customer", str(invoice.customer_id))
            product_ids: dict[str, int] = {}
            for line in invoice.lines:
                if line.child_type in (None, "product", "lot") and line.child_id is not None:
                    entity: Entity = "lot" if line.child_type == "lot" else "product"
                    product_link = self.ctx.links.get(session.tenant_id, entity, line.child_id)
                    if product_link is not None and product_link.tripletex_id is not None:
                        product_ids[line.child_id] = product_link.tripletex_id
            mapped = r2t.map_invoice(
                invoice,
                mapping_reference(session),
                customer_id=customer.tripletex_id if customer else None,
                product_ids=product_ids,
                mode=session.settings.invoice_mode,
                product_groups=groups,
            )
            if isinstance(mapped, r2t.MappingFailure) and mapped.missing:
                # Dependencies first, then the invoice: never a failure for a missing customer.
                for dependency in mapped.missing:
                    blocked = self._sync_dependency(session, dependency)
                    if blocked is not None:
                        return _dependency_failure(invoice, dependency, blocked)
                continue
            break
        return mapped

    @staticmethod
    def _product_groups(session: Session, numbers: list[str]) -> dict[str, int | None]:
        """The product groups of these Rackbeat products (read once per run each)."""
        known = session.invoicing.product_groups
        for number in numbers:
            if number not in known:
                product = session.rackbeat.get_product(number)
                known[number] = (
                    None if product is None or isinstance(product, Unreadable) else product.group.number
                )
        return {number: known[number] for number in numbers}

    # ----- sending -----------------------------------------------------------------------------------
    def _send(
        self,
        session: Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        mapped: r2t.MappedInvoice,
        link: EntityLink | None,
    ) -> Written:
        """The order (found again when a previous attempt made it), invoiced in "invoice" mode."""
        api = session.tripletex
        try:
            order = sent.existing_order(api, mapped.order, link)
            if order is None:
                order = api.create_order(mapped.order)
            assert order.id is not None
            self.ctx.links.record(
                session.tenant_id,
                "invoice",
                str(invoice.number),
                state="pending",
                order_id=order.id,
                to_tripletex_hash=mapped.content_hash,
            )
            target_id = order.id
            if mapped.mode == "invoice":
                assert mapped.order.order_date is not None
                issued = sent.invoice_of(api, order.id, mapped.order.order_date)
                if issued is None:
                    issued = api.invoice_order(order.id, mapped.order.order_date)
                target_id = issued.id if issued.id is not None else order.id
        except ValidationFailed as error:
            if preflight.is_bank_account_refusal(error):
                self._block(session, stream, preflight.bank_account_finding())
            return self.rejected(
                session, stream, str(invoice.number), error, source_hash=rackbeat_hash(invoice)
            )
        self.invoice_sent(session, stream, invoice, target_id, mapped.content_hash)
        return Written("written", target_id)

    def _rebooked(
        self,
        session: Session,
        stream: StreamName,
        invoice: rb.CustomerInvoice,
        mapped: r2t.MappedInvoice,
        link: EntityLink,
    ) -> Written:
        """An invoice unbooked and booked again with a change after it reached Tripletex. An open
        order takes the change; an invoice the user has credited in Tripletex is replaced by a
        new one; otherwise nothing is sent and the user is told what to do."""
        api = session.tripletex
        order = sent.order_of(api, link)
        if mapped.mode == "order" and order is not None and order.id is not None and not order.is_closed:
            try:
                api.update_order(mapped.order.model_copy(update={"id": order.id, "version": order.version}))
            except (AuthError, *TRANSIENT):
                raise
            except ApiError as error:
                # Refused (or changed meanwhile): told below like any invoice Tripletex cannot change.
                logger.info(
                    "open order not updated", extra={"tenant_id": session.tenant_id, "status": error.status}
                )
            else:
                self.invoice_sent(session, stream, invoice, order.id, mapped.content_hash)
                return Written("written", order.id)
        issued = sent.sent_invoice(api, link, order)
        if issued is None and order is None:
            # What we sent is gone from Tripletex (the user deleted the order): send it again.
            return self._send(session, stream, invoice, mapped, None)
        if issued is not None and issued.is_credited:
            # The old version is credited in Tripletex: the new one goes as an invoice of its own,
            # under a number of its own (order numbers are unique), found again on a retry.
            number = f"{mapped.order.number}-{mapped.content_hash[:6]}"
            again = dataclasses.replace(mapped, order=mapped.order.model_copy(update={"number": number}))
            return self._send(session, stream, invoice, again, None)
        if issued is None:
            where = text("failure.invoice.where.order", number=mapped.order.number)
            fix = text("failure.invoice.changed_order.fix", order=mapped.order.number)
        else:
            where = text("failure.invoice.where.invoice", number=issued.invoice_number or issued.id)
            fix = text("failure.invoice.changed_invoice.fix", where=where)
        return self._fail(
            session,
            stream,
            invoice,
            r2t.FailureReason.CHANGED_AFTER_SYNC,
            text("failure.invoice.changed.message", number=invoice.number, where=where),
            fix,
        )


def _is_credit_note(invoice: rb.CustomerInvoice) -> bool:
    """Marked as one, or (when Rackbeat does not say) a negative total."""
    if invoice.is_credit_note is not None:
        return invoice.is_credit_note
    return invoice.credited_invoice_id is not None or exact_amount(invoice.total_total) < 0


def _tenant_key(finding: str) -> str:
    """The failures-list key of a tenant-level finding (never a Rackbeat number)."""
    return f"tenant:{finding}"


def _dependency_failure(
    invoice: rb.CustomerInvoice, dependency: r2t.Dependency, why: str
) -> r2t.MappingFailure:
    item = f"{about(dependency.entity)['noun']} {dependency.rackbeat_key}"
    message, fix = detail("invoice.dependency", number=invoice.number, item=item, why=why)
    return r2t.MappingFailure(
        entity="invoice",
        rackbeat_key=str(invoice.number),
        reason=r2t.FailureReason.DEPENDENCY_FAILED,
        message=message,
        suggested_fix=fix,
    )
