"""Tripletex -> Rackbeat mappers: pure functions, one module per entity, no I/O.

Each returns the Rackbeat write or a :class:`RecordFailure` saying why and what to do; none
raises for bad data.
"""

from rackbeat_tripletex.mappers.tripletex_to_rackbeat.contacts import as_update
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.customer import map_customer
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.product import (
    DEFAULT_UNIT,
    map_product,
    missing_unit,
    tripletex_unit_name,
)
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.result import Mapped, RackbeatWrite
from rackbeat_tripletex.mappers.tripletex_to_rackbeat.supplier import map_supplier

__all__ = [
    "DEFAULT_UNIT",
    "Mapped",
    "RackbeatWrite",
    "as_update",
    "map_customer",
    "map_product",
    "map_supplier",
    "missing_unit",
    "tripletex_unit_name",
]
