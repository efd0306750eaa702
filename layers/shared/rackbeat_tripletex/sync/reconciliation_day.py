"""One day of the reconciliation, compared: the invoices booked in Rackbeat that day against
Tripletex (once, total, VAT per rate) and the linked customers and products on them (name,
number, price). ``sync.reconciliation`` keeps, mails and resends what it finds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from rackbeat_tripletex.clients.http import NotFound
from rackbeat_tripletex.clients.records import Unreadable, readable
from rackbeat_tripletex.clients.tenant import Clients
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
from rackbeat_tripletex.models.domain import Settings
from rackbeat_tripletex.models.sync import Entity, EntityLink, StreamName
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.store.reconciliation import Gap, GapKind, gap_id

OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class Found:
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
class DayCheck:
    clients: Clients
    links: LinkStore
    tenant_id: str
    settings: Settings
    found: Found
    _orders: dict[int, tx.Order] = field(default_factory=dict)
    _reference: Reference | None = None

    def run(self) -> Found:
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
            if ours is None or isinstance(ours, Unreadable):
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
            if ours is None or isinstance(ours, Unreadable):
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
