"""The daily reconciliation: every invoice booked in Rackbeat on a day exists exactly once in
Tripletex with the same total and the same VAT per rate, and the customers and products on those
invoices that are linked agree on the fields we write (name, number, price).

The nightly full run checks yesterday (Oslo time) for each active tenant, stores what it found
(``store.reconciliation``; the cockpit reads it through ``GET /tenants/{id}/reconciliation``)
and emails the contact when it found a difference. A difference is put right by resending the
record: its link is marked so the stream writes it again (an invoice gone from Tripletex is sent
anew, one that differs goes the way of a changed invoice: credited in Tripletex, re-issued),
and the record goes on SyncQueue as a webhook would put it.

Amounts are compared as Tripletex computes them (``mappers.rackbeat_to_tripletex.amounts``):
each line rounded, so a total may differ from Rackbeat's by up to an øre per line.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from rackbeat_tripletex.clients.http import NotFound
from rackbeat_tripletex.clients.records import readable
from rackbeat_tripletex.clients.tenant import ClientFactory, Clients
from rackbeat_tripletex.i18n import Language, text
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.amounts import (
    CENT,
    exact,
    half_up,
    line_excluding_vat,
    tripletex_line_amounts,
)
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.invoice import ORDER_NUMBER_PREFIX
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.reference import Reference, percent
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.domain import Settings, Tenant, TenantStatus
from rackbeat_tripletex.models.sync import Entity, EntityLink, EntitySyncTask, StreamName
from rackbeat_tripletex.notify.email import Mailer
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.queue import send_bodies
from rackbeat_tripletex.store.reconciliation import DayChecked, Gap, GapKind, ReconciliationStore, gap_id
from rackbeat_tripletex.sync.context import SyncContext

logger = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")
# What a link's hashes are set to so the stream writes the record again: no content hashes to it.
RESEND_MARK = "resend"
# Differences that resending cannot put right: the extra invoices are credited in Tripletex.
NOT_RESENDABLE: frozenset[GapKind] = frozenset({"invoice_duplicate"})
# At most this many days are checked and resent at once (a request must answer in seconds).
MAX_RANGE_DAYS = 31


def yesterday(now: dt.datetime) -> dt.date:
    return now.astimezone(OSLO).date() - dt.timedelta(days=1)


def human_date(day: dt.date, language: Language | str | None = None) -> str:
    return text(
        "reconciliation.date", language, day=f"{day.day:02d}", month=f"{day.month:02d}", year=str(day.year)
    )


def gap_summary(gap: Gap, language: Language | str | None = None) -> str:
    params = dict(gap.params)
    if "fields" in params:
        params["fields"] = ", ".join(
            text(f"reconciliation.field.{name}", language) for name in params["fields"].split(",")
        )
    return text(f"reconciliation.{gap.kind}", language, number=gap.key, **params)


def gap_fix(gap: Gap, language: Language | str | None = None) -> str:
    return text(f"reconciliation.{gap.kind}.fix", language)


@dataclass
class _Found:
    """The gaps of one day, and how many records were compared."""

    day: dt.date
    now: dt.datetime
    gaps: list[Gap] = field(default_factory=list)
    invoices: int = 0
    customers: int = 0
    products: int = 0

    def add(self, entity: Entity, key: str, kind: GapKind, **params: object) -> None:
        self.gaps.append(
            Gap(
                gap_id=gap_id(self.day, entity, key, kind),
                day=self.day,
                entity=entity,
                key=key,
                kind=kind,
                params={name: str(value) for name, value in params.items()},
                found_at=self.now,
            )
        )


@dataclass
class _DayCheck:
    clients: Clients
    links: LinkStore
    tenant_id: str
    settings: Settings
    found: _Found
    _orders: dict[int, tx.Order] = field(default_factory=dict)
    _reference: Reference | None = None

    def run(self) -> _Found:
        """Only what the tenant syncs to Tripletex is compared: with a stream off, the records
        are not expected there."""
        if not self._on(StreamName.INVOICES_TO_TRIPLETEX):
            return self.found
        day = self.found.day
        since = dt.datetime.combine(day, dt.time.min, OSLO)
        invoices = [
            invoice
            for invoice in readable(self.clients.rackbeat.booked_invoices_since(since))
            if invoice.invoice_date == day and not _credit_note(invoice)
        ]
        if self.settings.invoice_mode == "invoice":
            self._check_invoices(invoices)
        else:
            for invoice in invoices:
                order = self.clients.tripletex.find_order_by_number(f"{ORDER_NUMBER_PREFIX}{invoice.number}")
                self._compare(invoice, [order] if order is not None else [])
        if self._on(StreamName.CUSTOMERS_TO_TRIPLETEX):
            self._check_customers({str(invoice.customer_id) for invoice in invoices})
        if self._on(StreamName.PRODUCTS_TO_TRIPLETEX):
            self._check_products(
                {line.child_id for invoice in invoices for line in invoice.lines if line.child_id}
            )
        return self.found

    def _on(self, stream: StreamName) -> bool:
        return bool(getattr(self.settings.streams, stream.value))

    # -- invoices ---------------------------------------------------------------------------------
    def _check_invoices(self, invoices: list[rb.CustomerInvoice]) -> None:
        day = self.found.day
        by_number: dict[str, list[tx.Order]] = {}
        for issued in self.clients.tripletex.iter_invoices(day, day + dt.timedelta(days=1)):
            if issued.is_credit_note or issued.is_credited:
                continue
            for ref in issued.orders:
                if ref.id is None:
                    continue
                order = self._order(ref.id)
                if order is not None and order.number and order.number.startswith(ORDER_NUMBER_PREFIX):
                    # "RB-<number>", and "RB-<number>-<hash>" for a re-issued one (sync.invoices).
                    number = order.number.removeprefix(ORDER_NUMBER_PREFIX).split("-")[0]
                    by_number.setdefault(number, []).append(order)
        links = self.links.get_many(self.tenant_id, "invoice", [str(i.number) for i in invoices])
        for invoice in invoices:
            key = str(invoice.number)
            orders = by_number.get(key, [])
            if not orders:
                orders = self._linked_elsewhere(links.get(key))
            self._compare(invoice, orders)

    def _linked_elsewhere(self, link: EntityLink | None) -> list[tx.Order]:
        """The invoice a link names when Tripletex dated it otherwise than Rackbeat."""
        if link is None or link.tripletex_id is None or link.tripletex_id == link.order_id:
            return []
        try:
            issued = self.clients.tripletex.get_invoice(link.tripletex_id)
        except NotFound:
            return []
        if issued.is_credited or issued.is_credit_note:
            return []
        orders = [self._order(ref.id) for ref in issued.orders if ref.id is not None]
        return [order for order in orders if order is not None]

    def _compare(self, invoice: rb.CustomerInvoice, orders: list[tx.Order]) -> None:
        self.found.invoices += 1
        key = str(invoice.number)
        if not orders:
            self.found.add("invoice", key, "invoice_missing")
            return
        if len(orders) > 1:
            self.found.add("invoice", key, "invoice_duplicate", count=len(orders))
            return
        order = orders[0]
        rackbeat_rates, rackbeat_total = _rackbeat_amounts(invoice)
        tripletex_rates, tripletex_total = self._tripletex_amounts(order)
        lines = max(len(invoice.lines), len(order.order_lines), 1)
        if abs(rackbeat_total - tripletex_total) > CENT * lines:
            self.found.add(
                "invoice",
                key,
                "invoice_total",
                rackbeat=_money(rackbeat_total),
                tripletex=_money(tripletex_total),
            )
            return
        for rate in sorted(set(rackbeat_rates) | set(tripletex_rates)):
            ours, theirs = rackbeat_rates.get(rate, Decimal(0)), tripletex_rates.get(rate, Decimal(0))
            if abs(ours - theirs) > CENT * lines:
                self.found.add(
                    "invoice",
                    key,
                    "invoice_vat",
                    rate=_rate(rate),
                    rackbeat=_money(ours),
                    tripletex=_money(theirs),
                )

    def _tripletex_amounts(self, order: tx.Order) -> tuple[dict[Decimal, Decimal], Decimal]:
        reference = self._vat_reference()
        including = bool(order.is_prioritize_amounts_including_vat)
        rates: dict[Decimal, Decimal] = {}
        total = Decimal(0)
        for line in order.order_lines:
            rate = (
                reference.vat_percentage(line.vat_type.id)
                if line.vat_type and line.vat_type.id
                else Decimal(0)
            )
            excl, incl = tripletex_line_amounts(line, including_vat=including, vat_percentage=rate)
            rates[percent(rate)] = rates.get(percent(rate), Decimal(0)) + (incl - excl)
            total += incl
        return rates, total

    def _vat_reference(self) -> Reference:
        if self._reference is None:
            self._reference = Reference.build(
                vat_types=self.clients.tripletex.list_vat_types(),
                product_units=(),
                currencies=(),
                countries={},
            )
        return self._reference

    def _order(self, order_id: int) -> tx.Order | None:
        if order_id not in self._orders:
            try:
                self._orders[order_id] = self.clients.tripletex.get_order(order_id)
            except NotFound:
                return None
        return self._orders[order_id]

    # -- customers and products -------------------------------------------------------------------
    def _check_customers(self, keys: set[str]) -> None:
        links = self.links.get_many(self.tenant_id, "customer", sorted(keys))
        for key, link in sorted(links.items()):
            if link.tripletex_id is None or not key.isdigit():
                continue
            ours = self.clients.rackbeat.get_customer(int(key))
            if not isinstance(ours, rb.Customer):
                continue
            try:
                theirs = self.clients.tripletex.get_customer(link.tripletex_id)
            except NotFound:
                theirs = None
            self.found.customers += 1
            differ = ["name"] if theirs is None or _words(ours.company_name) != _words(theirs.name) else []
            if differ:
                self.found.add("customer", key, "customer_fields", fields=",".join(differ))

    def _check_products(self, keys: set[str]) -> None:
        links = self.links.get_many(self.tenant_id, "product", sorted(keys))
        for key, link in sorted(links.items()):
            if link.tripletex_id is None:
                continue
            ours = self.clients.rackbeat.get_product(key)
            if not isinstance(ours, rb.Product):
                continue
            try:
                theirs: tx.Product | None = self.clients.tripletex.get_product(link.tripletex_id)
            except NotFound:
                theirs = None
            self.found.products += 1
            differ = _product_differences(ours, theirs)
            if differ:
                self.found.add("product", key, "product_fields", fields=",".join(differ))


def _product_differences(ours: rb.Product, theirs: tx.Product | None) -> list[str]:
    if theirs is None:
        return ["name", "number"]
    differ = []
    if _words(ours.name) != _words(theirs.name):
        differ.append("name")
    if _words(ours.number) != _words(theirs.number):
        differ.append("number")
    if (
        ours.sales_price is not None
        and theirs.price_excluding_vat_currency is not None
        and abs(exact(ours.sales_price) - exact(theirs.price_excluding_vat_currency)) > CENT
    ):
        differ.append("price")
    return differ


def _rackbeat_amounts(invoice: rb.CustomerInvoice) -> tuple[dict[Decimal, Decimal], Decimal]:
    rates: dict[Decimal, Decimal] = {}
    for line in invoice.lines:
        if line.vat_percentage is None:
            continue
        rate = percent(line.vat_percentage)
        rates[rate] = rates.get(rate, Decimal(0)) + half_up(line_excluding_vat(line) * rate / 100)
    return rates, exact(invoice.total_total)


def _credit_note(invoice: rb.CustomerInvoice) -> bool:
    return bool(invoice.is_credit_note) or invoice.total_total < 0


def _words(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _money(value: Decimal) -> str:
    return f"{half_up(value):.2f}"


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass
class Reconciliation:
    """Checks days, keeps what they found, mails it, and resends what the user asks to."""

    store: ReconciliationStore
    links: LinkStore
    clients: ClientFactory
    mailer: Mailer
    sqs: Any
    sync_queue_url: str
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))

    def check_day(self, tenant: Tenant, settings: Settings, day: dt.date) -> tuple[DayChecked, list[Gap]]:
        found = _Found(day=day, now=self.now())
        with self.clients(tenant.tenant_id) as clients:
            _DayCheck(clients, self.links, tenant.tenant_id, settings, found).run()
        checked = DayChecked(
            day=day,
            checked_at=found.now,
            invoices=found.invoices,
            customers=found.customers,
            products=found.products,
            gaps=len(found.gaps),
        )
        gaps = self.store.record_day(tenant.tenant_id, checked, found.gaps)
        logger.info(
            "reconciliation checked",
            extra={
                "tenant_id": tenant.tenant_id,
                "day": day.isoformat(),
                "invoices": found.invoices,
                "gaps": len(gaps),
            },
        )
        return checked, gaps

    def daily(self, tenant: Tenant, settings: Settings) -> list[Gap]:
        """Yesterday's check for the nightly run; the contact is emailed when it found gaps."""
        day = yesterday(self.now())
        _, gaps = self.check_day(tenant, settings, day)
        if gaps:
            self.mailer.send_reconciliation_gaps(
                tenant,
                human_date(day, tenant.language),
                [_Said(gap_summary(g, tenant.language)) for g in gaps],
            )
        return gaps

    def resend(self, tenant_id: str, gaps: Iterable[Gap]) -> list[Gap]:
        """Put each gap's record on SyncQueue to be written again; returns the gaps resent."""
        chosen = [gap for gap in gaps if gap.kind not in NOT_RESENDABLE]
        tasks = []
        for gap in chosen:
            link = self.links.get(tenant_id, gap.entity, gap.key)
            if link is not None and link.state == "synced":
                if gap.kind == "invoice_missing":
                    # Sent again as a first attempt is: its order found again (by link, else by
                    # number) and invoiced, or made anew when it is gone too.
                    self.links.record(
                        tenant_id, gap.entity, gap.key, state="pending", rackbeat_source_hash=RESEND_MARK
                    )
                else:
                    # Written again as a changed record is: a differing invoice goes the way of
                    # one changed after it was sent (credited in Tripletex, then re-issued).
                    self.links.record(
                        tenant_id,
                        gap.entity,
                        gap.key,
                        rackbeat_source_hash=RESEND_MARK,
                        to_tripletex_hash=RESEND_MARK,
                    )
            tasks.append(
                EntitySyncTask(
                    tenant_id=tenant_id, source="rackbeat", entity=gap.entity, key=gap.key, event="resend"
                ).model_dump_json()
            )
        unsent = send_bodies(self.sqs, self.sync_queue_url, tasks, attempts=2)
        if unsent:
            raise RuntimeError(f"{unsent} resend messages were not sent to SyncQueue")
        at = self.now()
        for gap in chosen:
            self.store.mark_resent(tenant_id, gap, at)
        logger.info("reconciliation gaps resent", extra={"tenant_id": tenant_id, "resent": len(chosen)})
        return chosen


@dataclass(frozen=True)
class _Said:
    summary: str


def daily_reconciliation(ctx: SyncContext, tenant_id: str, sqs: Any, sync_queue_url: str) -> list[Gap]:
    """The nightly run's check of yesterday for one tenant. A failure is logged, not raised: the
    tenant's sync task must not be redone for it, and the next night checks again."""
    tenant = ctx.tenants.get(tenant_id)
    settings = ctx.tenants.get_settings(tenant_id)
    if tenant is None or settings is None or tenant.status != TenantStatus.ACTIVE:
        return []
    reconciliation = Reconciliation(
        store=ReconciliationStore(ctx.table),
        links=ctx.links,
        clients=ctx.clients,
        mailer=ctx.mailer,
        sqs=sqs,
        sync_queue_url=sync_queue_url,
        now=ctx.now,
    )
    try:
        return reconciliation.daily(tenant, settings)
    except Exception:
        logger.exception("reconciliation failed", extra={"tenant_id": tenant_id})
        return []
