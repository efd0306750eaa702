"""What every Tripletex -> Rackbeat mapper returns: the Rackbeat write, or a failure the user can
act on (the same RecordFailure the import and the streams store). A mapper never raises for bad
data: inside it, ``MapFailure`` carries the reason up to the mapper's edge."""

from __future__ import annotations

from rackbeat_tripletex.models.rackbeat import CustomerWrite, ProductWrite, SupplierWrite
from rackbeat_tripletex.models.sync import RecordFailure

RackbeatWrite = CustomerWrite | SupplierWrite | ProductWrite
Mapped = RackbeatWrite | RecordFailure
