"""One tenant's work in one invocation, and what a record's sync can end in."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rackbeat_tripletex import preflight
from rackbeat_tripletex.clients.http import RateLimited, ServerError, TransportError
from rackbeat_tripletex.clients.rackbeat import RackbeatClient
from rackbeat_tripletex.clients.records import Unreadable, readable
from rackbeat_tripletex.clients.tenant import Clients
from rackbeat_tripletex.clients.tripletex import TripletexClient
from rackbeat_tripletex.mappers import rackbeat_to_tripletex as r2t
from rackbeat_tripletex.mappers.common import content_hash
from rackbeat_tripletex.models import tripletex as tx
from rackbeat_tripletex.models.domain import Settings, Tenant
from rackbeat_tripletex.models.sync import Entity, ReferenceData, SyncRun, Trigger
from rackbeat_tripletex.store.links import Lease
from rackbeat_tripletex.store.runs import RunRecord, RunStore
from rackbeat_tripletex.streams import registry
from rackbeat_tripletex.streams.to_rackbeat import reference_data

# Records whose rows are read in one BatchGetItem: a link row and a failure row each, so 50
# records make the 100 keys DynamoDB answers in one call.
PAGE_STATE_RECORDS = 50
TRANSIENT = (ServerError, RateLimited, TransportError)


class RecordBusy(Exception):
    """Another worker is writing this record right now; try again shortly."""


class OutOfTime(Exception):
    """The task's turn is over: the stream stops between two records, its cursor stays where it
    was (the next turn reads from it again and skips what this one wrote, by the links)."""


class StreamAborted(Exception):
    """The stream could not finish (the API is unavailable); its cursor stays."""


class InvoicingBlocked(StreamAborted):
    """The Tripletex company cannot take invoices (e.g. no bank account): the invoice stream stops
    for this run with one tenant-level failure, its cursor stays, and the next run carries them."""


@dataclass
class Written:
    outcome: str  # "written" | "skipped" | "failed"
    tripletex_id: int | None = None


@dataclass
class Invoicing:
    """The run's view of the company's invoicing setup, read once per run and only when a
    record has to be written (an idle run reads nothing)."""

    settings: tx.InvoiceSettings | None = None
    settings_read: bool = False
    reference: r2t.Reference | None = None
    checked: bool = False
    blocker: preflight.Finding | None = None
    # Rackbeat product number -> its product group, for invoice lines without a VAT rate.
    product_groups: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Session:
    """One tenant's work in one invocation: clients, settings, and lazily loaded reference data."""

    tenant: Tenant
    settings: Settings
    clients: Clients
    trigger: Trigger
    run_id: str
    _reference: r2t.Reference | None = None
    _refs: ReferenceData | None = None
    syncing: set[tuple[Entity, str]] = field(default_factory=set)
    # Every stream's cursor as the run started (read in one batch by ``run_tenant``).
    cursors: dict[str, str] = field(default_factory=dict)
    _initial_run: RunRecord | None = None
    _initial_run_read: bool = False
    invoicing: Invoicing = field(default_factory=Invoicing)
    # Tripletex records a page is about to update, read in one call (sync/to_tripletex.py).
    prefetched: dict[tuple[Entity, int], Any] = field(default_factory=dict)
    # Seconds this task may still work (its turn, within the function's timeout).
    time_left: Callable[[], float] = field(default=lambda: math.inf)
    # Set when the turn ended mid-stream (the stream and those after it are due again).
    out_of_time: bool = False
    # The records this worker holds now (Steps.leased), with their links as each lease found them.
    leases: dict[tuple[Entity, str], Lease] = field(default_factory=dict)
    # (stream, key) of records the page's batch read found without a failure row: their sync
    # has nothing to clear (Steps.resolved).
    failure_free: set[tuple[str, str]] = field(default_factory=set)

    @property
    def tenant_id(self) -> str:
        return self.tenant.tenant_id

    @property
    def tripletex(self) -> TripletexClient:
        return self.clients.tripletex

    @property
    def rackbeat(self) -> RackbeatClient:
        return self.clients.rackbeat

    def check_time(self) -> None:
        """Between records: end the turn when its time is spent."""
        if self.time_left() <= 0:
            raise OutOfTime

    def reference(self) -> r2t.Reference:
        """Rackbeat -> Tripletex lookups. Loaded only when a change has to be mapped (an idle run
        costs one read per stream); the client keeps each reference list for the whole run."""
        if self._reference is None:
            self._reference = r2t.Reference.build(
                vat_types=self.tripletex.list_vat_types(),
                product_units=self.tripletex.list_product_units(),
                currencies=self.tripletex.list_currencies(),
                countries={
                    c.iso_alpha2_code.upper(): c.id
                    for c in self.tripletex.list_countries()
                    if c.iso_alpha2_code
                },
                rackbeat_units=list(readable(self.rackbeat.units())),
                payment_terms=list(readable(self.rackbeat.payment_terms())),
                product_groups=list(readable(self.rackbeat.product_groups())),
            )
        return self._reference

    def refs(self) -> ReferenceData:
        """Tripletex -> Rackbeat lookups, read fresh once per run (a unit or currency added since
        the initial import is known at once) and kept for the run."""
        if self._refs is None:
            self._refs = reference_data(self.tripletex, self.rackbeat)
        return self._refs

    def initial_run(self, runs: RunStore) -> RunRecord | None:
        """The tenant's initial import (groups, terms), read once per invocation, not per record."""
        if not self._initial_run_read:
            self._initial_run = runs.get_import(self.tenant_id)
            self._initial_run_read = True
        return self._initial_run

    def both_ways(self, entity: Entity) -> bool:
        reverse = registry.to_rackbeat(entity)
        return reverse is not None and bool(getattr(self.settings.streams, reverse.name.value))


def rackbeat_stamp(moment: dt.datetime | None) -> str | None:
    """A Rackbeat ``updated_at`` as a link stores it: ISO-8601 with its offset, whichever form
    Rackbeat answered in (so a stored stamp compares as a moment, never as Rackbeat's text)."""
    return moment.isoformat() if moment is not None else None


def rackbeat_key(record: Any) -> str:
    """The key a Rackbeat record syncs and fails under: its number; for a record without a
    readable number, its content (so it still has exactly one failure row)."""
    if isinstance(record, Unreadable):
        if record.key is not None:
            return record.key
        return "unnumbered-" + content_hash(dict(record.raw))[:16]
    return str(record.number)


def pages[R](records: Iterable[R]) -> Iterator[list[R]]:
    page: list[R] = []
    for record in records:
        page.append(record)
        if len(page) == PAGE_STATE_RECORDS:
            yield page
            page = []
    if page:
        yield page


def count(run: SyncRun, result: Written) -> None:
    if result.outcome == "written":
        run.written += 1
    elif result.outcome == "failed":
        run.failed += 1
    else:
        run.skipped += 1
