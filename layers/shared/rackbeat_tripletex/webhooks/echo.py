"""Our own writes do not come back as work: a delivery announcing what we last wrote (or what
was already synced) is dropped before it reaches SyncQueue.

What "the one we last wrote" is, per side, from what the deliveries carry
(../shared/specs/evidence):

* **Tripletex** events carry the record's id and, as we subscribe them (``fields=id,version``),
  its ``version``. Every write and every read of the sync stores the version it left or saw on
  the link's way back (``LINKTX#<entity>#<id>``, a row written anyway). Versions only grow, so an
  event whose version is at most that one says nothing we do not have: dropped, however many
  times Tripletex delivers it. One GetItem per event.
* **Rackbeat** deliveries carry only the number (``{"key_name": "number", "key": "1021"}``), no
  version, no content, no time. A write of ours stamps ``rackbeat_written_at`` on the link (the
  update the sync makes anyway); the first delivery for that record within ``ECHO_SECONDS`` of
  the stamp is taken as the write's echo (a one-shot marker, so a second delivery — a user's
  change right after ours — goes through). One GetItem per delivery, one PutItem per echo.
  Should a user's change be the one taken, it is not lost: the scheduled run reads Rackbeat's
  changes since its cursor and finds the content differs from what we wrote.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rackbeat_tripletex.models.sync import EntitySyncTask
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.webhooks.markers import DeliveryMarkers

# Rackbeat calls a webhook within seconds of the write (it retries failures for a day, but a
# retry of the echo is the same delivery id to Rackbeat, not a second write of ours).
ECHO_SECONDS = 300


@dataclass
class EchoFilter:
    links: LinkStore
    markers: DeliveryMarkers
    clock: Callable[[], float] = field(default=time.time)

    def is_echo(self, task: EntitySyncTask, version: int | None = None) -> bool:
        if task.deleted:
            return False
        if task.source == "tripletex":
            if version is None or not task.key.isdigit():
                return False
            synced = self.links.synced_version(task.tenant_id, task.entity, int(task.key))
            return synced is not None and version <= synced
        written = self.links.rackbeat_written_at(task.tenant_id, task.entity, task.key)
        if written is None or self.clock() - written > ECHO_SECONDS:
            return False
        return self.markers.first_echo(task.tenant_id, task.entity, task.key, written, seconds=ECHO_SECONDS)
