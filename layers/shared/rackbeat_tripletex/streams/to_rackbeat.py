"""Tripletex -> Rackbeat streams: customers, suppliers, products. The ongoing sync reads their
changes; the initial import reads all of them once (the same adapter, mapper, links, failures).
A record is keyed by its Rackbeat key: the one it is linked to, else its Tripletex number."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable, key_of, readable
from rackbeat_tripletex.clients.tripletex import ConditionalRead, TripletexClient
from rackbeat_tripletex.mappers import tripletex_to_rackbeat as t2r
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.sync import Entity, InitialSyncRequest, ReferenceData, StreamName
from rackbeat_tripletex.streams.base import Cursor, Stream, TimestampCursor, VersionDigestCursor

# Tripletex changedSince: a little overlap for clock skew between us and Tripletex.
TRIPLETEX_OVERLAP = dt.timedelta(minutes=5)
Read = tx.Customer | tx.Supplier | tx.Product | Unreadable


class ToRackbeat(Stream):
    cursor: ClassVar[Cursor] = TimestampCursor(TRIPLETEX_OVERLAP)
    # The number's name in Tripletex's JSON: an unreadable record may still show it.
    number_field: ClassVar[str]
    # Rackbeat entities that may own some of this stream's Tripletex records (linked to them).
    owned_by: ClassVar[tuple[Entity, ...]] = ()

    @abstractmethod
    def number(self, record: Any) -> Any:
        """The record's Tripletex number as read (the mapper turns it into the Rackbeat number)."""

    @abstractmethod
    def read(self, api: TripletexClient, **filters: Any) -> Iterator[Read]:
        """Every record matching ``filters``, each once (the client splits reads past 10,000)."""

    def read_ids(self, api: TripletexClient, ids: Sequence[int]) -> Iterator[Read]:
        return self.read(api, id=list(ids))

    def changed_since(self, api: TripletexClient, since: dt.datetime | None) -> Iterator[Read]:
        return self.read(api, changed_since=since)

    @abstractmethod
    def fetch(self, api: TripletexClient, tripletex_id: int) -> Read:
        """One record as a list read yields it (an unreadable one fails alone)."""

    @abstractmethod
    def map(self, record: Any, request: InitialSyncRequest, refs: ReferenceData) -> t2r.Mapped: ...

    def missing_unit(self, record: Any, refs: ReferenceData) -> str | None:
        """A unit the record uses that Rackbeat lacks (the wizard offers to create it)."""
        return None

    @abstractmethod
    def rackbeat_records(self, rackbeat: RackbeatClient) -> Iterator[Any]:
        """Every record of the entity in Rackbeat (an unreadable one still holds its number)."""

    def rackbeat_keys(self, rackbeat: RackbeatClient) -> list[str]:
        return [key for key in map(key_of, self.rackbeat_records(rackbeat)) if key is not None]

    @abstractmethod
    def find_in_rackbeat(self, rackbeat: RackbeatClient, key: str) -> Any:
        """The Rackbeat record under ``key``, or None."""

    @abstractmethod
    def create_in_rackbeat(self, rackbeat: RackbeatClient, write: Any) -> Any: ...

    @abstractmethod
    def update_in_rackbeat(self, rackbeat: RackbeatClient, key: str, write: Any, record: Any) -> Any:
        """A partial update: what the Tripletex answer did not show stays as it is in Rackbeat."""


class CustomersToRackbeat(ToRackbeat):
    name = StreamName.CUSTOMERS_TO_RACKBEAT
    label = "Customers"
    tripletex_area = "customer"
    webhook_events = ("customer.create", "customer.update", "customer.delete")
    number_field = "customerNumber"

    def number(self, record: Any) -> Any:
        return record.customer_number

    def read(self, api: TripletexClient, **filters: Any) -> Iterator[Read]:
        return api.iter_customers(**filters)

    def fetch(self, api: TripletexClient, tripletex_id: int) -> Read:
        return api.read_record(tx.Customer, tripletex_id)

    def map(self, record: Any, request: InitialSyncRequest, refs: ReferenceData) -> t2r.Mapped:
        return t2r.map_customer(record, request, refs)

    def rackbeat_records(self, rackbeat: RackbeatClient) -> Iterator[Any]:
        return rackbeat.customers()

    def find_in_rackbeat(self, rackbeat: RackbeatClient, key: str) -> Any:
        return rackbeat.get_customer(int(key))

    def create_in_rackbeat(self, rackbeat: RackbeatClient, write: Any) -> rb.Customer:
        return rackbeat.create_customer(write)

    def update_in_rackbeat(self, rackbeat: RackbeatClient, key: str, write: Any, record: Any) -> rb.Customer:
        return rackbeat.update_customer(int(key), t2r.as_update(write, record))


