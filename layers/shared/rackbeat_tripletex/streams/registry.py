"""Every stream, once. Adding a stream is adding its adapter to ``STREAMS`` (and its name to
``models.sync.StreamName``); the wizard's list, the Settings fields, the failure sources and the
webhook event lists are pinned to this registry by tests."""

from __future__ import annotations

from rackbeat_tripletex.models.domain import Streams
from rackbeat_tripletex.models.sync import Entity, Source, StreamName
from rackbeat_tripletex.streams.base import Stream
from rackbeat_tripletex.streams.lots import LotsToTripletex
from rackbeat_tripletex.streams.payments import PaymentsToRackbeat
from rackbeat_tripletex.streams.purchase_orders import PurchaseOrdersToTripletex
from rackbeat_tripletex.streams.stock_value import StockValueToTripletex
from rackbeat_tripletex.streams.to_rackbeat import (
    CustomersToRackbeat,
    ProductsToRackbeat,
    SuppliersToRackbeat,
    ToRackbeat,
)
from rackbeat_tripletex.streams.to_tripletex import (
    CustomersToTripletex,
    InvoicesToTripletex,
    ProductsToTripletex,
    SuppliersToTripletex,
    ToTripletex,
)

# The order a tenant's run takes them: every stream after the streams it depends on.
STREAMS: tuple[Stream, ...] = (
    CustomersToTripletex(),
    SuppliersToTripletex(),
    ProductsToTripletex(),
    LotsToTripletex(),
    InvoicesToTripletex(),
    CustomersToRackbeat(),
    SuppliersToRackbeat(),
    ProductsToRackbeat(),
    PurchaseOrdersToTripletex(),
    StockValueToTripletex(),
    PaymentsToRackbeat(),
)
_BY_NAME: dict[StreamName, Stream] = {stream.name: stream for stream in STREAMS}
_BY_SOURCE: dict[tuple[Source, Entity], Stream] = {(s.source, s.entity): s for s in STREAMS}


def stream(name: StreamName) -> Stream:
    return _BY_NAME[name]


def find(source: Source, entity: Entity) -> Stream | None:
    """The stream reading ``entity`` from ``source`` (a webhook names these), if there is one."""
    return _BY_SOURCE.get((source, entity))


def to_tripletex(entity: Entity) -> ToTripletex | None:
    found = find("rackbeat", entity)
    return found if isinstance(found, ToTripletex) else None


def to_rackbeat(entity: Entity) -> ToRackbeat | None:
    found = find("tripletex", entity)
    return found if isinstance(found, ToRackbeat) else None


def enabled(streams: Streams) -> list[Stream]:
    """The streams the tenant switched on, in run order."""
    return [s for s in STREAMS if getattr(streams, s.name.value)]
