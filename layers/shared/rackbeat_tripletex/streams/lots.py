"""Bills of materials (Rackbeat "lots") -> Tripletex products.

A lot is kept in step like a product: found in Tripletex by link, then by its number among
products, then created. Rackbeat numbers products and lots in one item series, and converting a
product to a BOM keeps its number (``product.deleted`` with ``converted_to_lot``, then
``lot.created``), so the lot finds the product's Tripletex record by number and takes it over.

Only ``lot.created`` is documented; ``lot.updated`` is registered and may be refused (a refusal
costs nothing else): without it a BOM edit reaches Tripletex on the scheduled run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.mappers.rackbeat_to_tripletex.lot import map_lot
from rackbeat_tripletex.models.sync import StreamName
from rackbeat_tripletex.streams.to_tripletex import RecordToTripletex, Since, TripletexProducts


class LotsToTripletex(TripletexProducts, RecordToTripletex):
    name = StreamName.LOTS_TO_TRIPLETEX
    label = "Bills of materials"
    tripletex_area = "product"
    webhook_events = ("lot.created", "lot.updated")

    def changed_since(self, rackbeat: RackbeatClient, since: Since) -> Iterator[Any]:
        return rackbeat.lots(updated_at_from=since)

    def fetch(self, rackbeat: RackbeatClient, key: str) -> Any:
        return rackbeat.get_lot(key)

    def map(self, record: Any, reference: r2t.Reference) -> r2t.Mapped[Any] | r2t.MappingFailure:
        return map_lot(record, reference)