class SuppliersToRackbeat(ToRackbeat):
    name = StreamName.SUPPLIERS_TO_RACKBEAT
    label = "Suppliers"
    tripletex_area = "supplier"
    webhook_events = ("supplier.create", "supplier.update", "supplier.delete")
    number_field = "supplierNumber"

    def number(self, record: Any) -> Any:
        return record.supplier_number

    def read(self, api: TripletexClient, **filters: Any) -> Iterator[Read]:
        return api.iter_suppliers(**filters)

    def fetch(self, api: TripletexClient, tripletex_id: int) -> Read:
        return api.read_record(tx.Supplier, tripletex_id)

    def map(self, record: Any, request: InitialSyncRequest, refs: ReferenceData) -> t2r.Mapped:
        return t2r.map_supplier(record, request, refs)

    def rackbeat_records(self, rackbeat: RackbeatClient) -> Iterator[Any]:
        return rackbeat.suppliers()

    def find_in_rackbeat(self, rackbeat: RackbeatClient, key: str) -> Any:
        return rackbeat.get_supplier(int(key))

    def create_in_rackbeat(self, rackbeat: RackbeatClient, write: Any) -> rb.Supplier:
        return rackbeat.create_supplier(write)

    def update_in_rackbeat(self, rackbeat: RackbeatClient, key: str, write: Any, record: Any) -> rb.Supplier:
        return rackbeat.update_supplier(int(key), t2r.as_update(write, record))


class ProductsToRackbeat(ToRackbeat):
    name = StreamName.PRODUCTS_TO_RACKBEAT
    label = "Products"
    tripletex_area = "product"
    webhook_events = ("product.create", "product.update", "product.delete")
    # Tripletex products made from Rackbeat bills of materials (streams/lots.py).
    owned_by = ("lot",)
    # Products have no changedSince: the list's versionDigest says whether anything changed.
    cursor = VersionDigestCursor()
    number_field = "number"

    def number(self, record: Any) -> Any:
        return record.number

    def read(self, api: TripletexClient, **filters: Any) -> Iterator[Read]:
        return api.iter_products(**filters)

    def read_ids(self, api: TripletexClient, ids: Sequence[int]) -> Iterator[Read]:
        return api.iter_products(ids=list(ids))

    def changed_since_digest(self, api: TripletexClient, digest: str | None) -> ConditionalRead[Any]:
        return api.read_products_if_changed(digest)

    def fetch(self, api: TripletexClient, tripletex_id: int) -> Read:
        return api.read_record(tx.Product, tripletex_id)

    def map(self, record: Any, request: InitialSyncRequest, refs: ReferenceData) -> t2r.Mapped:
        return t2r.map_product(record, request, refs)

    def missing_unit(self, record: Any, refs: ReferenceData) -> str | None:
        return t2r.missing_unit(record, refs)

    def rackbeat_records(self, rackbeat: RackbeatClient) -> Iterator[Any]:
        return rackbeat.products()

    def find_in_rackbeat(self, rackbeat: RackbeatClient, key: str) -> Any:
        return rackbeat.get_product(key)

    def create_in_rackbeat(self, rackbeat: RackbeatClient, write: Any) -> rb.Product:
        return rackbeat.create_product(write)

    def update_in_rackbeat(self, rackbeat: RackbeatClient, key: str, write: Any, record: Any) -> rb.Product:
        return rackbeat.update_product(key, write)


def reference_data(tripletex: TripletexClient, rackbeat: RackbeatClient) -> ReferenceData:
    """The lookups the Tripletex -> Rackbeat mappers need, from both APIs' own reference endpoints
    (never a table of ours): Tripletex's countries, currencies and units, Rackbeat's units and
    payment terms."""
    return ReferenceData(
        currency_codes={c.id: c.code for c in tripletex.list_currencies() if c.id is not None and c.code},
        country_codes={
            c.id: c.iso_alpha2_code.upper() for c in tripletex.list_countries() if c.iso_alpha2_code
        },
        unit_names={
            u.id: t2r.tripletex_unit_name(u).casefold()
            for u in tripletex.list_product_units()
            if u.id is not None
        },
        rackbeat_units={u.name.casefold(): u.number for u in readable(rackbeat.units())},
        rackbeat_payment_terms=[t.number for t in readable(rackbeat.payment_terms())],
    )
