"""Purchase orders -> Tripletex: a booked Rackbeat purchase order becomes a Tripletex purchase
order (supplier, lines, delivery date, currency) the supplier invoice can be matched to; with
the tenant's goods-receipt setting on, what Rackbeat received is registered on it (and, with
``confirm``, confirmed once everything has come: that moves Tripletex stock, which is why it is
off unless the tenant chooses it, specs/EVIDENCE-NEW-STREAMS.md, cross-stream risk 1).

Rackbeat has no purchase-order events, so the schedule reads orders changed since the cursor
(two hours of overlap, as every Rackbeat stream). The supplier and products an order needs are
synced first, as an invoice's are. An order is found again by its link, else by the marker in
``internalComment`` (a create whose answer was lost), and only then created; its lines are
brought in step by product. Without Tripletex Logistics the stream stops with one failure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rackbeat_tripletex.clients import purchasing as api
from rackbeat_tripletex.clients.errors import AccessDenied, NotFound, ValidationFailed
from rackbeat_tripletex.clients.records import Unreadable
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import purchase_order as po
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.result import Dependency
from rackbeat_tripletex.models.purchasing import PurchaseOrder, TripletexPurchaseOrder
from rackbeat_tripletex.models.sync import FailureReason, StreamName
from rackbeat_tripletex.streams.scheduled import Job, Scheduled

OSLO = ZoneInfo("Europe/Oslo")
OVERLAP = dt.timedelta(hours=2)
LOGISTICS_KEY = "logistics"


class Unavailable(Exception):
    """Tripletex refused purchase orders (no Logistics): the run stops, the cursor stays."""


class PurchaseOrdersToTripletex(Scheduled):
    name = StreamName.PURCHASE_ORDERS_TO_TRIPLETEX
    label = "Purchase orders"
    tripletex_area = "purchase_order"
    depends_on: ClassVar[tuple[StreamName, ...]] = (
        StreamName.SUPPLIERS_TO_TRIPLETEX,
        StreamName.PRODUCTS_TO_TRIPLETEX,
    )

    def run(self, job: Job) -> None:
        started = job.now()
        since = None
        if not job.full:
            last = dt.datetime.fromisoformat(job.cursor) if job.cursor else job.activated or started
            since = last - OVERLAP
        lookups = _Lookups(job)
        try:
            for page in _pages(api.purchase_orders(job.rackbeat, since)):
                # Links and failure rows of the page in one read: an order synced, or failed
                # with this same content, is not looked at again (a change or Retry is).
                keys = [str(o.number) for o in page if not isinstance(o, Unreadable)]
                known = job.links.page_state(job.tenant_id, self.name, keys)
                for order in page:
                    if not isinstance(order, Unreadable) and not order.is_booked:
                        continue  # drafts stay in Rackbeat
                    job.run.read += 1
                    if isinstance(order, Unreadable):
                        self._unreadable(job, order)
                        continue
                    key = str(order.number)
                    source_hash = lookups.source_hash(order)
                    link = known.links.get(key)
                    done = (
                        link is not None
                        and link.state == "synced"
                        and link.rackbeat_source_hash == source_hash
                    )
                    if done or (not job.full and known.failed_with.get(key) == source_hash):
                        job.run.skipped += 1
                        continue
                    with job.leased(key):
                        self._sync(job, order, lookups)
        except Unavailable:
            return
        job.resolved(LOGISTICS_KEY)
        job.advance(started.astimezone(dt.UTC).isoformat())

    def _sync(self, job: Job, order: PurchaseOrder, lookups: _Lookups) -> None:
        key = str(order.number)
        source_hash = lookups.source_hash(order)
        received = lookups.received(order)
        link = job.links.get(job.tenant_id, "purchase_order", key)  # again, under the lease
        ids = self._dependencies(job, order, source_hash)
        if ids is None:
            return
        supplier_id, product_ids = ids
        mapped = po.map_purchase_order(
            order,
            supplier_id=supplier_id,
            product_ids=product_ids,
            our_contact_id=lookups.our_contact(),
            currency_id=lookups.currency(order.currency),
            today=lookups.today,
        )
        if isinstance(mapped, po.Unmapped):
            job.fail(
                key,
                mapped.reason,
                text(mapped.key, job.language, **mapped.params),
                text(mapped.key + ".fix", job.language),
                source_hash,
            )
            return
        try:
            saved = self._upsert(job, link.tripletex_id if link else None, mapped, supplier_id, lookups.today)
        except AccessDenied:
            job.fail(
                LOGISTICS_KEY,
                FailureReason.NOT_AVAILABLE,
                text("purchase_orders.logistics", job.language),
                text("purchase_orders.logistics.fix", job.language),
            )
            raise Unavailable from None
        except ValidationFailed as error:
            job.fail(
                key,
                FailureReason.REJECTED,
                text("purchase_orders.refused", job.language, number=key, reason=str(error)),
                text("purchase_orders.refused.fix", job.language),
                source_hash,
            )
            return
        receipt_failed = bool(received) and not self._received(job, key, saved, received, product_ids, mapped)
        job.links.record(
            job.tenant_id,
            "purchase_order",
            key,
            tripletex_id=saved.id,
            origin="created",
            synced_at=job.now(),
            # Without it the next run tries the receipt again.
            rackbeat_source_hash=None if receipt_failed else source_hash,
            to_tripletex_hash=mapped.content_hash,
        )
        if receipt_failed:
            return
        job.resolved(key)
        job.run.written += 1

    def _received(
        self,
        job: Job,
        key: str,
        order: TripletexPurchaseOrder,
        received: dict[str, Decimal],
        product_ids: dict[str, int],
        mapped: po.MappedOrder,
    ) -> bool:
        """The receipt step; False when Tripletex refused it (recorded for the order alone)."""
        try:
            self._receive(job, order, received, product_ids, mapped)
        except AccessDenied:
            reason, message = (
                FailureReason.NOT_AVAILABLE,
                text("purchase_orders.receipts_denied", job.language),
            )
        except ValidationFailed as error:
            reason = FailureReason.REJECTED
            message = text("purchase_orders.refused", job.language, number=key, reason=str(error))
        else:
            return True
        job.fail(key, reason, message, text("purchase_orders.receipts.fix", job.language))
        return False

    @staticmethod
    def _dependencies(job: Job, order: PurchaseOrder, source_hash: str) -> tuple[int, dict[str, int]] | None:
        """Tripletex ids of the order's supplier and products, syncing the missing ones first;
        None when one could not be (recorded as the order's failure)."""
        wanted: list[tuple[Any, str]] = [("product", number) for number in po.product_numbers(order)]
        if order.supplier_number is not None:
            wanted.insert(0, ("supplier", str(order.supplier_number)))
        ids: dict[tuple[Any, str], int] = {}
        for entity, number in wanted:
            link = job.links.get(job.tenant_id, entity, number)
            if (link is None or link.tripletex_id is None) and job.dependency is not None:
                why = job.dependency(Dependency(entity, number))
                link = job.links.get(job.tenant_id, entity, number) if why is None else None
            if link is None or link.tripletex_id is None:
                job.fail(
                    str(order.number),
                    FailureReason.DEPENDENCY_FAILED,
                    text("purchase_orders.dependency", job.language, entity=entity, number=number),
                    text("purchase_orders.dependency.fix", job.language),
                    source_hash,
                )
                return None
            ids[(entity, number)] = link.tripletex_id
        supplier = ids.get(("supplier", str(order.supplier_number)))
        if supplier is None:
            job.fail(
                str(order.number),
                FailureReason.MISSING_DEPENDENCY,
                text("purchase_orders.no_supplier", job.language, number=str(order.number)),
                text("purchase_orders.no_supplier.fix", job.language),
                source_hash,
            )
            return None
        return supplier, {number: i for (entity, number), i in ids.items() if entity == "product"}

    @staticmethod
    def _upsert(
        job: Job, linked: int | None, mapped: po.MappedOrder, supplier_id: int, today: dt.date
    ) -> TripletexPurchaseOrder:
        tripletex = job.tripletex
        current = None
        if linked is not None:
            try:
                current = api.get_order(tripletex, linked)
            except NotFound:
                current = None  # deleted in Tripletex: found by marker or made again
        marker = str(mapped.header["internalComment"])
        if current is None:
            current = api.find_order(tripletex, supplier_id, marker, today)
        if current is None:
            created = api.create_order(tripletex, mapped.header, supplier_id, today)
            api.add_lines(tripletex, [po.line_body(created.id, line) for line in mapped.lines])
            return api.get_order(tripletex, created.id)
        api.update_order(
            tripletex, current.id, {**mapped.header, "id": current.id, "version": current.version}
        )
        have = {line.product_id: line for line in current.order_lines}
        want = {line.product_id: line for line in mapped.lines}
        api.add_lines(tripletex, [po.line_body(current.id, want[p]) for p in want if p not in have])
        api.change_lines(
            tripletex,
            [
                {
                    "id": have[p].id,
                    "count": float(want[p].count),
                    "unitCostCurrency": float(want[p].unit_cost),
                }
                for p in want
                if p in have
                and (have[p].count, have[p].unit_cost_currency) != (want[p].count, want[p].unit_cost)
            ],
        )
        for product, line in have.items():
            if product not in want:
                api.delete_line(tripletex, line)
        return api.get_order(tripletex, current.id)

    @staticmethod
    def _receive(
        job: Job,
        order: TripletexPurchaseOrder,
        received: dict[str, Decimal],
        product_ids: dict[str, int],
        mapped: po.MappedOrder,
    ) -> None:
        """Registered quantities follow Rackbeat's received ones per product; confirmed (with
        ``confirm``) once every line has all it ordered."""
        if order.status == "STATUS_CONFIRMED":
            return
        by_product = {product_ids[n]: q for n, q in received.items() if n in product_ids}
        today = job.now().astimezone(OSLO).date()
        lines = api.register_receipt(job.tripletex, order.id, today)
        for line in lines:
            quantity = by_product.get(line.product_id or -1, Decimal(0))
            if line.quantity_received != quantity:
                api.set_received(job.tripletex, line, quantity)
        complete = all(by_product.get(line.product_id, Decimal(0)) >= line.count for line in mapped.lines)
        if job.settings.purchase_orders.goods_receipts == "confirm" and complete:
            api.confirm_receipt(job.tripletex, order.id)

    @staticmethod
    def _unreadable(job: Job, order: Unreadable) -> None:
        job.fail(
            order.key or "unnumbered",
            FailureReason.UNREADABLE,
            text("purchase_orders.unreadable", job.language, number=order.key or "?", reason=order.reason),
            text("purchase_orders.unreadable.fix", job.language),
            content_hash(dict(order.raw)),
        )


def _pages(records: Any, size: int = 50) -> Any:
    page: list[Any] = []
    for record in records:
        page.append(record)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


class _Lookups:
    """What every order of one run shares, read once and only when an order is written."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.today = job.now().astimezone(OSLO).date()
        self._contact: int | None = None
        self._currencies: dict[str, int | None] = {}
        self._received: dict[int, dict[str, Decimal]] = {}

    def received(self, order: PurchaseOrder) -> dict[str, Decimal]:
        """What Rackbeat received on the order, read only when the tenant wants goods receipts
        (once per order and run: the receipts are part of its content)."""
        if self.job.settings.purchase_orders.goods_receipts == "off":
            return {}
        if order.number not in self._received:
            self._received[order.number] = api.received(self.job.rackbeat, order.number)
        return self._received[order.number]

    def source_hash(self, order: PurchaseOrder) -> str:
        """The order's content as synced: the order and, with goods receipts on, what came."""
        received = self.received(order)
        return content_hash(
            {
                "order": order.model_dump(mode="json", exclude={"updated_at"}),
                "received": {k: str(v) for k, v in received.items()},
            }
        )

    def our_contact(self) -> int:
        if self._contact is None:
            self._contact = self.job.tripletex.who_am_i().employee_id or 0
        return self._contact

    def currency(self, code: str | None) -> int | None:
        if not code:
            return None
        if code not in self._currencies:
            found = self.job.tripletex.list_currencies(code)
            self._currencies[code] = next((c.id for c in found if c.code == code), None)
        return self._currencies[code]
