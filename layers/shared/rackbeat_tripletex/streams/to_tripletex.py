"""Rackbeat -> Tripletex streams: customers, suppliers, products (records kept in step) and
booked invoices (sent once, by the invoice writer in ``sync/invoices.py``)."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.streams.base import Cursor, Stream, TimestampCursor

# Reference conventions 5: incremental reads overlap their updated_at_from cursor by 2 hours.
RACKBEAT_OVERLAP = dt.timedelta(hours=2)
Since = dt.datetime | None


class ToTripletex(Stream):
    """Reads Rackbeat changes by ``updated_at_from``; a record is keyed by its Rackbeat number."""

    cursor: ClassVar[Cursor] = TimestampCursor(RACKBEAT_OVERLAP)

    @abstractmethod
    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[Any]: ...

    @abstractmethod
    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        """The record a webhook names, or None when the key cannot be one of this entity."""


class RecordToTripletex(ToTripletex):
    """A record kept in step: mapped, then found by link, by number, or created."""

    # Only a customer's mapping (its invoice send method) depends on the company's invoicing setup.
    needs_invoicing_setup: ClassVar[bool] = False

    @abstractmethod
    def map(self, record: Any, reference: r2t.Reference) -> r2t.Mapped[Any] | r2t.MappingFailure: ...

    @abstractmethod
    def get(self, api: TripletexClient, tripletex_id: int) -> Any: ...

    @abstractmethod
    def find(self, api: TripletexClient, record: Any) -> Any:
        """The Tripletex record with the mapped record's number, or None."""

    @abstractmethod
    def create(self, api: TripletexClient, record: Any) -> Any: ...

    @abstractmethod
    def update(self, api: TripletexClient, record: Any) -> Any: ...


def _number(key: str) -> int | None:
    return int(key) if key.isdigit() else None


class CustomersToTripletex(RecordToTripletex):
    name = StreamName.CUSTOMERS_TO_TRIPLETEX
    label = "Customers"
    tripletex_area = "customer"
    webhook_events = ("customer.created", "customer.updated", "customer.deleted")
    needs_invoicing_setup = True

    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[rb.Customer | Any]:
        return rackbeat.customers(updated_at_from=since)

    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        number = _number(key)
        return rackbeat.get_customer(number) if number is not None else None

    def map(self, record: Any, reference: r2t.Reference) -> r2t.Mapped[Any] | r2t.MappingFailure:
        return r2t.map_customer(record, reference)

    def get(self, api: TripletexClient, tripletex_id: int) -> tx.Customer:
        return api.get_customer(tripletex_id)

    def find(self, api: TripletexClient, record: Any) -> tx.Customer | None:
        return api.find_customer_by_number(record.customer_number)

    def create(self, api: TripletexClient, record: Any) -> tx.Customer:
        return api.create_customer(record)

    def update(self, api: TripletexClient, record: Any) -> tx.Customer:
        return api.update_customer(record)


class SuppliersToTripletex(RecordToTripletex):
    name = StreamName.SUPPLIERS_TO_TRIPLETEX
    label = "Suppliers"
    tripletex_area = "supplier"
    webhook_events = ("supplier.created", "supplier.updated", "supplier.deleted")

    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[Any]:
        return rackbeat.suppliers(updated_at_from=since)

    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        number = _number(key)
        return rackbeat.get_supplier(number) if number is not None else None

    def map(self, record: Any, reference: r2t.Reference) -> r2t.Mapped[Any] | r2t.MappingFailure:
        return r2t.map_supplier(record, reference)

    def get(self, api: TripletexClient, tripletex_id: int) -> tx.Supplier:
        return api.get_supplier(tripletex_id)

    def find(self, api: TripletexClient, record: Any) -> tx.Supplier | None:
        return api.find_supplier_by_number(record.supplier_number)

    def create(self, api: TripletexClient, record: Any) -> tx.Supplier:
        return api.create_supplier(record)

    def update(self, api: TripletexClient, record: Any) -> tx.Supplier:
        return api.update_supplier(record)


class TripletexProducts:
    """The Tripletex half of a stream whose records become Tripletex products (products, and
    bills of materials, which Tripletex keeps as products found by the same number)."""

    def get(self, api: TripletexClient, tripletex_id: int) -> tx.Product:
        return api.get_product(tripletex_id)

    def find(self, api: TripletexClient, record: Any) -> tx.Product | None:
        return api.find_product_by_number(record.number)

    def create(self, api: TripletexClient, record: Any) -> tx.Product:
        return api.create_product(record)

    def update(self, api: TripletexClient, record: Any) -> tx.Product:
        return api.update_product(record)


class ProductsToTripletex(TripletexProducts, RecordToTripletex):
    name = StreamName.PRODUCTS_TO_TRIPLETEX
    label = "Products"
    tripletex_area = "product"
    webhook_events = ("product.created", "product.updated", "product.deleted")

    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[Any]:
        return rackbeat.products(updated_at_from=since)

    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        # Product numbers are text: any key can be one.
        return rackbeat.get_product(key)

    def map(self, record: Any, reference: r2t.Reference) -> r2t.Mapped[Any] | r2t.MappingFailure:
        return r2t.map_product(record, reference)


class InvoicesToTripletex(ToTripletex):
    """Booked invoices: sent once by the invoice writer (order, invoice, credit note), never
    updated blindly like a record kept in step."""

    name = StreamName.INVOICES_TO_TRIPLETEX
    label = "Booked invoices"
    tripletex_area = "invoice"
    # A booked invoice is the one that goes to the books; drafts are not synced.
    webhook_events = ("customer_invoice.booked",)
    # An invoice needs its customer and its products in Tripletex before it.
    depends_on = (StreamName.CUSTOMERS_TO_TRIPLETEX, StreamName.PRODUCTS_TO_TRIPLETEX)

    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[Any]:
        return rackbeat.booked_invoices_since(since)

    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        number = _number(key)
        return rackbeat.get_customer_invoice(number) if number is not None else None
