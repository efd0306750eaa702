"""What deactivating a record means on each side, per entity: Tripletex's ``isInactive`` (one
partial update whatever the entity) and Rackbeat's ``is_barred`` (each entity its own endpoint).
Used by ``sync/deactivation.py`` when a record is deleted on the other side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.models import rackbeat as rb
from rackbeat_tripletex.models.sync import Entity

_BAR: dict[Entity, Callable[[RackbeatClient, str], Any]] = {
    "customer": lambda api, key: api.update_customer(int(key), rb.CustomerWrite(is_barred=True)),
    "supplier": lambda api, key: api.update_supplier(int(key), rb.SupplierWrite(is_barred=True)),
    "product": lambda api, key: api.update_product(key, rb.ProductWrite(is_barred=True)),
}


def bar_in_rackbeat(rackbeat: RackbeatClient, entity: Entity, key: str) -> bool:
    """Bar the Rackbeat record; False when this entity has nothing to bar in Rackbeat."""
    bar = _BAR.get(entity)
    if bar is None:
        return False
    bar(rackbeat, key)
    return True


def inactive(current: Any) -> Any:
    """The partial update that makes a Tripletex customer, supplier or product inactive."""
    return type(current)(id=current.id, version=current.version, is_inactive=True)
